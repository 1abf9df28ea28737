/**
 * Dominant speaker identification from RFC 6464 audio levels, after the idea
 * of I. Volfin and I. Cohen, "Dominant speaker identification for multipoint
 * videoconferencing", Computer Speech and Language 27 (2013) 895–910:
 *
 * - each speaker's activity is measured over three nested time windows:
 *   immediate (~100 ms), medium (~200 ms of frames) and long (~2 s of medium
 *   blocks);
 * - each window's activity count is turned into a speech activity score, the
 *   log-likelihood ratio of "speech" (binomial) against "no speech"
 *   (exponential);
 * - the dominant speaker changes only when a challenger beats it clearly on
 *   all three windows at once, so a cough or a short interjection (immediate
 *   and medium only) does not take the floor from someone who has been
 *   talking (long).
 *
 * The paper counts active frequency sub-bands of each frame; an SFU sees only
 * the per-packet level, so a frame's activity is the number of BAND_DB steps
 * its level stands above the speaker's noise floor. Pure: time comes in as
 * `now` (ms), the caller owns the timer.
 */

/** Levels are binned into frames of this length (an Opus packet). */
const FRAME_MS = 20;
/** N1: activity steps of one frame. */
const BANDS = 13;
/** Width of one activity step. */
const BAND_DB = 5;
/** Frames in the immediate window: a few, so packet jitter cannot blank it. */
const IMMEDIATE_FRAMES = 5;
/** N2: frames in the medium window (and in each block of the long window). */
const MEDIUM_FRAMES = 10;
/** N3: medium blocks in the long window. */
const LONG_BLOCKS = 10;
const RING = MEDIUM_FRAMES * LONG_BLOCKS;
/** A frame counts in the medium window from this many steps above the floor. */
const FRAME_ACTIVE_BANDS = 3;
/** A block counts in the long window from this many active frames. */
const BLOCK_ACTIVE_FRAMES = 4;

/**
 * Volumes (127 - level, so 0 = silence) below this are never activity:
 * -75 dBov is below any microphone's self-noise that reaches the encoder.
 */
const ABSOLUTE_FLOOR = 127 - 75;
/**
 * The adaptive noise floor never rises above -45 dBov, so a speaker who talks
 * without pause (or a test tone) does not become "noise" after a while.
 */
const NOISE_FLOOR_CAP = 127 - 45;
/** The noise floor is the quietest frame over the last one to two windows. */
const NOISE_WINDOW_MS = 5000;

/** Probability of an active step/frame/block under the speech hypothesis. */
const P = 0.5;
/**
 * Rates of the exponential "no speech" model per window. Large enough that
 * the score rises with activity over the whole range, so more activity never
 * scores lower.
 */
const LAMBDA_IMMEDIATE = 2;
const LAMBDA_MEDIUM = 24;
const LAMBDA_LONG = 47;
/** Scores are floored here so silent speakers still compare by ratio. */
const MIN_SCORE = 1e-9;
/** A challenger must beat the dominant speaker by these log-ratios on each window. */
const C_IMMEDIATE = 3;
const C_MEDIUM = 2;
const C_LONG = 0;

/** ln(n!) for n up to the largest window. */
const LOG_FACTORIAL = (() => {
  const table = new Float64Array(Math.max(BANDS, MEDIUM_FRAMES, LONG_BLOCKS) + 1);
  for (let n = 1; n < table.length; n++) table[n] = table[n - 1]! + Math.log(n);
  return table;
})();

/** log[Binomial(n; N, P) / Exponential(n; λ)], floored at MIN_SCORE. */
function activityScore(n: number, total: number, lambda: number): number {
  const logBinomial = LOG_FACTORIAL[total]! - LOG_FACTORIAL[n]! - LOG_FACTORIAL[total - n]!;
  const score = logBinomial + n * Math.log(P) + (total - n) * Math.log(1 - P) - Math.log(lambda) + lambda * n;
  return score > MIN_SCORE ? score : MIN_SCORE;
}

export interface SpeakerScores {
  immediate: number;
  medium: number;
  long: number;
}

/** One speaker's recent frames and noise floor. */
class Speaker {
  /** Activity (0..BANDS) per frame, indexed by frame number modulo RING. */
  readonly #frames = new Uint8Array(RING);
  #lastFrame = -1;
  #noiseMin = Infinity;
  #noisePrevMin = ABSOLUTE_FLOOR;
  /** Until a first window has passed, the floor is assumed at ABSOLUTE_FLOOR. */
  #noiseWindowStart = NaN;

  onLevel(level: number, now: number): void {
    const volume = 127 - level;
    if (Number.isNaN(this.#noiseWindowStart)) {
      this.#noiseWindowStart = now;
    } else if (now - this.#noiseWindowStart >= NOISE_WINDOW_MS) {
      this.#noisePrevMin = this.#noiseMin;
      this.#noiseMin = Infinity;
      this.#noiseWindowStart = now;
    }
    if (volume < this.#noiseMin) this.#noiseMin = volume;
    let floor = Math.min(this.#noiseMin, this.#noisePrevMin);
    if (floor < ABSOLUTE_FLOOR) floor = ABSOLUTE_FLOOR;
    else if (floor > NOISE_FLOOR_CAP) floor = NOISE_FLOOR_CAP;
    let activity = Math.floor((volume - floor) / BAND_DB);
    if (activity < 0) activity = 0;
    else if (activity > BANDS) activity = BANDS;
    const frame = Math.floor(now / FRAME_MS);
    this.#advance(frame);
    const slot = frame % RING;
    if (activity > this.#frames[slot]!) this.#frames[slot] = activity;
  }

  scores(now: number): SpeakerScores {
    const frame = Math.floor(now / FRAME_MS);
    this.#advance(frame);
    let immediate = 0;
    for (let i = 0; i < IMMEDIATE_FRAMES; i++) {
      const a = this.#frames[(frame - i + RING) % RING]!;
      if (a > immediate) immediate = a;
    }
    let medium = 0;
    let long = 0;
    for (let block = 0; block < LONG_BLOCKS; block++) {
      let active = 0;
      for (let i = 0; i < MEDIUM_FRAMES; i++) {
        const a = this.#frames[(frame - block * MEDIUM_FRAMES - i + RING) % RING]!;
        if (a >= FRAME_ACTIVE_BANDS) active++;
      }
      if (block === 0) medium = active;
      if (active >= BLOCK_ACTIVE_FRAMES) long++;
    }
    return {
      immediate: activityScore(immediate, BANDS, LAMBDA_IMMEDIATE),
      medium: activityScore(medium, MEDIUM_FRAMES, LAMBDA_MEDIUM),
      long: activityScore(long, LONG_BLOCKS, LAMBDA_LONG),
    };
  }

  /** Frames with no packet (silence, DTX, pause, loss) count as inactive. */
  #advance(frame: number): void {
    if (this.#lastFrame < 0) {
      this.#lastFrame = frame;
      return;
    }
    if (frame <= this.#lastFrame) return;
    const gap = Math.min(frame - this.#lastFrame, RING);
    for (let i = 1; i <= gap; i++) this.#frames[(this.#lastFrame + i) % RING] = 0;
    this.#lastFrame = frame;
  }
}

export class DominantSpeakerDetector {
  readonly #speakers = new Map<string, Speaker>();
  #dominant: string | undefined;

  get dominant(): string | undefined {
    return this.#dominant;
  }

  addSpeaker(id: string): void {
    if (!this.#speakers.has(id)) this.#speakers.set(id, new Speaker());
  }

  removeSpeaker(id: string): void {
    this.#speakers.delete(id);
    if (this.#dominant === id) this.#dominant = undefined;
  }

  /** One packet's RFC 6464 level (0..127, -dBov) at `now` ms. Unknown speakers are ignored. */
  onLevel(id: string, level: number, now: number): void {
    this.#speakers.get(id)?.onLevel(level, now);
  }

  scores(id: string, now: number): SpeakerScores | undefined {
    return this.#speakers.get(id)?.scores(now);
  }

  /** Run one decision. Returns the new dominant speaker when it changed, else undefined. */
  decide(now: number): string | undefined {
    const scores = new Map<string, SpeakerScores>();
    for (const [id, speaker] of this.#speakers) scores.set(id, speaker.scores(now));
    const current = this.#dominant === undefined ? undefined : scores.get(this.#dominant);
    const next = current ? this.#challenger(current, scores) : this.#first(scores);
    if (next === undefined || next === this.#dominant) return undefined;
    this.#dominant = next;
    return next;
  }

  /** With nobody holding the floor, the most active speaker takes it, if anyone is speaking. */
  #first(scores: Map<string, SpeakerScores>): string | undefined {
    let best: string | undefined;
    let bestScores: SpeakerScores | undefined;
    for (const [id, s] of scores) {
      if (s.medium <= MIN_SCORE && s.long <= MIN_SCORE) continue;
      if (
        !bestScores ||
        s.long > bestScores.long ||
        (s.long === bestScores.long && (s.medium > bestScores.medium || (s.medium === bestScores.medium && s.immediate > bestScores.immediate)))
      ) {
        best = id;
        bestScores = s;
      }
    }
    return best;
  }

  /** The challenger that beats the dominant speaker on every window, the strongest on the medium one. */
  #challenger(current: SpeakerScores, scores: Map<string, SpeakerScores>): string | undefined {
    let best: string | undefined;
    let bestMedium = C_MEDIUM;
    for (const [id, s] of scores) {
      if (id === this.#dominant) continue;
      const c1 = Math.log(s.immediate / current.immediate);
      const c2 = Math.log(s.medium / current.medium);
      const c3 = Math.log(s.long / current.long);
      if (c1 > C_IMMEDIATE && c2 > bestMedium && c3 > C_LONG) {
        best = id;
        bestMedium = c2;
      }
    }
    return best;
  }
}
