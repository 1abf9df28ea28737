import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InterArrival, type GroupDelta } from './inter-arrival.js';
import { Trendline, linearSlope } from './trendline.js';
import { OveruseDetector, type DelaySignal } from './overuse-detector.js';
import { DelayBasedBwe } from './delay-based.js';
import { seededRandom } from './test-link.js';
import type { PacketResult } from './send-history.js';

test('inter-arrival: packets sent within 5 ms form one group; deltas between groups', () => {
  const ia = new InterArrival();
  const out: (GroupDelta | 'reset' | undefined)[] = [];
  // Group 1: sent 0..4 ms; group 2: 33..35; group 3: 66 (arrives 10 ms late).
  for (const [s, a] of [[0, 100], [2, 101], [4, 103], [33, 134], [35, 136], [66, 177], [100, 200]] as const) out.push(ia.add(s, a));
  const deltas = out.filter((d): d is GroupDelta => typeof d === 'object');
  assert.deepEqual(deltas, [
    { sendDeltaMs: 31, arrivalDeltaMs: 33, arrivalTimeMs: 136 },
    { sendDeltaMs: 31, arrivalDeltaMs: 41, arrivalTimeMs: 177 },
  ]);
});

test('inter-arrival: a burst released by the path joins the group; reordered packets are ignored', () => {
  const ia = new InterArrival();
  ia.add(0, 100);
  // Sent 10 ms later but arrived 1 ms after: the path delivered a backlog at once.
  assert.equal(ia.add(10, 101), undefined);
  assert.equal(ia.add(-5, 102), undefined, 'sent before the current group');
  assert.equal(ia.add(40, 140), undefined, 'starts group 2');
  const d = ia.add(80, 180);
  assert.deepEqual(d, { sendDeltaMs: 30, arrivalDeltaMs: 39, arrivalTimeMs: 140 });
});

test('inter-arrival: a receiver clock jump resets', () => {
  const ia = new InterArrival();
  ia.add(0, 0);
  ia.add(33, 33);
  ia.add(66, 66);
  ia.add(100, 10_000);
  assert.equal(ia.add(133, 10_033), 'reset');
});

test('linear slope', () => {
  assert.equal(linearSlope([0, 1, 2, 3], [1, 3, 5, 7]), 2);
  assert.equal(linearSlope([5, 5], [1, 2]), undefined);
});

/** Runs group deltas through a trendline and a detector; returns the signals. */
function detect(deltas: readonly GroupDelta[]): DelaySignal[] {
  const trend = new Trendline();
  const detector = new OveruseDetector();
  const out: DelaySignal[] = [];
  for (const d of deltas) {
    const t = trend.update(d);
    if (t !== undefined) out.push(detector.detect(t.modifiedTrend, d.sendDeltaMs, d.arrivalTimeMs));
  }
  return out;
}

/** Groups every 33 ms whose one-way delay is `delay(i)`. */
function groups(n: number, delay: (i: number) => number): GroupDelta[] {
  const out: GroupDelta[] = [];
  for (let i = 1; i <= n; i++) {
    const arrivalDeltaMs = 33 + delay(i) - delay(i - 1);
    out.push({ sendDeltaMs: 33, arrivalDeltaMs, arrivalTimeMs: 1000 + i * 33 + delay(i) });
  }
  return out;
}

test('trendline + detector: a rising delay ramp is over-use, a flat one is not', () => {
  const flat = detect(groups(200, () => 20));
  assert.ok(flat.length > 0 && flat.every((s) => s === 'normal'), 'flat delay');
  // Queue growing 2 ms per group (sending 6 % over capacity).
  const rising = detect(groups(60, (i) => 20 + 2 * i));
  assert.ok(rising.includes('overusing'), `rising delay: ${rising.join(',')}`);
  const first = rising.indexOf('overusing');
  assert.ok(first < 15, `detected within 15 groups (0.5 s) of a full window, at ${first}`);
  const falling = detect(groups(60, (i) => 200 - 2 * i));
  assert.ok(falling.includes('underusing') && !falling.includes('overusing'), 'draining queue');
});

test('trendline + detector: zero-mean jitter does not look like a trend', () => {
  const random = seededRandom(7);
  const noise = Array.from({ length: 1001 }, () => random() * 10);
  const signals = detect(groups(1000, (i) => 20 + noise[i]!));
  assert.ok(!signals.includes('overusing'), 'up to 10 ms of jitter per group');
});

test('detector: the threshold follows a sustained trend and ignores spikes', () => {
  const d = new OveruseDetector();
  const start = d.thresholdMs;
  d.detect(start + 100, 33, 0);
  d.detect(start + 100, 33, 100);
  assert.equal(d.thresholdMs, start, 'a spike far above the threshold does not move it');
  let t = 100;
  for (let i = 0; i < 100; i++) d.detect(start + 5, 33, (t += 33));
  assert.ok(d.thresholdMs > start + 4, `rose towards the trend: ${d.thresholdMs}`);
  for (let i = 0; i < 100; i++) d.detect(0, 33, (t += 33));
  assert.equal(d.thresholdMs, 6, 'falls to its floor when the trend is flat');
});

test('detector: over-use needs more than 10 ms above the threshold and a non-falling trend', () => {
  const d = new OveruseDetector();
  assert.equal(d.detect(20, 5, 0), 'normal', 'first sample over: 2.5 ms counted');
  assert.equal(d.detect(19, 5, 5), 'normal', '7.5 ms and falling');
  assert.equal(d.detect(21, 5, 10), 'overusing', '12.5 ms, rising');
});

/** Packet results of frames (3 packets each, every 33 ms) through a link whose queue grows by `growthMs` per frame. */
function frames(from: number, count: number, growthMs: number, sizeBytes = 1000): PacketResult[] {
  const out: PacketResult[] = [];
  for (let f = from; f < from + count; f++) {
    for (let p = 0; p < 3; p++) {
      const send = f * 33 + p * 0.1;
      out.push({ seq: f * 3 + p, sizeBytes, sendTimeMs: send, arrivalTimeMs: 5000 + send + 20 + f * growthMs + p });
    }
  }
  return out;
}

test('delay-based: grows on a free path, cuts to 0.85 x acked on a growing queue', () => {
  const bwe = new DelayBasedBwe(1_000_000);
  let now = 0;
  for (let i = 0; i < 30; i++) {
    bwe.onFeedback(frames(i * 3, 3, 0), 800_000, (now += 100), 50);
  }
  const grown = bwe.estimate;
  assert.ok(grown > 1_150_000 && grown < 1_300_000, `≈ 8 %/s for 3 s: ${grown}`);
  assert.equal(bwe.signal, 'normal');
  let signal: DelaySignal = 'normal';
  for (let i = 30; i < 60 && signal !== 'overusing'; i++) signal = bwe.onFeedback(frames(i * 3, 3, 3), 900_000, (now += 100), 50);
  assert.equal(signal, 'overusing');
  assert.equal(bwe.estimate, 0.85 * 900_000);
  assert.equal(bwe.linkCapacity, 900_000);
});
