import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ScoreHistory, scoreSample } from './stream-score.js';

test('sample anchors', () => {
  const rows: [number, number][] = [
    [0, 10],
    [1, 10],
    [5, 8],
    [10, 7],
    [20, 4],
    [50, 1],
    [100, 0],
  ];
  for (const [lossPct, score] of rows) assert.equal(scoreSample({ expected: 100, lost: lossPct, repaired: 0, jitterMs: 0 }), score, `${lossPct} %`);
});

test('sample edge cases', () => {
  assert.equal(scoreSample({ expected: 0, lost: 0, repaired: 0, jitterMs: 0 }), 0);
  assert.equal(scoreSample({ expected: 10, lost: -5, repaired: 0, jitterMs: 0 }), 10);
  assert.equal(scoreSample({ expected: 10, lost: 50, repaired: 50, jitterMs: 0 }), 0);
  assert.equal(scoreSample({ expected: 100, lost: 0, repaired: 0, jitterMs: 50 }), 9);
  assert.equal(scoreSample({ expected: 100, lost: 0, repaired: 0, jitterMs: 150 }), 8);
});

test('history: recency-weighted mean', () => {
  const h = new ScoreHistory(10);
  assert.equal(h.score, 10);
  assert.equal(h.push(4), 4); // a single sample is the score
  assert.equal(h.push(10), 7); // (8·10 + 7·4) / 15 = 7.2
  h.reset(0);
  assert.equal(h.score, 0);
  for (let i = 0; i < 20; i++) h.push(7);
  assert.equal(h.score, 7);
});
