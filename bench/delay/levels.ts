/**
 * The pure parts of the forwarding-delay bench (bench/delay.ts): where the fan-out capacity
 * comes from, which viewer counts a fraction of it means, and how rounds are reduced
 * (per-round SFU minus relay, then the median over rounds).
 */
import { existsSync, readFileSync } from 'node:fs';

export type SfuName = 'consomme' | 'janus';

/** Viewers one core carries for an SFU, and how that figure was found. */
export interface Capacity {
  n: number;
  pps: number;
  source: string;
}

export class CapacityError extends Error {
  override name = 'CapacityError';
}

/**
 * The fan-out knee run's bench/.work/fanout-capacity.json: { consomme: {n, pps}, janus: {n, pps} }.
 * Undefined when the file is absent; an SFU missing from it is missing from the map (the caller
 * calibrates it); CapacityError when the file or an entry is malformed.
 */
export function readCapacityFile(file: string, sfus: readonly SfuName[]): Map<SfuName, Capacity> | undefined {
  if (!existsSync(file)) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CapacityError(`${file}: not JSON (${(err as Error).message})`);
  }
  const out = new Map<SfuName, Capacity>();
  for (const sfu of sfus) {
    const entry = (doc as Record<string, { n?: unknown; pps?: unknown } | undefined> | null)?.[sfu];
    if (entry === undefined) continue;
    const n = Number(entry?.n);
    const pps = Number(entry?.pps);
    if (!Number.isInteger(n) || n < 1) throw new CapacityError(`${file}: ${sfu}.n must be a positive integer`);
    out.set(sfu, { n, pps: Number.isFinite(pps) ? pps : NaN, source: `${file} (fan-out knee run)` });
  }
  return out;
}

/** "consomme:240,janus:360" (the DELAY_CAPACITY override). */
export function parseCapacityOverride(text: string): Map<SfuName, Capacity> {
  const out = new Map<SfuName, Capacity>();
  for (const part of text.split(',')) {
    const [name, value] = part.split(':');
    const n = Number(value);
    if ((name !== 'consomme' && name !== 'janus') || !Number.isInteger(n) || n < 1) throw new CapacityError(`bad DELAY_CAPACITY entry "${part}"`);
    out.set(name, { n, pps: NaN, source: 'DELAY_CAPACITY' });
  }
  return out;
}

/**
 * Capacity extrapolated from one short calibration window at a moderate N: the SFU's CPU per
 * delivered packet there, scaled to a whole core, divided by what one viewer receives. CPU per
 * packet still falls a little as N grows, so this errs low (the real knee is at least as far).
 */
export function capacityFromCalibration(n: number, cpuPct: number, deliveredPps: number): { n: number; pps: number } {
  if (!(n > 0) || !(cpuPct > 0) || !(deliveredPps > 0)) throw new CapacityError(`calibration gave no usable figures (N=${n}, CPU ${cpuPct}%, ${deliveredPps} packets/s)`);
  const pps = deliveredPps / (cpuPct / 100);
  return { n: Math.max(1, Math.floor(pps / (deliveredPps / n))), pps };
}

/** Viewer counts for the load fractions, at least 1 each. */
export function levelsFor(capacity: number, fractions: readonly number[]): number[] {
  return fractions.map((f) => Math.max(1, Math.round(f * capacity)));
}

/** The median, NaN left out; Infinity (a delay past the histogram's range) counts as the largest value. */
export function median(xs: readonly number[]): number {
  const v = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

/** One measured window (an SFU or the relay at N receivers). */
export interface DelaySample {
  round: number;
  n: number;
  p50: number;
  p99: number;
  lossPct: number;
}

export interface DelayRow {
  sfu: SfuName;
  fraction: number;
  n: number;
  rounds: number;
  sfuP50: number;
  sfuP99: number;
  relayP50: number;
  relayP99: number;
  /** Median over rounds of (SFU − relay of the same round and N). */
  addedP50: number;
  addedP99: number;
  maxLossPct: number;
}

/** SFU minus relay; Infinity when only the SFU ran past the histogram, NaN when the relay did. */
function added(sfu: number, relay: number): number {
  return Number.isFinite(relay) ? sfu - relay : NaN;
}

/** Pairs each SFU window with the relay window of the same round and N, then takes medians. */
export function reduceRounds(sfu: SfuName, fraction: number, n: number, sfuSamples: readonly DelaySample[], relaySamples: readonly DelaySample[]): DelayRow {
  const mine = sfuSamples.filter((s) => s.n === n);
  const relay = relaySamples.filter((s) => s.n === n);
  const pairs = mine.flatMap((s) => {
    const r = relay.find((x) => x.round === s.round);
    return r ? [{ p50: added(s.p50, r.p50), p99: added(s.p99, r.p99) }] : [];
  });
  return {
    sfu,
    fraction,
    n,
    rounds: mine.length,
    sfuP50: median(mine.map((s) => s.p50)),
    sfuP99: median(mine.map((s) => s.p99)),
    relayP50: median(relay.map((s) => s.p50)),
    relayP99: median(relay.map((s) => s.p99)),
    addedP50: median(pairs.map((p) => p.p50)),
    addedP99: median(pairs.map((p) => p.p99)),
    maxLossPct: Math.max(0, ...mine.map((s) => s.lossPct)),
  };
}
