import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LossBasedBwe, lossDecision } from './loss-based.js';
import type { PacketResult } from './send-history.js';

let nextSeq = 0;
/** `n` results of which `lost` are lost. */
function results(n: number, lost: number): PacketResult[] {
  return Array.from({ length: n }, (_, i) => ({
    seq: nextSeq++,
    sizeBytes: 1000,
    sendTimeMs: 0,
    arrivalTimeMs: i < lost ? undefined : 1,
  }));
}

test('the rule: < 2 % increase, 2..10 % hold, > 10 % decrease', () => {
  const table: [number, string][] = [
    [0, 'increase'],
    [0.0199, 'increase'],
    [0.02, 'hold'],
    [0.1, 'hold'],
    [0.1001, 'decrease'],
    [1, 'decrease'],
  ];
  for (const [loss, expected] of table) assert.equal(lossDecision(loss), expected, `loss ${loss}`);
});

test('over 10 % cuts by (1 - loss / 2), at most once per 300 ms + RTT', () => {
  const l = new LossBasedBwe(1_000_000);
  assert.equal(l.onFeedback(results(100, 20), 0, 100, Infinity), 900_000);
  assert.equal(l.lossFraction, 0.2);
  assert.equal(l.onFeedback(results(100, 20), 200, 100, Infinity), 900_000, 'too soon after the last cut');
  assert.equal(l.onFeedback(results(100, 40), 400, 100, Infinity), 720_000, '40 % lost, 400 ms later');
});

test('2..10 % holds; under 2 % grows about 8 % per second, never above the delay-based cap', () => {
  const l = new LossBasedBwe(1_000_000);
  for (let t = 0; t <= 2000; t += 100) l.onFeedback(results(50, 3), t, 100, Infinity);
  assert.equal(l.estimate, 1_000_000, '6 % lost: hold');
  for (let t = 2100; t <= 4000; t += 100) l.onFeedback(results(50, 0), t, 100, Infinity);
  const grown = l.estimate;
  assert.ok(grown > 1_150_000 && grown < 1_200_000, `two steps of 8 %: ${grown}`);
  assert.equal(l.onFeedback(results(50, 0), 4100, 100, 1_100_000), 1_100_000, 'capped by the delay-based estimate');
});

test('a loss fraction needs enough packets', () => {
  const l = new LossBasedBwe(1_000_000);
  // 5 packets, 2 lost (40 %): not enough to judge; the earlier fraction (0) stands.
  l.onFeedback(results(5, 2), 0, 100, Infinity);
  assert.equal(l.lossFraction, 0);
  l.onFeedback(results(15, 2), 100, 100, Infinity);
  assert.equal(l.lossFraction, 0.2, '20 packets, 4 lost');
  // At low rates 10 packets over a second are enough.
  l.onFeedback(results(10, 0), 1200, 100, Infinity);
  assert.equal(l.lossFraction, 0);
});
