/**
 * Closed-loop traces: SendSideBwe driving a sender through a simulated
 * bottleneck (test-link.ts), on a fake clock. Each test asserts the decision
 * GCC is expected to make and prints the figures it observed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { between, firstTime, simulate, type SimTrace } from './test-link.js';

const kbps = (bps: number): string => `${Math.round(bps / 1000)} kbps`;

/** Longest stretch (ms) during which `pred` held on consecutive samples. */
function longestStretch(trace: SimTrace, pred: (estimate: number) => boolean): number {
  let longest = 0;
  let start: number | undefined;
  for (const s of trace.samples) {
    if (pred(s.estimate)) {
      start ??= s.t;
      longest = Math.max(longest, s.t - start);
    } else start = undefined;
  }
  return longest;
}

test('a) 2 Mbps link from 600 kbps: reaches 1.4 Mbps within 10 s, stays near capacity, bounded queue', (t) => {
  const trace = simulate({ link: { capacityBps: 2_000_000, propagationMs: 25, queueBytes: 60_000 }, durationMs: 30_000 });
  const reached = firstTime(trace, 0, (s) => s.estimate >= 1_400_000);
  assert.ok(reached !== undefined && reached <= 10_000, `reached 1.4 Mbps at ${reached} ms`);
  const peak = Math.max(...trace.samples.map((s) => s.estimate));
  assert.ok(longestStretch(trace, (e) => e > 3_000_000) <= 1000, 'never above 1.5 x capacity for more than 1 s');
  const settled = between(trace, 5000, 30_000);
  const mean = settled.reduce((sum, s) => sum + s.estimate, 0) / settled.length;
  assert.ok(mean > 1_500_000 && mean < 2_400_000, `mean estimate after 5 s: ${kbps(mean)}`);
  const maxQueue = Math.max(...settled.map((s) => s.queueDelayMs));
  assert.ok(maxQueue < 200, `queue delay after 5 s at most ${maxQueue} ms (the 60 kB queue holds 240 ms)`);
  assert.equal(trace.link.droppedQueue, 0, 'the delay-based controller keeps the queue from overflowing');
  t.diagnostic(`1.4 Mbps at ${reached} ms; peak ${kbps(peak)}; mean after 5 s ${kbps(mean)}; max queue ${Math.round(maxQueue)} ms; probes ${trace.probes.map((p) => kbps(p.cluster.targetBps)).join(', ')}`);
});

test('b) capacity step 2 Mbps → 300 kbps: estimate under 450 kbps within 3 s', (t) => {
  const trace = simulate({
    link: { capacityBps: 2_000_000, propagationMs: 25, queueBytes: 60_000 },
    durationMs: 25_000,
    onTick: (ms, link) => {
      if (ms === 12_000) link.capacityBps = 300_000;
    },
  });
  const before = between(trace, 11_000, 12_000).at(-1)!.estimate;
  assert.ok(before > 1_400_000, `before the step: ${kbps(before)}`);
  const under = firstTime(trace, 12_000, (s) => s.estimate < 450_000);
  assert.ok(under !== undefined && under - 12_000 <= 3000, `under 450 kbps ${under === undefined ? 'never' : `${under - 12_000} ms`} after the step`);
  // And it stays near the new capacity rather than bouncing back above it.
  const after = between(trace, 17_000, 25_000);
  assert.ok(after.every((s) => s.estimate < 450_000), `max after 5 s: ${kbps(Math.max(...after.map((s) => s.estimate)))}`);
  t.diagnostic(`before ${kbps(before)}; under 450 kbps ${under! - 12_000} ms after the step; lost to the full queue ${trace.link.droppedQueue} packets`);
});

test('c) capacity step 300 kbps → 2 Mbps with 2 Mbps desired: estimate ≥ 1.2 Mbps within 15 s', (t) => {
  const trace = simulate({
    link: { capacityBps: 300_000, propagationMs: 25, queueBytes: 30_000 },
    desiredBps: 2_000_000,
    durationMs: 30_000,
    onTick: (ms, link) => {
      if (ms === 12_000) link.capacityBps = 2_000_000;
    },
  });
  const before = between(trace, 8000, 12_000);
  assert.ok(before.every((s) => s.estimate < 450_000), 'held near 300 kbps before the step');
  const recovered = firstTime(trace, 12_000, (s) => s.estimate >= 1_200_000);
  assert.ok(recovered !== undefined && recovered - 12_000 <= 15_000, `≥ 1.2 Mbps ${recovered === undefined ? 'never' : `${recovered - 12_000} ms`} after the step`);
  const probesAfter = trace.probes.filter((p) => p.t >= 12_000);
  assert.ok(probesAfter.length > 0, 'probing found the new capacity');
  t.diagnostic(`≥ 1.2 Mbps ${recovered! - 12_000} ms after the step; probes after it: ${probesAfter.map((p) => `${p.t} ms ${kbps(p.cluster.targetBps)}`).join(', ')}`);
});

test('d) random loss on an ample link: 15 % pulls the estimate down and keeps it there; 1 % does not', (t) => {
  const link = { capacityBps: 20_000_000, propagationMs: 25, queueBytes: 200_000 };
  const clean = simulate({ link, durationMs: 20_000 });
  const heavy = simulate({ link: { ...link, lossRate: 0.15, seed: 3 }, durationMs: 20_000 });
  const light = simulate({ link: { ...link, lossRate: 0.01, seed: 3 }, durationMs: 20_000 });
  const at = (trace: SimTrace, ms: number): number => trace.samples.find((s) => s.t === ms)!.estimate;
  const peakHeavy = Math.max(...heavy.samples.map((s) => s.estimate));
  assert.ok(at(heavy, 20_000) < peakHeavy / 4, `15 %: from ${kbps(peakHeavy)} down to ${kbps(at(heavy, 20_000))}`);
  for (const s of between(heavy, 3000, 20_000)) {
    assert.ok(s.estimate < at(clean, s.t), `15 %: below the loss-free estimate at ${s.t} ms`);
  }
  assert.ok(at(heavy, 20_000) < at(clean, 20_000) / 10);
  for (const s of between(light, 2000, 20_000)) {
    assert.ok(s.estimate >= 0.85 * at(clean, s.t), `1 %: ${kbps(s.estimate)} vs ${kbps(at(clean, s.t))} loss-free at ${s.t} ms`);
  }
  t.diagnostic(
    `at 20 s: loss-free ${kbps(at(clean, 20_000))}, 1 % ${kbps(at(light, 20_000))}, 15 % ${kbps(at(heavy, 20_000))} (peak ${kbps(peakHeavy)})`,
  );
});

test('e) a filling queue without loss: over-use is detected and the estimate cut before any loss', (t) => {
  // 2 Mbps → 1 Mbps: the sender is at twice the capacity, the 100 kB queue (800 ms) starts filling.
  const trace = simulate({
    link: { capacityBps: 2_000_000, propagationMs: 25, queueBytes: 100_000 },
    durationMs: 16_000,
    onTick: (ms, link) => {
      if (ms === 10_000) link.capacityBps = 1_000_000;
    },
  });
  const overuse = firstTime(trace, 10_000, (s) => s.state.delaySignal === 'overusing');
  const cut = firstTime(trace, 10_000, (s) => s.estimate < 1_000_000);
  assert.ok(overuse !== undefined && cut !== undefined, 'over-use seen and estimate cut');
  assert.ok(cut - 10_000 < 1500, `cut ${cut - 10_000} ms after the step`);
  const lossAt = trace.link.firstLossMs;
  assert.ok(lossAt === undefined || lossAt > cut, `no loss before the cut (first loss: ${lossAt})`);
  assert.equal(trace.link.droppedQueue, 0, 'and the queue never overflowed');
  assert.equal(trace.bwe.state.lossFraction, 0);
  const peakQueue = Math.max(...between(trace, 10_000, 16_000).map((s) => s.queueDelayMs));
  assert.ok(peakQueue < 700, `peak queue ${Math.round(peakQueue)} ms of the 800 ms available`);
  t.diagnostic(`over-use ${overuse - 10_000} ms and cut ${cut - 10_000} ms after the step; peak queue ${Math.round(peakQueue)} ms; no loss`);
});
