/**
 * The pure parts of the fan-out bench: the light viewer's receiver reports (RFC 3550 A.3
 * loss, A.8 jitter, LSR/DLSR), the medians behind the results table, and the knee search
 * driven by a fake probe. No sockets, no SFU.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRtcpCompound } from '../../packages/consomme/src/wire/rtcp/index.js';
import { findKnee } from '../../bench/fanout/knee.js';
import type { Row } from '../../bench/fanout/run-one.js';
import { median, ratios, rssPerViewer, summarize } from '../../bench/fanout/summary.js';
import { SsrcCounter } from '../../bench/light-viewer/counters.js';
import { ReceiverReports } from '../../bench/light-viewer/receiver-report.js';

test('receiver report: cumulative and interval loss, highest sequence, LSR/DLSR, SDES CNAME', () => {
  const c = new SsrcCounter();
  for (const seq of [65530, 65531, 65533, 65534, 65535, 0, 1]) c.add(seq, 100); // 65532 lost, wraps
  const rr = new ReceiverReports(0x01020304, 'cname-1');
  rr.senderReport(0xaabb, 0x1234_5678, 0x9abc_def0, 1000);
  const packets = parseRtcpCompound(rr.build(new Map([[0xaabb, c]]), 1500)!)!;
  assert.equal(packets.length, 2);
  const [report, sdes] = packets;
  assert.ok(report?.type === 'rr' && sdes?.type === 'sdes');
  assert.equal(report.ssrc, 0x01020304);
  const b = report.reports[0]!;
  assert.equal(b.ssrc, 0xaabb);
  assert.equal(b.totalLost, 1);
  assert.equal(b.fractionLost, Math.floor(256 / 8)); // 1 of 8 expected
  assert.equal(b.highestSeq, 0x1_0001); // one wrap, seq 1
  assert.equal(b.lsr, 0x5678_9abc);
  assert.equal(b.dlsr, 65536 / 2); // 500 ms
  assert.deepEqual(sdes.chunks[0]?.items, [{ type: 'cname', text: 'cname-1' }]);

  // Next interval: 4 more, none lost: fraction 0, cumulative stays 1.
  for (const seq of [2, 3, 4, 5]) c.add(seq, 100);
  const next = parseRtcpCompound(rr.build(new Map([[0xaabb, c]]), 2500)!)!;
  const b2 = next[0]?.type === 'rr' ? next[0].reports[0]! : assert.fail('no RR');
  assert.equal(b2.fractionLost, 0);
  assert.equal(b2.totalLost, 1);
});

test('receiver report: nothing received, nothing to report', () => {
  assert.equal(new ReceiverReports(1, 'x').build(new Map([[5, new SsrcCounter()]]), 0), undefined);
});

test('jitter: zero for a steady stream, grows with arrival variation (RFC 3550 A.8)', () => {
  const steady = new SsrcCounter();
  steady.clockRate = 90000;
  for (let i = 0; i < 50; i++) steady.arrival((0xffff_f000 + i * 3000) >>> 0, i * (1000 / 30)); // wraps the 32-bit timestamp
  assert.ok(steady.jitter < 1e-6, `steady jitter ${steady.jitter}`);
  const shaky = new SsrcCounter();
  shaky.clockRate = 90000;
  for (let i = 0; i < 50; i++) shaky.arrival(i * 3000, i * (1000 / 30) + (i % 2) * 5); // ±5 ms = 450 ticks
  assert.ok(shaky.jitter > 300 && shaky.jitter < 450, `shaky jitter ${shaky.jitter}`);
  const unknown = new SsrcCounter();
  for (let i = 0; i < 5; i++) unknown.arrival(i * 3000, i * 50);
  assert.equal(unknown.jitter, 0);
});

const row = (sfu: 'consomme' | 'janus', n: number, cpuPct: number, deliveredPps: number, lossPct = 0): Row => ({
  sfu, n, cpuPct, deliveredPps, lossPct, rssMiB: 10, p50: 1, p99: 2, viewerPli: 1, viewerNack: 0, viewerRtcp: 0, rrSent: 3, silentViewers: 0,
  viewerCpuPct: 10, feederCpuPct: 2, clientLimited: false, behind: false, perViewerPps: deliveredPps / n, feeder: undefined, srtp: 'AEAD_AES_128_GCM',
});

test('summary: medians with ranges per cell, ratio of median packets per core-second', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([NaN])));
  const cells = summarize([
    row('consomme', 20, 10, 3600), row('janus', 20, 20, 3600),
    row('consomme', 20, 12, 3600), row('janus', 20, 18, 3600),
    row('consomme', 20, 30, 3600), row('janus', 20, 19, 3600),
  ]);
  assert.equal(cells.length, 2);
  const ours = cells.find((c) => c.sfu === 'consomme')!;
  assert.equal(ours.rounds, 3);
  assert.deepEqual(ours.cpuPct, { median: 12, min: 10, max: 30 });
  assert.equal(ours.ppsPerCore.median, 30000);
  assert.equal(ours.viewerPli, 3);
  const [r] = ratios(cells);
  assert.equal(r?.n, 20);
  assert.ok(Math.abs(r!.ratio - 30000 / (3600 / 0.19)) < 1e-9);
});

test('summary: memory per viewer is the RSS slope between the smallest and largest N', () => {
  const withRss = (r: Row, rssMiB: number): Row => ({ ...r, rssMiB });
  const cells = summarize([
    withRss(row('consomme', 1, 3, 178), 75), withRss(row('consomme', 81, 25, 14264), 195),
    withRss(row('janus', 1, 1, 178), 25), withRss(row('janus', 81, 25, 14264), 65),
  ]);
  assert.deepEqual(rssPerViewer(cells), [
    { sfu: 'consomme', kib: 1536, from: 1, to: 81 },
    { sfu: 'janus', kib: 512, from: 1, to: 81 },
  ]);
  assert.deepEqual(rssPerViewer(summarize([row('janus', 5, 1, 900)])), []);
});

test('knee: climbs, bisects to the resolution and confirms', async () => {
  const capacity = 237;
  const k = await findKnee(async (n) => ({ lossPct: n <= capacity ? 0.1 : 3, clientLimited: false }), { start: 100, step: 50, max: 600, resolution: 10 });
  assert.equal(k.n, 230);
  assert.equal(k.bound, 'loss');
  assert.deepEqual(k.probes.slice(0, 4).map((p) => p.n), [100, 150, 200, 250]);
  assert.equal(k.probes.at(-1)?.n, 230); // the confirmation
});

test('knee: a pass that does not repeat steps down', async () => {
  let calls = 0;
  // 300 passes the first time only; the real capacity is 260.
  const k = await findKnee(async (n) => ({ lossPct: n <= 260 || (n === 300 && calls++ === 0) ? 0 : 2, clientLimited: false }), { start: 200, step: 100, max: 300, resolution: 20 });
  assert.equal(k.n, 260);
});

test('knee: ends as a lower bound at max, at a saturated client, or out of time', async () => {
  const max = await findKnee(async () => ({ lossPct: 0, clientLimited: false }), { start: 100, step: 100, max: 300, resolution: 10 });
  assert.equal(max.n, 300);
  assert.equal(max.bound, 'max');
  const client = await findKnee(async (n) => ({ lossPct: 0, clientLimited: n >= 200 }), { start: 100, step: 100, max: 600, resolution: 10 });
  assert.equal(client.bound, 'client');
  assert.equal(client.n, 200);
  let probes = 0;
  const time = await findKnee(async () => (probes++, { lossPct: 0, clientLimited: false }), { start: 100, step: 100, max: 900, resolution: 10, outOfTime: () => probes >= 2 });
  assert.equal(time.bound, 'time');
  assert.equal(time.n, 200);
  const behind = await findKnee(async (n) => ({ lossPct: 0, clientLimited: false, behind: n > 150 }), { start: 100, step: 100, max: 600, resolution: 50 });
  assert.equal(behind.n, 150);
  assert.equal(behind.bound, 'loss');
  const none = await findKnee(async () => ({ lossPct: 5, clientLimited: false }), { start: 100, step: 50, max: 600, resolution: 25 });
  assert.equal(none.n, 0);
});
