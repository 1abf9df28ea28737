// One round of one call: warm up (at least warmMinMs), a short baseline, a minute behind the bottleneck, then
// the limit lifted and 30 s more, sampling B every 250 ms throughout.
import { performance } from 'node:perf_hooks';
import { sleep } from '../../e2e/lib/browser.js';
import { limitUdpFromPorts, type Bottleneck } from '../../e2e/lib/bottleneck.js';
import type { Call } from './calls.js';
import type { Marks, Sample } from './metrics.js';

export interface Timeline {
  /** Warm-up lasts at least this many ms, so the encoder and both estimators settle before the baseline… */
  warmMinMs: number;
  /** …and then ends once B decodes at least this wide… */
  warmWidth: number;
  /** …or after this many ms. */
  warmMaxMs: number;
  /** Pre-limit window for the reference bitrate and width, ms. */
  baselineMs: number;
  limitKbit: number;
  limitMs: number;
  recoverMs: number;
  sampleEveryMs: number;
}

export interface RoundRecord {
  samples: Sample[];
  marks: Marks;
  /** When B first decoded at least warmWidth wide (undefined: not during the warm-up). */
  firstWideMs: number | undefined;
  drops: number;
  senderCpuLimitedS: number;
}

export async function runRound(call: Call, tl: Timeline): Promise<RoundRecord> {
  const t0 = performance.now();
  const now = (): number => performance.now() - t0;
  const samples: Sample[] = [];
  let stop = false;
  let failure: unknown;
  const sampler = (async () => {
    for (let next = 0; !stop; next += tl.sampleEveryMs) {
      await sleep(Math.max(0, next - now()));
      const before = now();
      const s = await call.sample();
      // Stamp at the middle of the round trip into the page.
      samples.push({ t: (before + now()) / 2, ...s });
    }
  })().catch((error: unknown) => {
    failure = error;
  });
  const wait = async (ms: number): Promise<void> => {
    const until = now() + ms;
    while (now() < until) {
      if (failure) throw failure;
      await sleep(Math.min(250, until - now()));
    }
  };

  let bottleneck: Bottleneck | undefined;
  try {
    await wait(tl.warmMinMs);
    while (now() < tl.warmMaxMs && (samples.at(-1)?.frameWidth ?? 0) < tl.warmWidth) await wait(250);
    const firstWideMs = samples.find((s) => s.frameWidth >= tl.warmWidth)?.t;
    const baseline = now();
    await wait(tl.baselineMs);
    const cpuBefore = await call.senderCpuLimited();
    bottleneck = limitUdpFromPorts(await call.limitedPorts(), tl.limitKbit);
    const limit = now();
    await wait(tl.limitMs);
    const drops = bottleneck.drops();
    bottleneck.lift();
    const lift = now();
    await wait(tl.recoverMs);
    const end = now();
    const senderCpuLimitedS = (await call.senderCpuLimited()) - cpuBefore;
    stop = true;
    await sampler;
    return { samples, marks: { baseline, limit, lift, end }, firstWideMs, drops, senderCpuLimitedS };
  } finally {
    stop = true;
    await sampler;
    bottleneck?.remove();
  }
}
