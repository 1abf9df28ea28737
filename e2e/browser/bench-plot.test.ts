/**
 * bench/plot.ts: the SVG has its axes, ticks and legend, and Debian's Chromium renders it
 * to a PNG of the chart's size in which the series colours appear.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { test } from 'node:test';
import { lineChartSvg, niceTicks, writeLinePlot, type PlotSpec } from '../../bench/plot.js';

const spec: PlotSpec = {
  title: 'CPU <against> N',
  xLabel: 'N viewers',
  yLabel: 'CPU (% of a core)',
  series: [
    { name: 'Consommé', points: [[1, 3], [20, 25], [80, 90]] },
    { name: 'Janus', points: [[1, 2], [20, 20], [80, 75], [90, NaN]] },
  ],
};

test('niceTicks: steps of 1, 2 or 5 × 10^k covering the range', () => {
  assert.deepEqual(niceTicks(0, 80), [0, 20, 40, 60, 80]);
  assert.deepEqual(niceTicks(0, 0.9), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(5, 5), [5, 5.2, 5.4, 5.6, 5.8, 6]);
});

test('the SVG has title (escaped), axis labels, ticks and a legend row per series', () => {
  const svg = lineChartSvg(spec);
  assert.match(svg, /CPU &lt;against&gt; N/);
  assert.match(svg, />N viewers</);
  assert.match(svg, />Consommé</);
  assert.match(svg, />Janus</);
  assert.equal((svg.match(/<polyline /g) ?? []).length, 2);
  assert.match(svg, />100<\/text>/); // y ticks reach past 90
  assert.doesNotMatch(svg, /NaN/);
});

/** Width, height and whether some pixel has exactly this colour (8-bit RGB, non-interlaced PNG). */
function readPng(png: Buffer): { width: number; height: number; hasColor(rgb: [number, number, number]): boolean } {
  assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
  let pos = 8;
  let width = 0;
  let height = 0;
  let channels = 3;
  const idat: Buffer[] = [];
  while (pos < png.length) {
    const len = png.readUInt32BE(pos);
    const type = png.toString('ascii', pos + 4, pos + 8);
    const data = png.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      assert.equal(data[8], 8, 'bit depth');
      channels = data[9] === 6 ? 4 : 3;
    } else if (type === 'IDAT') idat.push(data);
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = Buffer.alloc(height * stride);
  // Undo the per-row filters (PNG §9).
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const row = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? pixels[y * stride + x - channels]! : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x]! : 0;
      const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels]! : 0;
      const p = a + b - c;
      const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
      const predictor = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][filter]!;
      pixels[y * stride + x] = (row[x]! + predictor) & 0xff;
    }
  }
  return {
    width,
    height,
    hasColor: ([r, g, bl]) => {
      for (let i = 0; i < pixels.length; i += channels) if (pixels[i] === r && pixels[i + 1] === g && pixels[i + 2] === bl) return true;
      return false;
    },
  };
}

test('writeLinePlot renders a PNG with Chromium, both series colours drawn', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'plot-'));
  try {
    const file = join(dir, 'sub', 'cpu.png');
    await writeLinePlot(file, spec);
    const png = readPng(readFileSync(file));
    assert.equal(png.width, 800);
    assert.equal(png.height, 500);
    assert.ok(png.hasColor([0x00, 0x72, 0xb2]), 'first series colour');
    assert.ok(png.hasColor([0xd5, 0x5e, 0x00]), 'second series colour');
    assert.ok(!png.hasColor([0xcc, 0x79, 0xa7]), 'no third series');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
