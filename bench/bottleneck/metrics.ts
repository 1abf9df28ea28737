// Pure figures from one round's samples of the receiving page B (no browser, no tc here),
// so the definitions sit in one place and match the notes in bench/RESULTS.md.

/** B's inbound video at one instant; `t` in ms since the round started. */
export interface Sample {
  t: number;
  frameWidth: number;
  framesDecoded: number;
  /** RTP payload bytes (the stat's definition: no headers, no padding). */
  bytesReceived: number;
  headerBytesReceived: number;
  totalFreezesDuration: number;
}

/** When each phase began, in the same clock as Sample.t. */
export interface Marks {
  /** End of the warm-up: start of the pre-limit baseline window. */
  baseline: number;
  limit: number;
  lift: number;
  end: number;
}

export interface Thresholds {
  /** "Adapted down" means the 1-s received rate stays at or below this, in kbit/s. */
  adaptedKbps: number;
  /** …for this long, in ms. */
  holdMs: number;
  /** Recovered means the rate is at least this share of the pre-limit median (and the width is back). */
  recoverShare: number;
}

export interface RoundFigures {
  preWidth: number;
  preKbps: number;
  /** ms from the limit to the start of the first run of `holdMs` at or below `adaptedKbps`; undefined = never. */
  adaptDownMs: number | undefined;
  /** ms from the limit to the first sample narrower than preWidth; undefined = never. */
  widthDropMs: number | undefined;
  /** Width at the end of the limited minute. */
  limitedWidth: number;
  /** How often B's width changed while limited (each up-switch attempt under the limit shows here). */
  limitedWidthChanges: number;
  freezeLimitedS: number;
  /** Freeze time in the first 10 s of the limit: the part the down-switch itself causes. */
  freezeFirst10S: number;
  freezeWholeS: number;
  /** ms from the lift until the width is back and the rate is up again; undefined = not within the window. */
  recoverMs: number | undefined;
  limitedKbps: number;
  limitedKbpsWithHeaders: number;
  limitedFps: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length === 0) return NaN;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Received payload kbit/s over the second ending at each sample (undefined while there is no second behind it). */
export function rates(samples: readonly Sample[]): (number | undefined)[] {
  let j = 0;
  return samples.map((s, i) => {
    // j: the latest sample at least 1 s older than s.
    while (j + 1 < i && samples[j + 1]!.t <= s.t - 1000) j++;
    const older = samples[j]!;
    if (j >= i || older.t > s.t - 1000) return undefined;
    return ((s.bytesReceived - older.bytesReceived) * 8) / (s.t - older.t);
  });
}

/** The last sample taken at or before t (the first one if none). */
function at(samples: readonly Sample[], t: number): Sample {
  let found = samples[0]!;
  for (const s of samples) {
    if (s.t > t) break;
    found = s;
  }
  return found;
}

export function figures(samples: readonly Sample[], marks: Marks, th: Thresholds): RoundFigures {
  if (samples.length < 2) throw new Error(`only ${samples.length} samples in the round`);
  const kbps = rates(samples);
  const idx = samples.map((_, i) => i);
  const pre = at(samples, marks.limit);
  const preRates = idx.filter((i) => samples[i]!.t >= marks.baseline && samples[i]!.t < marks.limit).map((i) => kbps[i]).filter((r) => r !== undefined);
  const preKbps = median(preRates);

  const limited = idx.filter((i) => samples[i]!.t >= marks.limit && samples[i]!.t <= marks.lift);
  let adaptDownMs: number | undefined;
  for (let k = 0; k < limited.length && adaptDownMs === undefined; k++) {
    const start = samples[limited[k]!]!.t;
    let held = false;
    for (let m = k; m < limited.length; m++) {
      const i = limited[m]!;
      const r = kbps[i];
      if (r === undefined || r > th.adaptedKbps) break;
      if (samples[i]!.t - start >= th.holdMs) {
        held = true;
        break;
      }
    }
    if (held) adaptDownMs = start - marks.limit;
  }
  const drop = limited.find((i) => samples[i]!.frameWidth < pre.frameWidth);

  const after = idx.filter((i) => samples[i]!.t > marks.lift);
  const back = after.find((i) => samples[i]!.frameWidth >= pre.frameWidth && (kbps[i] ?? 0) >= th.recoverShare * preKbps);

  const atLimit = at(samples, marks.limit);
  const atLift = at(samples, marks.lift);
  const atEnd = at(samples, marks.end);
  const atBaseline = at(samples, marks.baseline);
  const limitedMs = atLift.t - atLimit.t;
  return {
    preWidth: pre.frameWidth,
    preKbps,
    adaptDownMs,
    widthDropMs: drop === undefined ? undefined : samples[drop]!.t - marks.limit,
    limitedWidth: atLift.frameWidth,
    limitedWidthChanges: limited.filter((i) => i > 0 && samples[i]!.frameWidth !== samples[i - 1]!.frameWidth).length,
    freezeLimitedS: atLift.totalFreezesDuration - atLimit.totalFreezesDuration,
    freezeFirst10S: at(samples, Math.min(marks.limit + 10_000, marks.lift)).totalFreezesDuration - atLimit.totalFreezesDuration,
    freezeWholeS: atEnd.totalFreezesDuration - atBaseline.totalFreezesDuration,
    recoverMs: back === undefined ? undefined : samples[back]!.t - marks.lift,
    limitedKbps: ((atLift.bytesReceived - atLimit.bytesReceived) * 8) / limitedMs,
    limitedKbpsWithHeaders: ((atLift.bytesReceived + atLift.headerBytesReceived - atLimit.bytesReceived - atLimit.headerBytesReceived) * 8) / limitedMs,
    limitedFps: ((atLift.framesDecoded - atLimit.framesDecoded) * 1000) / limitedMs,
  };
}
