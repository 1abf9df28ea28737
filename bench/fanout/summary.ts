/**
 * Rounds → cells: per SFU and N, the median of each figure over the rounds with its range,
 * and the markdown tables of the fan-out section. Ratios are taken from medians.
 */
import { median } from './median.js';
import type { Row, SfuName } from './run-one.js';

export interface Stat {
  median: number;
  min: number;
  max: number;
}

export interface Cell {
  sfu: SfuName;
  n: number;
  rounds: number;
  cpuPct: Stat;
  deliveredPps: Stat;
  /** Delivered packets per core-second, per round (then median): what the ratio compares. */
  ppsPerCore: Stat;
  usPerPacket: Stat;
  lossPct: Stat;
  rssMiB: Stat;
  p50: Stat;
  p99: Stat;
  viewerCpuPct: Stat;
  feederCpuPct: Stat;
  /** Sums over the rounds. */
  viewerPli: number;
  viewerNack: number;
  feederPli: number;
  feederNack: number;
  rrSent: number;
  silentViewers: number;
  clientLimited: boolean;
  /** Rounds in which the viewers got under 90% of the offered rate. */
  behindRounds: number;
  srtp: string;
}

export { median };

export function stat(values: readonly number[]): Stat {
  const v = values.filter(Number.isFinite);
  return { median: median(v), min: v.length ? Math.min(...v) : NaN, max: v.length ? Math.max(...v) : NaN };
}

export const ppsPerCore = (r: Row): number => (r.cpuPct > 0 ? r.deliveredPps / (r.cpuPct / 100) : NaN);
const usPerPacket = (r: Row): number => (r.deliveredPps > 0 ? ((r.cpuPct / 100) * 1e6) / r.deliveredPps : NaN);

/** One cell per (SFU, N) in first-seen order. */
export function summarize(rows: readonly Row[]): Cell[] {
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const key = `${r.sfu}/${r.n}`;
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  return [...groups.values()].map((g) => {
    const s = (f: (r: Row) => number): Stat => stat(g.map(f));
    const sum = (f: (r: Row) => number): number => g.reduce((a, r) => a + f(r), 0);
    return {
      sfu: g[0]!.sfu,
      n: g[0]!.n,
      rounds: g.length,
      cpuPct: s((r) => r.cpuPct),
      deliveredPps: s((r) => r.deliveredPps),
      ppsPerCore: s(ppsPerCore),
      usPerPacket: s(usPerPacket),
      lossPct: s((r) => r.lossPct),
      rssMiB: s((r) => r.rssMiB),
      p50: s((r) => r.p50),
      p99: s((r) => r.p99),
      viewerCpuPct: s((r) => r.viewerCpuPct),
      feederCpuPct: s((r) => r.feederCpuPct),
      viewerPli: sum((r) => r.viewerPli),
      viewerNack: sum((r) => r.viewerNack),
      feederPli: sum((r) => r.feeder?.pliReceived ?? 0),
      feederNack: sum((r) => r.feeder?.nackReceived ?? 0),
      rrSent: sum((r) => r.rrSent),
      silentViewers: sum((r) => r.silentViewers),
      clientLimited: g.some((r) => r.clientLimited),
      behindRounds: g.filter((r) => r.behind).length,
      srtp: g[0]!.srtp,
    };
  });
}

export const fmt = (x: number, d = 0): string =>
  Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : '–';

/** "median [min–max]", or just the median for one round. */
export function fmtStat(s: Stat, d = 0, rounds = 2): string {
  return rounds > 1 ? `${fmt(s.median, d)} [${fmt(s.min, d)}–${fmt(s.max, d)}]` : fmt(s.median, d);
}

export function cellsTable(cells: readonly Cell[]): string {
  const lines = [
    '| SFU | N | SFU CPU (% of a core) | delivered packets/s | CPU µs per delivered packet | delivered packets/s per core | loss (%) | SFU RSS (MiB) | delay p50 / p99 (ms) | load core: viewers / feeder (% of a core) | PLI / NACK at viewers | PLI / NACK at feeder | RRs sent | SRTP |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const c of cells) {
    const r = c.rounds;
    lines.push(
      `| ${c.sfu} | ${c.n} | ${fmtStat(c.cpuPct, 1, r)} | ${fmtStat(c.deliveredPps, 0, r)} | ${fmtStat(c.usPerPacket, 1, r)} | ${fmtStat(c.ppsPerCore, 0, r)} | ${fmtStat(c.lossPct, 2, r)}${c.silentViewers ? ` (${c.silentViewers} viewer-windows got nothing)` : ''}${c.behindRounds ? ` (behind in ${c.behindRounds})` : ''} | ` +
        `${fmt(c.rssMiB.median, 1)} | ${fmt(c.p50.median, 2)} / ${fmt(c.p99.median, 2)} | ${fmt(c.viewerCpuPct.median)} / ${fmt(c.feederCpuPct.median)}${c.clientLimited ? ' (client-limited)' : ''} | ` +
        `${c.viewerPli} / ${c.viewerNack} | ${c.feederPli} / ${c.feederNack} | ${c.rrSent} | ${c.srtp} |`,
    );
  }
  return lines.join('\n');
}

/** Ours / Janus of the median delivered packets per core-second, per N present for both. */
export function ratios(cells: readonly Cell[]): { n: number; ratio: number }[] {
  const out: { n: number; ratio: number }[] = [];
  for (const ours of cells) {
    if (ours.sfu !== 'consomme') continue;
    const janus = cells.find((c) => c.sfu === 'janus' && c.n === ours.n);
    if (janus) out.push({ n: ours.n, ratio: ours.ppsPerCore.median / janus.ppsPerCore.median });
  }
  return out;
}

/**
 * Memory per viewer: the slope of the median RSS from the smallest to the
 * largest N of each SFU (one transport and two consumers per viewer on our side).
 */
export function rssPerViewer(cells: readonly Cell[]): { sfu: SfuName; kib: number; from: number; to: number }[] {
  const out: { sfu: SfuName; kib: number; from: number; to: number }[] = [];
  for (const sfu of ['consomme', 'janus'] as const) {
    const mine = cells.filter((c) => c.sfu === sfu).sort((a, b) => a.n - b.n);
    const lo = mine[0];
    const hi = mine.at(-1);
    if (lo && hi && hi.n > lo.n) out.push({ sfu, kib: ((hi.rssMiB.median - lo.rssMiB.median) * 1024) / (hi.n - lo.n), from: lo.n, to: hi.n });
  }
  return out;
}
