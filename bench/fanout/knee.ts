/**
 * The loss knee: the largest N whose loss stays under a limit (0.5%) and whose viewers get
 * the offered rate (a probe `behind` fails like one with loss). Probes climb a ladder
 * (start, start+step, …) until one fails, then bisect between the last pass and the first
 * failure down to `resolution`, and the answer is probed once more: a pass that does not
 * repeat is noise, so the search steps down. Pure apart from the injected probe, so the
 * search itself is tested without SFUs.
 *
 * A probe that reports `clientLimited` (the viewers' core is full) ends the climb: beyond it
 * the figures measure the load client, and the knee is reported as a lower bound.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface KneeProbe {
  lossPct: number;
  clientLimited: boolean;
  /** Delivered under the offered rate without loss (a growing queue): a failure too. */
  behind?: boolean;
}

export interface KneeOptions {
  start: number;
  step: number;
  max: number;
  resolution: number;
  /** Loss must be strictly below this, in %. Default 0.5. */
  lossLimitPct?: number;
  /** Asked before every probe; true ends the search where it stands (a time budget). */
  outOfTime?: () => boolean;
}

export interface KneeResult<P extends KneeProbe> {
  /** Largest N that passed (and passed again); 0 if none did. */
  n: number;
  /** The probe at `n` (its confirmation), when n > 0. */
  atKnee: P | undefined;
  /** Why the search ended: a failure was found, `max` was reached, the client saturated, or time ran out. */
  bound: 'loss' | 'max' | 'client' | 'time';
  /** Every probe in order, for the table. */
  probes: { n: number; result: P }[];
}

export async function findKnee<P extends KneeProbe>(probe: (n: number) => Promise<P>, o: KneeOptions): Promise<KneeResult<P>> {
  const limit = o.lossLimitPct ?? 0.5;
  const probes: { n: number; result: P }[] = [];
  const late = (): boolean => o.outOfTime?.() === true;
  const run = async (n: number): Promise<P> => {
    const result = await probe(n);
    probes.push({ n, result });
    return result;
  };
  const passes = (p: P): boolean => p.lossPct < limit && p.behind !== true;

  let good = 0;
  let goodProbe: P | undefined;
  let bad: number | undefined;
  let bound: KneeResult<P>['bound'] = 'max';
  for (let n = o.start; n <= o.max; n += o.step) {
    if (late()) return { n: good, atKnee: goodProbe, bound: 'time', probes };
    const p = await run(n);
    if (!passes(p)) {
      bad = n;
      bound = p.clientLimited ? 'client' : 'loss';
      break;
    }
    good = n;
    goodProbe = p;
    if (p.clientLimited) {
      bound = 'client';
      break;
    }
  }
  // Bisect, then confirm; a failed confirmation lowers the upper bound and bisects again.
  for (let confirmations = 0; confirmations < 3; confirmations++) {
    while (bad !== undefined && bad - good > o.resolution) {
      const mid = Math.round((good + bad) / 2 / o.resolution) * o.resolution;
      const n = mid <= good || mid >= bad ? good + o.resolution : mid;
      if (late()) return { n: good, atKnee: goodProbe, bound: 'time', probes };
      const p = await run(n);
      if (passes(p)) {
        good = n;
        goodProbe = p;
      } else bad = n;
    }
    if (good === 0) break;
    // Out of time: the answer stands unconfirmed (its probe is in the table).
    if (late()) return { n: good, atKnee: goodProbe, bound: 'time', probes };
    const again = await run(good);
    if (passes(again)) {
      goodProbe = again;
      break;
    }
    bad = good;
    good = Math.max(0, good - o.step);
    goodProbe = [...probes].reverse().find((x) => x.n === good && passes(x.result))?.result;
    bound = 'loss';
  }
  return { n: good, atKnee: good > 0 ? goodProbe : undefined, bound, probes };
}

export const CAPACITY_FILE = fileURLToPath(new URL('../.work/fanout-capacity.json', import.meta.url));

export interface Capacity {
  consomme: { n: number; pps: number };
  janus: { n: number; pps: number };
  date: string;
}

/** Writes bench/.work/fanout-capacity.json, which the delay benchmark reads. */
export function writeCapacity(capacity: Capacity, file = CAPACITY_FILE): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(capacity, null, 2)}\n`);
}
