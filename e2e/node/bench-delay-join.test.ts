/**
 * The untimed parts of bench/delay.ts and bench/join-storm.ts: capacity sources, load levels,
 * the per-round SFU − relay reduction, storm medians, the DTLS crypto floor's arithmetic, and
 * the relay's plain receiver reading the feeder's stamp. Nothing here asserts a speed.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeStamp } from '../../bench/fanout/stamp.js';
import {
  CapacityError,
  capacityFromCalibration,
  levelsFor,
  median,
  parseCapacityOverride,
  readCapacityFile,
  reduceRounds,
} from '../../bench/delay/levels.js';
import { assertAlive } from '../../bench/delay/guards.js';
import { PlainReceiver } from '../../bench/delay/plain-receiver.js';
import { cpuUsPerOp, measureHandshakeFloor } from '../../bench/join-storm/floor.js';
import { perCore, reduceStorms, type StormResult } from '../../bench/join-storm/summary.js';

test('capacity: the knee run file, the override, and a calibration window', () => {
  const dir = mkdtempSync(join(tmpdir(), 'delay-cap-'));
  const file = join(dir, 'fanout-capacity.json');
  assert.equal(readCapacityFile(file, ['consomme']), undefined);
  writeFileSync(file, JSON.stringify({ consomme: { n: 240, pps: 43000 }, janus: { n: 360, pps: 64000 } }));
  const caps = readCapacityFile(file, ['consomme', 'janus'])!;
  assert.equal(caps.get('consomme')!.n, 240);
  assert.equal(caps.get('janus')!.pps, 64000);
  writeFileSync(file, JSON.stringify({ consomme: { n: 200, pps: 1 } }));
  assert.deepEqual([...readCapacityFile(file, ['consomme', 'janus'])!.keys()], ['consomme']); // janus: calibrated instead
  writeFileSync(file, JSON.stringify({ consomme: { n: 0 } }));
  assert.throws(() => readCapacityFile(file, ['consomme']), CapacityError);
  writeFileSync(file, '{not json');
  assert.throws(() => readCapacityFile(file, ['consomme']), CapacityError);

  assert.deepEqual([...parseCapacityOverride('consomme:240,janus:360')].map(([k, v]) => [k, v.n]), [['consomme', 240], ['janus', 360]]);
  assert.throws(() => parseCapacityOverride('mediasoup:10'), CapacityError);
  assert.throws(() => parseCapacityOverride('janus:-3'), CapacityError);

  // 40 viewers at 179 packets/s each (7,160/s) for 16% of a core: 44,750 packets/s per core, 250 viewers.
  const cal = capacityFromCalibration(40, 16, 7160);
  assert.equal(Math.round(cal.pps), 44750);
  assert.equal(cal.n, 250);
  assert.throws(() => capacityFromCalibration(40, 0, 7160), CapacityError);
});

test('levels and the per-round SFU − relay reduction', () => {
  assert.deepEqual(levelsFor(240, [0.25, 0.5, 0.75]), [60, 120, 180]);
  assert.deepEqual(levelsFor(2, [0.1]), [1]);
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));

  const sfu = [
    { round: 0, n: 60, p50: 2, p99: 10, lossPct: 0 },
    { round: 1, n: 60, p50: 3, p99: 14, lossPct: 0.2 },
    { round: 2, n: 60, p50: 9, p99: 30, lossPct: 0 },
    { round: 0, n: 120, p50: 50, p99: 50, lossPct: 0 },
  ];
  const relay = [
    { round: 0, n: 60, p50: 1, p99: 4, lossPct: 0 },
    { round: 1, n: 60, p50: 1.5, p99: 5, lossPct: 0 },
    { round: 2, n: 60, p50: 8, p99: 28, lossPct: 0 },
  ];
  const row = reduceRounds('consomme', 0.25, 60, sfu, relay);
  assert.equal(row.rounds, 3);
  assert.equal(row.sfuP50, 3);
  assert.equal(row.relayP50, 1.5);
  // Paired per round: p50 differences 1, 1.5, 1 → median 1; p99: 6, 9, 2 → 6.
  assert.equal(row.addedP50, 1);
  assert.equal(row.addedP99, 6);
  assert.equal(row.maxLossPct, 0.2);
  // No relay at that N: nothing to subtract.
  assert.ok(Number.isNaN(reduceRounds('consomme', 0.5, 120, sfu, relay).addedP50));
});

test('storm medians, handshakes per SFU core-second, failures summed', () => {
  const storm = (sfuCpuS: number, failed: number, allConnectedMs: number): StormResult => ({
    sfu: 'consomme', k: 50, connected: 50 - failed, failed, firstError: failed ? 'timeout' : '', signalingMs: 100, allConnectedMs,
    viewerP50Ms: 10, viewerMaxMs: 20, sfuCpuS, sfuCpuPct: 50, clientCpuPct: 40, udpDrops: 0,
  });
  assert.equal(perCore(storm(0.25, 0, 500)), 200);
  assert.ok(Number.isNaN(perCore(storm(0, 0, 500))));
  const [row] = reduceStorms([storm(0.25, 0, 500), storm(0.5, 0, 900), storm(0.24, 2, 700)]);
  assert.equal(row!.rounds, 3);
  assert.equal(row!.allConnectedMs, 700);
  assert.equal(row!.perCore, 200); // 200, 100, 200
  assert.equal(row!.failed, 2);
  assert.equal(row!.firstError, 'timeout');
});

test('the DTLS crypto floor adds up its three operations', () => {
  let calls = 0;
  assert.ok(cpuUsPerOp(() => calls++, 5) > 0);
  assert.ok(calls > 20);
  const floor = measureHandshakeFloor(10);
  for (const v of [floor.ecdheUs, floor.signUs, floor.verifyUs]) assert.ok(v > 0 && Number.isFinite(v));
  assert.ok(Math.abs(floor.totalUs - (floor.ecdheUs + floor.signUs + floor.verifyUs)) < 1e-9);
  assert.ok(Math.abs(floor.perCoreSecond * floor.totalUs - 1e6) < 1e-3);
});

test('guards: a live process passes, a missing one throws', () => {
  assertAlive(process.pid, 'this test');
  assert.throws(() => assertAlive(2 ** 22 + 12345, 'nobody'), /not running/);
});

test('the relay receiver counts RTP per SSRC and times the feeder stamp', async () => {
  const receiver = await PlainReceiver.create();
  const sender = createSocket('udp4');
  try {
    // RTP with P=1 and room for the 12-byte stamp; plus one RTCP packet that must be ignored.
    const packet = (seq: number): Buffer => {
      const buf = Buffer.alloc(12 + 20 + 12);
      buf[0] = 0xa0; // V=2, P=1
      buf[1] = 100;
      buf.writeUInt16BE(seq, 2);
      buf.writeUInt32BE(0x22220001, 8);
      writeStamp(buf, process.hrtime.bigint());
      return buf;
    };
    const rtcp = Buffer.from([0x80, 201, 0, 1, 0, 0, 0, 1]);
    for (const seq of [10, 11, 13]) sender.send(packet(seq), receiver.port, '127.0.0.1');
    sender.send(rtcp, receiver.port, '127.0.0.1');
    const deadline = Date.now() + 5000;
    while (receiver.delay.total < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const snap = receiver.snapshot();
    assert.deepEqual([...snap.keys()], [0x22220001]);
    const s = snap.get(0x22220001)!;
    assert.equal(s.packets, 3);
    assert.equal(s.highest - s.first + 1 - s.packets, 1); // seq 12 missing
    assert.equal(receiver.delay.total, 3);
    assert.ok(receiver.delay.quantileMs(0.5) < 1000);
  } finally {
    sender.close();
    receiver.close();
  }
});

// Narrowed runs of the two benches (Consommé only, a few viewers, RESULTS.md left alone): they
// fail the suite if a change breaks either rig. Counts and exit codes only, no timing.
const runBench = (script: string, env: Record<string, string>): ReturnType<typeof spawnSync> =>
  spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 80_000 });

test('bench/join-storm.ts runs (narrowed: Consommé, K=3, one round)', { timeout: 90_000 }, () => {
  const r = runBench('bench/join-storm.ts', { JOIN_KS: '3', JOIN_SFUS: 'consomme', JOIN_ROUNDS: '1', JOIN_WRITE: '0' });
  assert.equal(r.status, 0, `${String(r.stdout)}\n${String(r.stderr)}`);
  assert.match(String(r.stdout), /RESULTS\.md left as is/);
  assert.match(String(r.stdout), /consomme K=3: all connected in [\d,]+ ms \(0 failed\)/);
  assert.match(String(r.stdout), /\| Consommé \| 3 \| [\d,]+ \|/);
});

test('bench/delay.ts runs (narrowed: Consommé at 2 viewers and the relay, one short window)', { timeout: 90_000 }, () => {
  const r = runBench('bench/delay.ts', {
    DELAY_SFUS: 'consomme', DELAY_CAPACITY: 'consomme:4', DELAY_FRACTIONS: '0.5', DELAY_ROUNDS: '1', DELAY_WARMUP_S: '0', DELAY_WINDOW_S: '1', DELAY_WRITE: '0',
  });
  assert.equal(r.status, 0, `${String(r.stdout)}\n${String(r.stderr)}`);
  assert.match(String(r.stdout), /left as is/);
  assert.match(String(r.stdout), /relay N=2: p50 [\d.]+ ms/);
  // Both windows delivered and timed packets: a row with numbers, not dashes.
  assert.match(String(r.stdout), /\| Consommé \| 50% \| 2 \| [\d.]+ \/ [\d.]+ \| [\d.]+ \/ [\d.]+ \|/);
});

test('a delay past the histogram counts as the largest value and is not subtracted', () => {
  assert.equal(median([1, Infinity, 2]), 2);
  assert.equal(median([Infinity, Infinity, 2]), Infinity);
  const row = reduceRounds('janus', 0.75, 270, [{ round: 0, n: 270, p50: 5, p99: Infinity, lossPct: 0 }], [{ round: 0, n: 270, p50: 1, p99: Infinity, lossPct: 0 }]);
  assert.equal(row.addedP50, 4);
  assert.ok(Number.isNaN(row.addedP99)); // the relay itself ran past the range
  const sfuOnly = reduceRounds('janus', 0.75, 270, [{ round: 0, n: 270, p50: Infinity, p99: Infinity, lossPct: 0 }], [{ round: 0, n: 270, p50: 1, p99: 9, lossPct: 0 }]);
  assert.equal(sfuOnly.addedP99, Infinity);
});
