/**
 * One measurement window over a set of receivers (light viewers or plain receivers): packets
 * delivered, loss from sequence gaps, merged delay quantiles, and the CPU of the process
 * under test (core 0) and of the load side (this process and the feeder, core 1).
 */
import { cpuSeconds } from '../fanout/proc.js';
import { assertAlive } from './guards.js';
import { DelayHistogram, windowOf, type SsrcSnapshot } from '../light-viewer/counters.js';

export interface Timed {
  readonly delay: DelayHistogram;
  snapshot(): Map<number, SsrcSnapshot>;
}

export interface WindowResult {
  n: number;
  seconds: number;
  deliveredPps: number;
  lossPct: number;
  /** Quantiles in ms; Infinity when at or past the histogram's 200 ms range. */
  p50: number;
  p99: number;
  /** Process under test (SFU or relay), % of one core. */
  testedCpuPct: number;
  /** This process (the receivers) plus the feeder, % of one core: near 100 means the load side limits. */
  loadCpuPct: number;
}

/** DelayHistogram puts everything from 200 ms up in its last bucket (199.995 ms). */
export const HISTOGRAM_CAP_MS = 199.99;
/** A quantile in the histogram's last bucket is only known to be ≥ 200 ms: Infinity. */
const censored = (ms: number): number => (ms >= HISTOGRAM_CAP_MS ? Infinity : ms);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits until the receivers have seen some RTP (the feeder process takes a moment to start). */
export async function waitForTraffic(receivers: readonly Timed[], timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (receivers.every((r) => r.snapshot().size > 0)) return;
    await sleep(100);
  }
  throw new Error(`no RTP at ${receivers.filter((r) => r.snapshot().size === 0).length} of ${receivers.length} receivers within ${timeoutMs} ms`);
}

export async function measureWindow(receivers: readonly Timed[], testedPid: number, feederPid: number, windowS: number): Promise<WindowResult> {
  const before = receivers.map((r) => r.snapshot());
  for (const r of receivers) r.delay.reset();
  const tested0 = cpuSeconds(testedPid);
  const feeder0 = cpuSeconds(feederPid);
  const self0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await sleep(windowS * 1000);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const tested = cpuSeconds(testedPid) - tested0;
  assertAlive(testedPid, 'the process under test');
  const feeder = cpuSeconds(feederPid) - feeder0;
  const self = process.cpuUsage(self0);
  let packets = 0;
  let lost = 0;
  const delay = new DelayHistogram();
  receivers.forEach((r, i) => {
    for (const [ssrc, after] of r.snapshot()) {
      const w = windowOf(before[i]!.get(ssrc), after);
      packets += w.packets;
      lost += w.lost;
    }
    delay.merge(r.delay);
  });
  return {
    n: receivers.length,
    seconds,
    deliveredPps: packets / seconds,
    lossPct: packets + lost > 0 ? (lost / (packets + lost)) * 100 : 100,
    p50: censored(delay.quantileMs(0.5)),
    p99: censored(delay.quantileMs(0.99)),
    testedCpuPct: (tested / seconds) * 100,
    loadCpuPct: ((feeder + (self.user + self.system) / 1e6) / seconds) * 100,
  };
}
