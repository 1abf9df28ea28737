import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RateCalculator } from './rate-calculator.js';

test('steady 1 Mbit/s', () => {
  const r = new RateCalculator();
  assert.equal(r.bitrate(0), 0);
  // 125 bytes every ms = 1 000 000 bit/s.
  for (let t = 0; t < 3000; t++) r.update(125, t);
  assert.ok(Math.abs(r.bitrate(2999) - 1_000_000) <= 12_500, String(r.bitrate(2999)));
});

test('decays to zero after the window', () => {
  const r = new RateCalculator({ windowMs: 1000, buckets: 10 });
  r.update(1000, 50);
  assert.equal(r.bitrate(50), 8000);
  assert.equal(r.bitrate(950), 8000);
  assert.equal(r.bitrate(1000), 0); // its bucket left the window
  r.update(10, 100_000);
  assert.equal(r.bitrate(100_000), 80);
});

test('a slightly late sample lands in a live bucket', () => {
  const r = new RateCalculator();
  r.update(100, 500);
  r.update(100, 450);
  r.update(100, -5000); // far in the past: counted in the oldest live bucket
  assert.equal(r.bitrate(500), 2400);
});
