/**
 * One fan-out measurement: start an SFU (pinned to core 0), connect N light viewers in this
 * process, start the feeder in its own process (core 1, like this one), warm up, then
 * measure one window. Used by bench/fanout.ts (rounds × N) and bench/fanout-knee.ts.
 *
 * Besides the SFU we measure the load core: this process (the viewers) and the feeder. If
 * they together approach 100% of core 1, losses are the client's, not the SFU's, and the
 * row says so (`clientLimited`).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { generateDtlsCertificate, type DtlsCertificate } from '../../packages/consomme/src/wire/dtls/certificate.js';
import { DelayHistogram, windowOf } from '../light-viewer/counters.js';
import { LightViewer } from '../light-viewer/viewer.js';
import { ensureClipFiles, FEEDER_AUDIO_SSRC, FEEDER_VIDEO_SSRC, loadClip } from './clip.js';
import type { FeederStats } from './feeder.js';
import { cpuSeconds, pin, rssMiB } from './proc.js';
import { median } from './median.js';
import { startConsomme, startJanus, type SfuUnderTest } from './sfus.js';

export type SfuName = 'consomme' | 'janus';

export const LOAD_CORE = 1;
/** Above this share of core 1 (viewers + feeder) the load client, not the SFU, may be the limit. */

/**
 * What every fan-out run does first: this process (the viewers) onto the load
 * core, the clip made if missing, the start time and load noted, and one DTLS
 * certificate for all light viewers.
 */
export async function startFanoutRun(): Promise<{ started: number; load: number; certificate: DtlsCertificate }> {
  pin(process.pid, LOAD_CORE);
  ensureClipFiles();
  const started = Date.now();
  const load = os.loadavg()[0]!;
  return { started, load, certificate: await generateDtlsCertificate() };
}

export const CLIENT_LIMIT_PCT = 90;
/** Viewers connecting at once (FANOUT_CONNECT_BATCH); more makes Janus's DTLS time out on a busy machine. */
const CONNECT_BATCH = Math.max(1, Number(process.env['FANOUT_CONNECT_BATCH'] ?? 8));
/** FANOUT_VIEWER_RR=0 turns the viewers' receiver reports off (to see what they cost). */
const VIEWER_OPTIONS = { receiverReports: process.env['FANOUT_VIEWER_RR'] !== '0' };
const FEEDER_MAIN = fileURLToPath(new URL('./feeder-main.ts', import.meta.url));

export interface Row {
  sfu: SfuName;
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
  /** Viewers that received nothing in the window (counted as lost, at a typical viewer's count). */
  silentViewers: number;
  /** Receiver reports the viewers sent in the window. */
  rrSent: number;
  /** CPU of this process (the N viewers) and of the feeder, % of a core, over the window. */
  viewerCpuPct: number;
  feederCpuPct: number;
  /** True when the viewers' core was the limit: viewers + feeder reached CLIENT_LIMIT_PCT of it. */
  clientLimited: boolean;
  /**
   * True when the packets that reached a viewer in the window (received + sequence gaps) fell
   * under 90% of the clip's rate: the rest is queued somewhere (the delay grows), which an SFU
   * that cannot keep up shows before its buffers overflow into loss.
   */
  behind: boolean;
  /** Packets per second per viewer (the clip's rate is clipPacketRate()). */
  perViewerPps: number;
  feeder: FeederStats | undefined;
  srtp: string;
}

let nominal: number | undefined;

/** Packets per second the feeder sends when it keeps time (the clip's own rate, both tracks). */
export function clipPacketRate(): number {
  if (nominal === undefined) {
    const clip = loadClip({ videoSsrc: FEEDER_VIDEO_SSRC, audioSsrc: FEEDER_AUDIO_SSRC });
    nominal = [clip.video, clip.audio].reduce((sum, t) => sum + t.packets.length / (t.loopTicks / t.clockRate), 0);
  }
  return nominal;
}

export interface RunOptions {
  warmupS: number;
  windowS: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function runFeeder(sfu: SfuUnderTest, durationMs: number): { pid: number; done: Promise<FeederStats | undefined>; stop(): void } {
  const args = JSON.stringify({ audio: sfu.audio, video: sfu.video, durationMs });
  // taskset execs node, so the child's pid is the feeder's.
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
  return { pid: child.pid ?? -1, done, stop: () => child.kill('SIGTERM') };
}

const ownCpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

export async function runOne(name: SfuName, n: number, certificate: DtlsCertificate, options: RunOptions): Promise<Row> {
  const sfu = name === 'consomme' ? await startConsomme() : await startJanus('/tmp/janus-bench');
  const viewers: LightViewer[] = [];
  let feeder: ReturnType<typeof runFeeder> | undefined;
  try {
    // Viewers join a batch at a time: one by one, Janus's ICE takes about half a second per
    // viewer, which would make a knee probe at a few hundred viewers take minutes.
    for (let i = 0; i < n; i += CONNECT_BATCH) {
      const batch = await Promise.all(Array.from({ length: Math.min(CONNECT_BATCH, n - i) }, () => LightViewer.create(certificate, VIEWER_OPTIONS)));
      viewers.push(...batch);
      await Promise.all(batch.map((v) => sfu.addViewer(v)));
    }
    feeder = runFeeder(sfu, (options.warmupS + options.windowS + 1) * 1000);
    await sleep(options.warmupS * 1000);
    const before = viewers.map((v) => v.snapshot());
    const rtcpBefore = viewers.map((v) => ({ ...v.rtcp, rrSent: v.rrSent }));
    for (const v of viewers) v.delay.reset();
    const cpu0 = cpuSeconds(sfu.pid);
    const own0 = ownCpuSeconds();
    const feeder0 = cpuSeconds(feeder.pid);
    const t0 = process.hrtime.bigint();
    await sleep(options.windowS * 1000);
    const cpu1 = cpuSeconds(sfu.pid);
    const own1 = ownCpuSeconds();
    const feeder1 = cpuSeconds(feeder.pid);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const rss = rssMiB(sfu.pid);
    let packets = 0;
    let lost = 0;
    const delay = new DelayHistogram();
    const rtcp = { pli: 0, nack: 0, packets: 0, rrSent: 0 };
    const perViewer: number[] = [];
    viewers.forEach((v, i) => {
      let got = 0;
      for (const [ssrc, after] of v.snapshot()) {
        const w = windowOf(before[i]!.get(ssrc), after);
        got += w.packets;
        lost += w.lost;
      }
      packets += got;
      perViewer.push(got);
      delay.merge(v.delay);
      rtcp.pli += v.rtcp.pli - rtcpBefore[i]!.pli;
      rtcp.nack += v.rtcp.nack - rtcpBefore[i]!.nack;
      rtcp.packets += v.rtcp.packets - rtcpBefore[i]!.packets;
      rtcp.rrSent += v.rrSent - rtcpBefore[i]!.rrSent;
    });
    // The feeder's own deadline is a safety net; stopping it now saves a second per run.
    feeder.stop();
    const feederStats = await feeder.done;
    // Sequence gaps cannot show a viewer that got nothing: count what a typical viewer got as lost.
    const silentViewers = perViewer.filter((p) => p === 0).length;
    if (silentViewers > 0) lost += silentViewers * median(perViewer.filter((p) => p > 0));
    const viewerCpuPct = ((own1 - own0) / seconds) * 100;
    // A feeder that exited early reads 0 at the end: leave it out rather than go negative.
    const feederCpuPct = feeder1 >= feeder0 ? ((feeder1 - feeder0) / seconds) * 100 : NaN;
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
      rrSent: rtcp.rrSent,
      silentViewers,
      viewerCpuPct,
      feederCpuPct,
      clientLimited: viewerCpuPct + (Number.isFinite(feederCpuPct) ? feederCpuPct : 0) >= CLIENT_LIMIT_PCT,
      behind: (packets + lost) / seconds / n < 0.9 * clipPacketRate(),
      perViewerPps: packets / seconds / n,
      feeder: feederStats,
      srtp: viewers[0]?.srtpProfile ?? '',
    };
  } finally {
    feeder?.stop();
    for (const v of viewers) v.close();
    await sfu.close();
  }
}

/**
 * runOne, once more if it throws: now and then a viewer's DTLS handshake with Janus stalls
 * on a busy machine (not seen when the machine is quiet), and one stalled viewer of hundreds
 * should cost a retry, not the whole run. A second failure is thrown.
 */
export async function runOneWithRetry(name: SfuName, n: number, certificate: DtlsCertificate, options: RunOptions): Promise<Row> {
  try {
    return await runOne(name, n, certificate, options);
  } catch (err) {
    console.log(`${name} N=${n}: ${String(err)}; retrying once`);
    return runOne(name, n, certificate, options);
  }
}
