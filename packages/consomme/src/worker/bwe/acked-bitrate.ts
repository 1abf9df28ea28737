/**
 * Throughput of the packets the receiver acknowledged, measured on the
 * receiver's arrival clock: what the path actually delivered, which the
 * delay-based controller backs off from on overuse and caps its increases by.
 *
 * Bytes are summed over a sliding window of arrival time. Nothing is said
 * until the window has seen `windowMs` of arrivals, so a short burst at the
 * start does not pass for a rate.
 */
import type { PacketResult } from './send-history.js';

export interface AckedBitrateOptions {
  /** Window length on the arrival clock, ms. Default 500. */
  readonly windowMs?: number;
}

/** An arrival this far from the newest one means the receiver's clock jumped: start over. */
const CLOCK_JUMP_MS = 10_000;

export class AckedBitrate {
  readonly #windowMs: number;
  /** Arrival times and sizes in arrival order (oldest first), within the window. */
  #times: number[] = [];
  #sizes: number[] = [];
  #head = 0;
  #bytes = 0;
  #first: number | undefined;
  #newest = -Infinity;

  constructor(options: AckedBitrateOptions = {}) {
    this.#windowMs = options.windowMs ?? 500;
  }

  /** Accounts the received packets among `results`. */
  update(results: readonly PacketResult[]): void {
    for (const r of results) {
      const t = r.arrivalTimeMs;
      if (t === undefined || !Number.isFinite(t)) continue;
      if (Math.abs(t - this.#newest) > CLOCK_JUMP_MS && this.#first !== undefined) this.reset();
      if (this.#first === undefined) this.#first = t;
      // A reordered packet older than the window only moves bytes that the window already let go.
      if (t <= this.#newest - this.#windowMs) continue;
      if (t >= this.#newest) {
        this.#times.push(t);
        this.#sizes.push(r.sizeBytes);
        this.#newest = t;
      } else {
        // Late but within the window: kept in order so that eviction stays a pointer move.
        let i = this.#times.length;
        while (i > this.#head && this.#times[i - 1]! > t) i--;
        this.#times.splice(i, 0, t);
        this.#sizes.splice(i, 0, r.sizeBytes);
      }
      this.#bytes += r.sizeBytes;
    }
    this.#evict();
  }

  /** Bits per second over the window, or undefined while less than one window has been seen. */
  get bitrate(): number | undefined {
    if (this.#first === undefined || this.#newest - this.#first < this.#windowMs) return undefined;
    return (this.#bytes * 8 * 1000) / this.#windowMs;
  }

  reset(): void {
    this.#times = [];
    this.#sizes = [];
    this.#head = 0;
    this.#bytes = 0;
    this.#first = undefined;
    this.#newest = -Infinity;
  }

  #evict(): void {
    const oldest = this.#newest - this.#windowMs;
    while (this.#head < this.#times.length && this.#times[this.#head]! <= oldest) {
      this.#bytes -= this.#sizes[this.#head]!;
      this.#head++;
    }
    // Compact now and then so the arrays stay as long as the window.
    if (this.#head > 1024 && this.#head * 2 > this.#times.length) {
      this.#times = this.#times.slice(this.#head);
      this.#sizes = this.#sizes.slice(this.#head);
      this.#head = 0;
    }
  }
}
