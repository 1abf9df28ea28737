import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bestGrid } from './layout.js';

test('bestGrid picks the column count with the largest tiles, and they fit', () => {
  const cases: [number, number, number, number][] = [
    // count, width, height, expected cols
    [1, 960, 640, 1],
    [2, 960, 640, 1],
    [2, 1280, 400, 2],
    [3, 960, 640, 2],
    [3, 1600, 400, 3],
    [4, 960, 640, 2],
    [5, 1280, 640, 3],
    [3, 300, 900, 1],
  ];
  for (const [count, width, height, cols] of cases) {
    const g = bestGrid(count, width, height);
    assert.equal(g.cols, cols, `${count} tiles in ${width}x${height}`);
    assert.equal(g.rows, Math.ceil(count / cols));
    assert.ok(g.cols * g.tileWidth + (g.cols - 1) * 8 <= width, 'fits the width');
    assert.ok(g.rows * g.tileHeight + (g.rows - 1) * 8 <= height, 'fits the height');
    assert.ok(Math.abs(g.tileWidth / g.tileHeight - 16 / 9) < 0.05);
  }
});

test('bestGrid handles empty and degenerate spaces', () => {
  assert.deepEqual(bestGrid(0, 100, 100), { cols: 0, rows: 0, tileWidth: 0, tileHeight: 0 });
  assert.equal(bestGrid(3, 0, 100).tileWidth, 0);
  assert.equal(bestGrid(2, 10, 10, 16 / 9, 20).tileWidth, 0);
});
