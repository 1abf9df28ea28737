import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AimdRateControl } from './aimd-rate-control.js';
import { LinkCapacity } from './link-capacity.js';

test('multiplicative increase of about 8 % per second while the capacity is unknown', () => {
  const r = new AimdRateControl(1_000_000);
  for (let t = 0; t <= 1000; t += 100) r.update('normal', undefined, t, 100);
  assert.ok(Math.abs(r.estimate - 1_080_000) < 1000, `${r.estimate}`);
  assert.equal(r.state, 'increase');
});

test('decrease to 0.85 x acked on over-use, then additive increase near that capacity', () => {
  const r = new AimdRateControl(1_000_000);
  r.update('normal', 900_000, 0, 100);
  r.update('overusing', 900_000, 100, 100);
  assert.equal(r.state, 'decrease');
  assert.equal(r.estimate, 765_000);
  assert.equal(r.linkCapacity, 900_000);
  const before = r.estimate;
  for (let t = 200; t <= 1200; t += 100) r.update('normal', 760_000, t, 100);
  const additive = r.estimate - before;
  // Half a packet (≈ 8.5 kbit at this rate) per 200 ms response time: ≈ 21 kbps/s, far less than 8 %.
  assert.ok(additive > 15_000 && additive < 30_000, `additive increase ${additive}`);
});

test('a second over-use within one RTT does not cut again, unless the estimate is over twice acked', () => {
  const r = new AimdRateControl(1_000_000);
  r.update('overusing', 1_000_000, 0, 100);
  assert.equal(r.estimate, 850_000);
  r.update('overusing', 900_000, 50, 100);
  assert.equal(r.estimate, 850_000, 'within 100 ms');
  r.update('overusing', 900_000, 100, 100);
  assert.equal(r.estimate, 765_000, 'one RTT later');
  r.update('overusing', 300_000, 110, 100);
  assert.equal(r.estimate, 255_000, 'estimate > 2 x acked: cut at once');
});

test('hold on under-use; increases capped at 1.5 x acked + 10 kbps', () => {
  const r = new AimdRateControl(1_000_000);
  r.update('underusing', 500_000, 0, 100);
  r.update('underusing', 500_000, 1000, 100);
  assert.equal(r.state, 'hold');
  assert.equal(r.estimate, 1_000_000);
  const capped = new AimdRateControl(700_000);
  for (let t = 0; t <= 10_000; t += 100) capped.update('normal', 400_000, t, 100);
  assert.equal(capped.estimate, 700_000, 'above 1.5 x acked already: held there, never lowered by the cap');
  const low = new AimdRateControl(500_000);
  for (let t = 0; t <= 10_000; t += 100) low.update('normal', 400_000, t, 100);
  assert.equal(low.estimate, 610_000);
});

test('the link capacity resets when the path shows much more than it', () => {
  const c = new LinkCapacity();
  c.onOveruse(1_000_000);
  assert.equal(c.estimate, 1_000_000);
  assert.ok(c.upperBound! > 1_000_000 && c.upperBound! < 1_200_000);
  const r = new AimdRateControl(1_000_000);
  r.update('overusing', 1_000_000, 0, 100);
  assert.equal(r.linkCapacity, 1_000_000);
  r.update('normal', 1_500_000, 100, 100);
  assert.equal(r.linkCapacity, undefined, 'acked far above: capacity unknown again, multiplicative growth');
  // And a much lower over-use sample replaces the old mean instead of averaging with it.
  c.onOveruse(300_000);
  assert.equal(c.estimate, 300_000);
});
