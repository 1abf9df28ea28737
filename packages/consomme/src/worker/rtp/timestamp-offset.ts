/**
 * Per-consumer rewrite of RTP timestamps (RFC 3550 §5.1,
 * https://www.rfc-editor.org/rfc/rfc3550#section-5.1): output = input +
 * offset (mod 2^32). The offset only changes on `sync`, when forwarding
 * resumes after a pause or switches to another source stream whose
 * timestamps are unrelated: the output then jumps forward by the wall-clock
 * time that passed since the last forwarded packet, converted to the clock
 * rate, so the receiver's jitter buffer and A/V sync see real elapsed time.
 */
import { isTimestampNewer, toTs32, timestampAdd } from '../../wire/rtp/seq.js';

export class TimestampOffset {
  readonly #clockRate: number;
  #offset: number;
  #started = false;
  #lastOutput = 0;
  #lastOutputAtMs = 0;
  #pendingSync = false;

  /** `initialOffset` lets the caller randomise output timestamps (RFC 3550 §5.1). */
  constructor(clockRate: number, initialOffset = 0) {
    this.#clockRate = clockRate;
    this.#offset = toTs32(initialOffset);
  }

  /** Current offset added to input timestamps (32-bit). */
  get offset(): number {
    return this.#offset;
  }

  /** Highest output timestamp produced so far, or undefined before the first `map`. */
  get lastOutputTimestamp(): number | undefined {
    return this.#started ? this.#lastOutput : undefined;
  }

  /**
   * Re-anchors before forwarding `inputTimestamp` at `nowMs`: it will come
   * out as last output + elapsed wall-clock time (at least 1 tick, because it
   * is a new frame and must not share the previous frame's timestamp).
   * Before any output, the current offset is kept.
   */
  sync(inputTimestamp: number, nowMs: number): void {
    if (!this.#started) return;
    const elapsedTicks = Math.max(1, Math.round(((nowMs - this.#lastOutputAtMs) * this.#clockRate) / 1000));
    const target = timestampAdd(this.#lastOutput, elapsedTicks);
    this.#offset = toTs32(target - inputTimestamp);
    this.#pendingSync = true;
  }

  /** Output timestamp for a forwarded packet; remembers the newest output and when it was sent. */
  map(inputTimestamp: number, nowMs: number): number {
    const out = toTs32(inputTimestamp + this.#offset);
    if (!this.#started || this.#pendingSync || isTimestampNewer(out, this.#lastOutput)) {
      this.#started = true;
      this.#pendingSync = false;
      this.#lastOutput = out;
      this.#lastOutputAtMs = nowMs;
    }
    return out;
  }
}
