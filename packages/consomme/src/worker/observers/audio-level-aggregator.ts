/**
 * The decision half of the AudioLevelObserver: sums RFC 6464 levels per
 * producer over one interval and says, at the end of it, which producers were
 * loud enough (loudest first) or that everyone went quiet. The caller owns the
 * timer; `tick()` closes one interval.
 *
 * RFC 6464 levels are -dBov (0 = loudest, 127 = silence); mediasoup reports
 * volumes in dBov, so volume = -average level.
 */

export interface AudioLevelAggregatorOptions {
  /** Most entries in one 'volumes' report. */
  maxEntries: number;
  /** Lowest average volume (dBov, -127..0) that is reported. */
  threshold: number;
}

export interface AudioLevelVolume {
  producerId: string;
  /** Average volume over the interval, in dBov (-127..0). */
  volume: number;
}

export type AudioLevelReport =
  | { type: 'volumes'; volumes: AudioLevelVolume[] }
  | { type: 'silence' };

interface Accumulator {
  sum: number;
  count: number;
}

export class AudioLevelAggregator {
  readonly #maxEntries: number;
  readonly #threshold: number;
  readonly #levels = new Map<string, Accumulator>();
  /**
   * Starts true: 'silence' marks the end of a loud period, so a room that was
   * never loud does not get one.
   */
  #silent = true;

  constructor({ maxEntries, threshold }: AudioLevelAggregatorOptions) {
    this.#maxEntries = maxEntries;
    this.#threshold = threshold;
  }

  /** One packet's level (0..127, -dBov). */
  add(producerId: string, level: number): void {
    let acc = this.#levels.get(producerId);
    if (!acc) {
      acc = { sum: 0, count: 0 };
      this.#levels.set(producerId, acc);
    }
    acc.sum += level;
    acc.count++;
  }

  /** Forget what a producer sent in the current interval (removed or paused). */
  forget(producerId: string): void {
    this.#levels.delete(producerId);
  }

  /** Drop the current interval's figures (the observer was paused or resumed). */
  reset(): void {
    this.#levels.clear();
  }

  /**
   * Close the interval. Returns the report to emit, or undefined when there is
   * nothing new to say (still silent).
   */
  tick(): AudioLevelReport | undefined {
    const volumes: AudioLevelVolume[] = [];
    for (const [producerId, { sum, count }] of this.#levels) {
      if (count === 0) continue;
      // 0 - x, not -x: a full-scale average must be 0, not -0.
      const volume = 0 - Math.round(sum / count);
      if (volume >= this.#threshold) volumes.push({ producerId, volume });
    }
    this.#levels.clear();
    if (volumes.length === 0) {
      if (this.#silent) return undefined;
      this.#silent = true;
      return { type: 'silence' };
    }
    this.#silent = false;
    volumes.sort((a, b) => b.volume - a.volume);
    if (volumes.length > this.#maxEntries) volumes.length = this.#maxEntries;
    return { type: 'volumes', volumes };
  }
}
