/**
 * The 0..10 stream quality score that mediasoup exposes on producers and
 * consumers (10 = no loss; 0 = nothing gets through or the stream is dead).
 *
 * Each interval yields one sample from its delivery ratio; the published
 * score is a recency-weighted mean of the last few samples, so one bad
 * second dents it and a sustained problem drags it down, while recovery
 * shows within a few intervals. Own formula, tuned to these anchors:
 *   loss 0–1 % → 10, 5 % → 8, 10 % → 7, 20 % → 4, 50 % → 1, 100 % → 0.
 */

export interface ScoreSampleInput {
  /** Packets that should have arrived during the interval. */
  readonly expected: number;
  /** Of those, packets still missing at the end of the interval. */
  readonly lost: number;
  /** Of those, packets that only arrived thanks to a retransmission. */
  readonly repaired: number;
  /** Interarrival jitter in ms (0 when unknown). */
  readonly jitterMs: number;
}

/** Score 0..10 for one interval. An interval that expected nothing scores 0. */
export function scoreSample(input: ScoreSampleInput): number {
  const expected = input.expected;
  if (!(expected > 0)) return 0;
  const lost = Math.min(expected, Math.max(0, input.lost));
  const repaired = Math.min(expected - lost, Math.max(0, input.repaired));
  // A repaired packet cost a round trip and bandwidth: count it half lost.
  const effectiveLoss = (lost + repaired / 2) / expected;
  let score = 10 * Math.pow(1 - effectiveLoss, 4);
  // Jitter hurts playout (bigger jitter buffer, more delay) even without loss.
  if (input.jitterMs > 100) score -= 2;
  else if (input.jitterMs > 30) score -= 1;
  return Math.max(0, Math.min(10, Math.round(score)));
}

const WINDOW = 8;

/** Recency-weighted mean of the last samples (weights 1..8, newest heaviest). */
export class ScoreHistory {
  readonly #samples = new Array<number>(WINDOW).fill(0);
  #count = 0;
  #next = 0;
  #score: number;

  constructor(initialScore = 10) {
    this.#score = initialScore;
  }

  get score(): number {
    return this.#score;
  }

  /** Adds one interval's sample and returns the new score. */
  push(sample: number): number {
    this.#samples[this.#next] = sample;
    this.#next = (this.#next + 1) % WINDOW;
    if (this.#count < WINDOW) this.#count++;
    let weighted = 0;
    let weights = 0;
    // Walk newest to oldest; weight WINDOW for the newest.
    for (let i = 0; i < this.#count; i++) {
      const index = (this.#next - 1 - i + WINDOW) % WINDOW;
      const w = WINDOW - i;
      weighted += (this.#samples[index] as number) * w;
      weights += w;
    }
    this.#score = Math.round(weighted / weights);
    return this.#score;
  }

  /** Forgets the samples (e.g. the stream restarted). */
  reset(score: number): void {
    this.#count = 0;
    this.#next = 0;
    this.#score = score;
  }
}
