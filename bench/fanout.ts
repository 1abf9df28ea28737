// Fan-out 1 → N: Consommé against Janus on the same load (npm run bench:fanout).
//
// One feeder (bench/fanout/feeder.ts: a pre-encoded 1 Mbit/s VP8 640x360@30 clip + Opus,
// replayed as plain RTP, stamped with its send time) and N light viewers
// (bench/light-viewer/: ICE, DTLS, SRTP, counting, no decoding), identical for both SFUs.
// The SFU is pinned to core 0; the feeder (own process) and this process (the viewers) to
// core 1. Per N and SFU: warm-up, then a window over which we measure the SFU's CPU
// (/proc/PID/stat of its process tree), packets delivered at the viewers, loss from
// sequence gaps, RSS, forwarding delay (viewer receive time − feeder stamp) and the
// PLI/NACK/RTCP counts.
//
// Environment: FANOUT_NS (default 1,5,20,40,80), FANOUT_SFUS (consomme,janus),
// FANOUT_WARMUP_S (5), FANOUT_WINDOW_S (20). A run with a window under 20 s, or with
// FANOUT_TRIAL=1, is labelled a trial. FANOUT_WRITE=0 leaves bench/RESULTS.md alone.
import { spawn } from 'node:child_process';
import { RESULTS_FILE, writeResultsSection } from './results-file.js';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { generateDtlsCertificate } from '../packages/consomme/src/wire/dtls/certificate.js';
import { ensureClipFiles } from './fanout/clip.js';
import type { FeederStats } from './fanout/feeder.js';
import { cpuSeconds, pin, rssMiB } from './fanout/proc.js';
import { startConsomme, startJanus, type SfuUnderTest } from './fanout/sfus.js';
import { DelayHistogram, windowOf } from './light-viewer/counters.js';
import { LightViewer } from './light-viewer/viewer.js';

const NS = (process.env['FANOUT_NS'] ?? '1,5,20,40,80').split(',').map(Number);
const SFUS = (process.env['FANOUT_SFUS'] ?? 'consomme,janus').split(',') as ('consomme' | 'janus')[];
const WARMUP_S = Number(process.env['FANOUT_WARMUP_S'] ?? 5);
const WINDOW_S = Number(process.env['FANOUT_WINDOW_S'] ?? 20);
const TRIAL = process.env['FANOUT_TRIAL'] === '1' || WINDOW_S < 20;
const WRITE = process.env['FANOUT_WRITE'] !== '0';
const LOAD_CORE = 1;
const FEEDER_MAIN = fileURLToPath(new URL('./fanout/feeder-main.ts', import.meta.url));

interface Row {
  sfu: string;
  n: number;
  cpuPct: number;
  deliveredPps: number;
  lossPct: number;
  rssMiB: number;
  p50: number;
  p99: number;
  viewerPli: number;
  viewerNack: number;
  viewerRtcp: number;
  feeder: FeederStats | undefined;
  srtp: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function runFeeder(sfu: SfuUnderTest, durationMs: number): { done: Promise<FeederStats | undefined>; stop(): void } {
  const args = JSON.stringify({ audio: sfu.audio, video: sfu.video, durationMs });
  const child = spawn('taskset', ['-c', String(LOAD_CORE), process.execPath, '--import', 'tsx', FEEDER_MAIN, args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const done = new Promise<FeederStats | undefined>((resolve) => {
    child.once('exit', () => {
      try {
        resolve(JSON.parse(out) as FeederStats);
      } catch {
        resolve(undefined);
      }
    });
  });
  return { done, stop: () => child.kill('SIGTERM') };
}

async function runOne(name: 'consomme' | 'janus', n: number, certificate: Awaited<ReturnType<typeof generateDtlsCertificate>>): Promise<Row> {
  const sfu = name === 'consomme' ? await startConsomme() : await startJanus('/tmp/janus-bench');
  const viewers: LightViewer[] = [];
  let feeder: ReturnType<typeof runFeeder> | undefined;
  try {
    for (let i = 0; i < n; i++) {
      const viewer = await LightViewer.create(certificate);
      viewers.push(viewer);
      await sfu.addViewer(viewer);
    }
    feeder = runFeeder(sfu, (WARMUP_S + WINDOW_S + 1) * 1000);
    await sleep(WARMUP_S * 1000);
    const before = viewers.map((v) => v.snapshot());
    const rtcpBefore = viewers.map((v) => ({ ...v.rtcp }));
    for (const v of viewers) v.delay.reset();
    const cpu0 = cpuSeconds(sfu.pid);
    const t0 = process.hrtime.bigint();
    await sleep(WINDOW_S * 1000);
    const cpu1 = cpuSeconds(sfu.pid);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const rss = rssMiB(sfu.pid);
    let packets = 0;
    let lost = 0;
    const delay = new DelayHistogram();
    const rtcp = { pli: 0, nack: 0, packets: 0 };
    viewers.forEach((v, i) => {
      for (const [ssrc, after] of v.snapshot()) {
        const w = windowOf(before[i]!.get(ssrc), after);
        packets += w.packets;
        lost += w.lost;
      }
      delay.merge(v.delay);
      rtcp.pli += v.rtcp.pli - rtcpBefore[i]!.pli;
      rtcp.nack += v.rtcp.nack - rtcpBefore[i]!.nack;
      rtcp.packets += v.rtcp.packets - rtcpBefore[i]!.packets;
    });
    const feederStats = await feeder.done;
    return {
      sfu: name,
      n,
      cpuPct: ((cpu1 - cpu0) / seconds) * 100,
      deliveredPps: packets / seconds,
      lossPct: packets + lost > 0 ? (lost / (packets + lost)) * 100 : 100,
      rssMiB: rss,
      p50: delay.quantileMs(0.5),
      p99: delay.quantileMs(0.99),
      viewerPli: rtcp.pli,
      viewerNack: rtcp.nack,
      viewerRtcp: rtcp.packets,
      feeder: feederStats,
      srtp: viewers[0]?.srtpProfile ?? '',
    };
  } finally {
    feeder?.stop();
    for (const v of viewers) v.close();
    await sfu.close();
  }
}

const fmt = (x: number, d = 0): string => (Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : '–');
const perCore = (r: Row): number => (r.cpuPct > 0 ? r.deliveredPps / (r.cpuPct / 100) : NaN);
const usPerPacket = (r: Row): number => (r.deliveredPps > 0 ? ((r.cpuPct / 100) * 1e6) / r.deliveredPps : NaN);

function table(rows: Row[]): string {
  const lines = [
    '| SFU | N | SFU CPU (% of a core) | delivered packets/s | CPU µs per delivered packet | delivered packets/s per core | loss | SFU RSS (MiB) | delay p50 / p99 (ms) | PLI / NACK at viewers | PLI / NACK at feeder | SRTP |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.sfu} | ${r.n} | ${fmt(r.cpuPct, 1)} | ${fmt(r.deliveredPps)} | ${fmt(usPerPacket(r), 1)} | ${fmt(perCore(r))} | ${fmt(r.lossPct, 2)}% | ${fmt(r.rssMiB, 1)} | ` +
        `${fmt(r.p50, 2)} / ${fmt(r.p99, 2)} | ${r.viewerPli} / ${r.viewerNack} | ${r.feeder ? `${r.feeder.pliReceived} / ${r.feeder.nackReceived}` : '–'} | ${r.srtp} |`,
    );
  }
  const ratios = NS.map((n) => {
    const ours = rows.find((r) => r.sfu === 'consomme' && r.n === n);
    const janus = rows.find((r) => r.sfu === 'janus' && r.n === n);
    return ours && janus ? `N=${n}: ${fmt(perCore(ours) / perCore(janus), 2)}×` : undefined;
  }).filter((x) => x !== undefined);
  if (ratios.length) lines.push('', `Ours / Janus, delivered packets per core-second (higher is better for us): ${ratios.join(', ')}.`);
  return lines.join('\n');
}


async function main(): Promise<void> {
  pin(process.pid, LOAD_CORE);
  ensureClipFiles();
  const started = Date.now();
  const load = os.loadavg()[0]!;
  const certificate = await generateDtlsCertificate();
  const rows: Row[] = [];
  for (const n of NS) {
    for (const sfu of SFUS) {
      const row = await runOne(sfu, n, certificate);
      rows.push(row);
      console.log(`${sfu} N=${n}: CPU ${fmt(row.cpuPct, 1)}%, ${fmt(row.deliveredPps)} packets/s delivered, loss ${fmt(row.lossPct, 2)}%`);
    }
  }
  const body = table(rows);
  console.log(`\n${body}`);
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  const section = [
    `## Fan-out 1 → N (Consommé vs Janus)${TRIAL ? ' — TRIAL (short window, not for quoting)' : ''}`,
    '',
    `Command: \`${['FANOUT_NS', 'FANOUT_SFUS', 'FANOUT_WARMUP_S', 'FANOUT_WINDOW_S', 'FANOUT_TRIAL'].filter((k) => process.env[k]).map((k) => `${k}=${process.env[k]}`).join(' ')}${process.env['FANOUT_NS'] ? ' ' : ''}npm run bench:fanout\` (bench/fanout.ts). ` +
      `Date: ${new Date().toISOString()}. Machine: ${cpu}, ${os.cpus().length} cores, Node ${process.version}, linux ${os.release()}, 1-min load average ${fmt(load, 2)} at start; the run took ${Math.round((Date.now() - started) / 1000)} s.`,
    '',
    `Load: one plain-RTP feeder (pre-encoded VP8 640x360@30 CBR 1 Mbit/s + Opus 64 kbit/s, looped with continuous sequence numbers, timestamps and picture ids, per-frame bursts) into the SFU, ` +
      `N light viewers (our ICE/DTLS/SRTP, counting only, no RTCP sent). SFU pinned to core 0; feeder and viewers on core 1. Warm-up ${WARMUP_S} s, window ${WINDOW_S} s, one round (no medians yet). ` +
      'Consommé: PlainTransport (comedia) → WebRtcTransports on one WebRtcServer; Janus 1.1.2 (Debian): streaming mountpoint 1. Neither side negotiates RTP header extensions with the viewers. ' +
      'CPU from /proc/PID/stat (utime+stime, all threads, whole process tree). Delay = viewer receive time − feeder stamp (RTP padding, both SFUs forward it), loopback, no bare-relay subtraction yet.',
    '',
    body,
  ].join('\n');
  if (WRITE) {
    writeResultsSection('fanout', section);
    console.log(`updated ${RESULTS_FILE}`);
  } else {
    console.log('(FANOUT_WRITE=0: bench/RESULTS.md left as is)');
  }
}

await main();
process.exit(0);
