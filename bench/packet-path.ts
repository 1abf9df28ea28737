// Per-packet forwarding cost of the worker, next to what bare Node costs for the same job.
//
//   ours:  SRTP unprotect → RtpPacket.parse → producer mapping → router fan-out →
//          per consumer: writeConsumerRtp into scratch, retransmission-buffer copy,
//          SRTP protect. Real WorkerRouter/WorkerProducer/WorkerConsumer and the real
//          WorkerTransport base class; only the socket is replaced by a counter
//          (packet-path/forwarding-rig.ts).
//   floor: a bare Node UDP relay on 127.0.0.1 in its own process, its CPU measured
//          (packet-path/udp-floor.ts); SrtpSession.protectRtp/unprotectRtp alone and
//          node:crypto with a cipher per packet (packet-path/srtp-floors.ts).
//
// One thread, warmup, then SLICES timed slices; median [min–max] per scenario, per
// CPU-second of the process. Writes its section of bench/RESULTS.md, except when
// profiling (--cpu-prof) or when narrowed by BENCH_ONLY/BENCH_SUITES/BENCH_FANOUTS.
// Run: npm run bench:packet   (env: BENCH_SLICES, BENCH_SLICE_MS, BENCH_ONLY=ours|floor, BENCH_SUITES, BENCH_FANOUTS)
import { RESULTS_FILE, writeResultsSection } from './results-file.js';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { srtpProfileInfo, type SrtpCryptoSuite } from '../packages/consomme/src/wire/srtp/index.js';
import { measureForwarding } from './packet-path/forwarding-rig.js';
import { measure, rates, SIDE_SLICE_MS, SLICE_MS, SLICES, type Rates, type Spread } from './packet-path/measure.js';
import { cipherPerPacket, protectOnly, unprotectOnly } from './packet-path/srtp-floors.js';
import { measureRelay, type RelayRates } from './packet-path/udp-floor.js';

// BENCH_SUITES / BENCH_FANOUTS (comma lists) narrow a run, e.g. for a profile; such runs leave RESULTS.md alone.
const SUITES = (process.env['BENCH_SUITES']?.split(',') ?? ['AES_CM_128_HMAC_SHA1_80', 'AEAD_AES_128_GCM']) as SrtpCryptoSuite[];
const FANOUTS = process.env['BENCH_FANOUTS']?.split(',').map(Number) ?? [1, 10, 50];
const PARTIAL = ['BENCH_ONLY', 'BENCH_SUITES', 'BENCH_FANOUTS'].some((k) => process.env[k] !== undefined);
const ONLY = process.env['BENCH_ONLY'] as 'ours' | 'floor' | undefined;
const PROFILING = process.execArgv.some((a) => a.startsWith('--cpu-prof'));
const HARD_STOP_MS = 300_000;

setTimeout(() => {
  console.error(`packet-path: still running after ${HARD_STOP_MS / 1000} s, giving up`);
  process.exit(1);
}, HARD_STOP_MS).unref();

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const ns = (n: number): string => (n >= 100 ? int(n) : n.toFixed(1));
const pct = (x: number): string => `${Math.round(x * 100)}%`;
const span = (s: Spread, f: (n: number) => string): string => `${f(s.median)} [${f(s.min)}–${f(s.max)}]`;
const times = (x: number): string => `${x.toFixed(x < 10 ? 1 : 0)}×`;

interface Results {
  ours: Map<string, Rates>;
  plain: Map<number, Rates>;
  relay: Map<number, RelayRates>;
  protect: Map<SrtpCryptoSuite, Rates>;
  unprotect: Map<SrtpCryptoSuite, Rates>;
  perPacketCipher: Map<SrtpCryptoSuite, Rates>;
}

const oursKey = (suite: SrtpCryptoSuite, fanout: number): string => `${suite}/${fanout}`;

function section(r: Results, seconds: number): string {
  const cpus = os.cpus();
  const lines: string[] = [];
  lines.push('## Per-packet path (micro)', '');
  lines.push(
    `Command: \`npm run bench:packet\` (bench/packet-path.ts). Date: ${new Date().toISOString()}. ` +
      `Machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, Node ${process.version}, ${os.platform()} ${os.release()}. ` +
      `${SLICES} slices of ${SLICE_MS} ms after warmup (side measurements ${SIDE_SLICE_MS} ms), median [min–max]; the run took ${Math.round(seconds)} s.`,
    '',
  );
  lines.push(
    'Ours: one ingress packet is a 1100-byte VP8 RTP packet as Chrome sends it (one-byte extensions abs-send-time, transport-wide-cc, mid), ' +
      'SRTP-unprotected, parsed, mapped to router ids, then for each consumer rewritten (`writeConsumerRtp`), copied into the retransmission buffer ' +
      'and SRTP-protected; real WorkerRouter/WorkerProducer/WorkerConsumer/WorkerTransport in one thread, only `socket.send` left out. ' +
      'Floor: a bare Node relay on 127.0.0.1 in its own process (1 recv, then N × `socket.send(buf, port, ip)` as the worker sends, no crypto). ' +
      'All rates are per CPU-second of the measuring process (`process.cpuUsage`), i.e. per core; wall-clock ns are shown for ours.',
    '',
  );
  lines.push('| scenario | ours: packets/s in | ours: packets/s out | ours: ns per delivered packet (wall) | floor: UDP relay ns per delivered packet | ratio ours / floor | crypto share of ours |');
  lines.push('|---|---|---|---|---|---|---|');
  for (const suite of SUITES) {
    for (const fanout of FANOUTS) {
      const o = r.ours.get(oursKey(suite, fanout));
      if (!o) continue;
      const floor = r.relay.get(fanout);
      const plain = r.plain.get(fanout);
      const p = r.protect.get(suite);
      const u = r.unprotect.get(suite);
      const share = plain ? pct(1 - plain.nsOut.median / o.nsOut.median) : 'n/a';
      const alone = p && u ? ` (SRTP calls alone: ${pct((p.nsOut.median + u.nsOut.median / fanout) / o.nsOut.median)})` : '';
      lines.push(
        `| ${suite}, 1 → ${fanout} | ${span(o.inPps, int)} | ${span(o.outPps, int)} | ${span(o.nsOut, ns)} (${ns(o.wallNsOut.median)}) | ` +
          `${floor ? span(floor.nsOut, ns) : 'n/a'} | ${floor ? times(o.nsOut.median / floor.nsOut.median) : 'n/a'} | ${share}${alone} |`,
      );
    }
  }
  lines.push('');
  lines.push('| floor and side measurements | per CPU-second | ns per packet | note |');
  lines.push('|---|---|---|---|');
  for (const fanout of FANOUTS) {
    const f = r.relay.get(fanout);
    if (!f) continue;
    const drops = f.inboundDrops === undefined ? 'inbound drops unknown' : `${int(f.inboundDrops)} inbound drops`;
    lines.push(
      `| UDP relay 1 → ${fanout}, packets sent | ${span(f.perCpuSecond, int)} | ${span(f.nsOut, ns)} | ` +
        `relay at ${pct(f.utilization)} of a core, ${int(f.receivedPps)} in/s of ${int(f.floodPps)}/s offered, ${drops} |`,
    );
  }
  for (const fanout of FANOUTS) {
    const o = r.plain.get(fanout);
    if (o) lines.push(`| ours without SRTP 1 → ${fanout}, packets delivered | ${span(o.outPps, int)} | ${span(o.nsOut, ns)} | same path, plain RTP in and out |`);
  }
  for (const suite of SUITES) {
    const p = r.protect.get(suite);
    const u = r.unprotect.get(suite);
    const c = r.perPacketCipher.get(suite);
    if (p) lines.push(`| SrtpSession.protectRtp, ${suite} | ${span(p.outPps, int)} | ${span(p.nsOut, ns)} | 1100-byte packet |`);
    if (u) lines.push(`| SrtpSession.unprotectRtp, ${suite} | ${span(u.outPps, int)} | ${span(u.nsOut, ns)} | |`);
    if (c) {
      const how = srtpProfileInfo(suite)!.aead ? '`createCipheriv(aes-128-gcm)`' : '`createCipheriv(aes-128-ctr)` + `createHmac(sha1)`';
      lines.push(`| node:crypto ${how} per packet, protect | ${span(c.outPps, int)} | ${span(c.nsOut, ns)} | new cipher every packet |`);
    }
  }
  lines.push('');
  const cpuWall = [...r.ours.values()].map((o) => o.cpuPerWall.toFixed(2)).join(', ');
  lines.push(
    '"ratio" sets our user-space work per delivered packet against the whole cost of a bare relay (recv and send syscalls, loopback delivery); ' +
      'since ours leaves the send out, the worker\'s real cost per delivered packet is about ours + floor. ' +
      '"crypto share" = 1 − (same path without SRTP) / ours; in brackets, (protectRtp + unprotectRtp / fan-out) measured alone over ours. ' +
      'The relay\'s sinks are never read (their queues fill and the kernel drops there), so the relay pays no receiver wake-ups; ' +
      'inbound drops > 0 show the flood kept the relay saturated. ' +
      (cpuWall ? `Process CPU over wall for the six "ours" rows (GC and compiler threads count): ${cpuWall}.` : ''),
  );
  return lines.join('\n');
}


// ---------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = performance.now();
  const r: Results = { ours: new Map(), plain: new Map(), relay: new Map(), protect: new Map(), unprotect: new Map(), perPacketCipher: new Map() };
  const log = (label: string, text: string): void => console.log(`${label.padEnd(44)} ${text}`);
  if (ONLY !== 'floor') {
    for (const suite of SUITES) {
      for (const fanout of FANOUTS) {
        const o = await measureForwarding(suite, fanout, SLICE_MS);
        r.ours.set(oursKey(suite, fanout), o);
        log(`ours ${suite} 1→${fanout}`, `in ${span(o.inPps, int)}/s  out ${span(o.outPps, int)}/s  ${span(o.nsOut, ns)} ns/out  wall ${ns(o.wallNsOut.median)} ns/out  cpu ${o.cpuPerWall.toFixed(2)}×wall`);
      }
    }
  }
  if (ONLY !== 'ours') {
    for (const fanout of FANOUTS) {
      const o = await measureForwarding(undefined, fanout, SIDE_SLICE_MS);
      r.plain.set(fanout, o);
      log(`ours without SRTP 1→${fanout}`, `out ${span(o.outPps, int)}/s  ${span(o.nsOut, ns)} ns/out`);
    }
    for (const suite of SUITES) {
      const p = rates(await measure(protectOnly(suite), SIDE_SLICE_MS));
      r.protect.set(suite, p);
      log(`protectRtp ${suite}`, `${span(p.outPps, int)}/s  ${span(p.nsOut, ns)} ns`);
      const u = rates(await measure(unprotectOnly(suite), SIDE_SLICE_MS));
      r.unprotect.set(suite, u);
      log(`unprotectRtp ${suite}`, `${span(u.outPps, int)}/s  ${span(u.nsOut, ns)} ns`);
      const c = rates(await measure(cipherPerPacket(suite), SIDE_SLICE_MS));
      r.perPacketCipher.set(suite, c);
      log(`createCipheriv per packet ${suite}`, `${span(c.outPps, int)}/s  ${span(c.nsOut, ns)} ns`);
    }
    for (const fanout of FANOUTS) {
      const f = await measureRelay(fanout);
      r.relay.set(fanout, f);
      log(
        `UDP relay 1→${fanout}`,
        `${span(f.perCpuSecond, int)} sent/CPU-s  ${span(f.nsOut, ns)} ns/out  relay CPU ${pct(f.utilization)}  in ${int(f.receivedPps)}/s of ${int(f.floodPps)}/s  drops ${f.inboundDrops ?? '?'}`,
      );
    }
  }
  const body = section(r, (performance.now() - started) / 1000);
  console.log(`\n${body}\n`);
  if (PROFILING || PARTIAL) console.log('(profiling or partial run: bench/RESULTS.md left as is)');
  else {
    writeResultsSection('packet-path', body);
    console.log(`updated ${RESULTS_FILE}`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
