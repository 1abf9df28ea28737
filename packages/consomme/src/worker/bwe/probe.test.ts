import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProbeController, type ProbeLimits } from './probe-controller.js';
import { ProbeEstimator } from './probe-estimator.js';
import { makeProbeCluster, type ProbeCluster } from './probe-cluster.js';
import type { PacketResult } from './send-history.js';

function limits(estimateBps: number, desiredBps = 0, maxBps = 0): ProbeLimits {
  return { estimateBps, desiredBps, maxBps };
}

test('controller: initial probes at 3x and 6x, then nothing without a desired bitrate', () => {
  const c = new ProbeController(500_000, 0, 0);
  assert.equal(c.next(0, limits(500_000))?.targetBps, 1_500_000);
  assert.equal(c.next(25, limits(500_000))?.targetBps, 3_000_000);
  for (let t = 50; t < 30_000; t += 25) assert.equal(c.next(t, limits(500_000)), undefined);
});

test('controller: initial probes are capped by the maximum bitrate', () => {
  const c = new ProbeController(500_000, 0, 2_000_000);
  assert.equal(c.next(0, limits(500_000, 0, 2_000_000))?.targetBps, 1_500_000);
  assert.equal(c.next(25, limits(500_000, 0, 2_000_000))?.targetBps, 2_000_000);
  const none = new ProbeController(500_000, 0, 520_000);
  assert.equal(none.next(0, limits(500_000, 0, 520_000)), undefined, 'no room above the start');
});

test('controller: exponential continuation while results reach 70 % of the target', () => {
  const c = new ProbeController(500_000, 0, 0);
  c.next(0, limits(500_000, 10_000_000));
  const second = c.next(25, limits(500_000, 10_000_000))!;
  c.onProbeResult(second.id, 2_900_000, limits(2_900_000, 10_000_000));
  const third = c.next(200, limits(2_900_000, 10_000_000));
  assert.equal(third?.targetBps, 5_800_000);
  c.onProbeResult(third!.id, 3_000_000, limits(3_000_000, 10_000_000));
  assert.equal(c.next(400, limits(3_000_000, 10_000_000)), undefined, 'came back at half: the path is the limit');
});

test('controller: periodic probe at 2x when the application wants more and the estimate is stable', () => {
  const c = new ProbeController(1_000_000, 0, 0);
  c.next(0, limits(1_000_000));
  c.next(25, limits(1_000_000));
  const want = (est: number): ProbeLimits => limits(est, 3_000_000);
  c.onEstimate(1_000_000, 100);
  // Not before 5 s after the last probe.
  for (let t = 50; t < 5025; t += 25) assert.equal(c.next(t, want(1_000_000)), undefined, `t=${t}`);
  assert.equal(c.next(5025, want(1_000_000))?.targetBps, 2_000_000);
  // The result came back low: no continuation; the next periodic one 5 s later.
  c.onProbeResult(3, 1_100_000, want(1_000_000));
  assert.equal(c.next(6000, want(1_000_000)), undefined);
  // A decrease postpones it by 3 s.
  c.onEstimate(900_000, 9000);
  assert.equal(c.next(10_050, want(900_000)), undefined, 'decreased 1 s ago');
  assert.equal(c.next(12_000, want(900_000))?.targetBps, 1_800_000);
  // Desired met: no probe; capped at 1.5 x desired.
  const d = new ProbeController(1_000_000, 0, 0);
  d.next(0, limits(1_000_000));
  d.next(25, limits(1_000_000));
  assert.equal(d.next(10_000, limits(1_000_000, 900_000)), undefined);
  assert.equal(d.next(10_025, limits(1_000_000, 1_200_000))?.targetBps, 1_800_000);
});

test('controller: one recovery probe at 85 % of the estimate before a large drop', () => {
  const c = new ProbeController(2_000_000, 0, 0);
  c.next(0, limits(2_000_000));
  c.next(25, limits(2_000_000));
  const want = (est: number): ProbeLimits => limits(est, 5_000_000);
  c.onEstimate(2_000_000, 1000);
  c.onEstimate(1_000_000, 2000);
  assert.equal(c.next(3000, want(1_000_000)), undefined, 'still falling recently');
  const p = c.next(4000, want(1_000_000));
  assert.equal(p?.targetBps, 1_700_000);
  c.onProbeResult(p!.id, 1_000_000, want(1_000_000));
  assert.equal(c.next(4500, want(1_000_000)), undefined, 'only once per drop');
});

/** Packet results of a cluster of `n` packets sent evenly over 15 ms through a bottleneck of `capacityBps`. */
function clusterThrough(cluster: ProbeCluster, n: number, capacityBps: number, lose = 0): PacketResult[] {
  const size = Math.ceil(cluster.minBytes / n);
  const out: PacketResult[] = [];
  let busy = 0;
  for (let i = 0; i < n; i++) {
    const send = (i * cluster.durationMs) / n;
    busy = Math.max(busy, send) + (size * 8000) / capacityBps;
    out.push({ seq: i, sizeBytes: size, sendTimeMs: send, arrivalTimeMs: i < lose ? undefined : 1000 + busy, probeClusterId: cluster.id });
  }
  return out;
}

function sent(e: ProbeEstimator, results: readonly PacketResult[]): void {
  for (const r of results) e.onPacketSent(r.probeClusterId!, r.sizeBytes, true);
}

test('estimator: a cluster above the bottleneck measures 95 % of the bottleneck', () => {
  const e = new ProbeEstimator();
  const cluster = makeProbeCluster(1, 4_000_000);
  e.register(cluster, 0);
  const rs = clusterThrough(cluster, 6, 1_000_000);
  sent(e, rs);
  const [result] = e.onResults(rs, 200);
  assert.equal(result?.id, 1);
  assert.ok(Math.abs(result!.bps - 950_000) < 5000, `${result?.bps}`);
});

test('estimator: a cluster below the bottleneck measures its send rate, at most its target', () => {
  const e = new ProbeEstimator();
  const cluster = makeProbeCluster(2, 2_000_000);
  e.register(cluster, 0);
  const rs = clusterThrough(cluster, 5, 100_000_000);
  sent(e, rs);
  const [result] = e.onResults(rs, 200);
  assert.ok(result !== undefined && result.bps <= 2_000_000 && result.bps > 1_900_000, `${result?.bps}`);
});

test('estimator: waits for the whole cluster, rejects one with too few packets received', () => {
  const e = new ProbeEstimator();
  const cluster = makeProbeCluster(3, 2_000_000);
  e.register(cluster, 0);
  const rs = clusterThrough(cluster, 5, 1_000_000, 2);
  sent(e, rs.slice(0, 3));
  assert.deepEqual(e.onResults(rs.slice(0, 3), 10), [], 'the caller is still sending');
  sent(e, rs.slice(3));
  assert.deepEqual(e.onResults(rs.slice(3), 100), [], '3 of 5 received: below 80 %');
  assert.deepEqual(e.onResults(rs, 2000), [], 'judged once, forgotten');
});
