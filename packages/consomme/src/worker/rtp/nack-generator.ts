/**
 * Receiver-side loss detection that drives Generic NACK (RFC 4585 §6.2.1,
 * https://www.rfc-editor.org/rfc/rfc4585#section-6.2.1).
 *
 * Pure decision code: the caller feeds every received sequence number with
 * its arrival time, and calls `onTimer` periodically (see `nextTimerAt`). It
 * gets back plain arrays of 16-bit sequence numbers to put in NACK FCI
 * entries, and a flag saying a key frame must be requested (PLI/FIR) because
 * some loss can no longer be repaired.
 */
import { SeqUnwrapper, toSeq16 } from '../../wire/rtp/seq.js';

export interface NackGeneratorOptions {
  /** Initial round-trip estimate; re-NACKs are spaced this far apart. Default 100 ms. */
  readonly rttMs?: number;
  /** How many NACKs one packet gets before it is given up on. Default 10. */
  readonly maxRetries?: number;
  /** Cap on the missing list; past it, loss is handled with a key frame. Default 1000. */
  readonly maxMissing?: number;
  /** Missing packets further than this behind the newest are abandoned. Default 10000. */
  readonly maxPacketAge?: number;
  /**
   * Hold a freshly detected gap this long before the first NACK, to absorb
   * reordering. 0 (default) NACKs from `onPacket` immediately.
   */
  readonly initialDelayMs?: number;
  /** Floor for the re-NACK spacing, however small the RTT gets. Default 10 ms. */
  readonly minRetryIntervalMs?: number;
}

export interface NackDecision {
  /** 16-bit sequence numbers to NACK now, oldest first. Often empty. */
  readonly nack: readonly number[];
  /** Some loss cannot be repaired any more: request a key frame. */
  readonly keyFrameNeeded: boolean;
  /** The packet just fed filled a hole that was on the missing list. */
  readonly recovered: boolean;
}

interface MissingEntry {
  readonly ext: number;
  retries: number;
  nextAt: number;
}

const EMPTY: readonly number[] = Object.freeze([]);
const NOTHING: NackDecision = Object.freeze({ nack: EMPTY, keyFrameNeeded: false, recovered: false });
const RECOVERED: NackDecision = Object.freeze({ nack: EMPTY, keyFrameNeeded: false, recovered: true });

export class NackGenerator {
  readonly #maxRetries: number;
  readonly #maxMissing: number;
  readonly #maxPacketAge: number;
  readonly #initialDelayMs: number;
  readonly #minRetryIntervalMs: number;
  #rttMs: number;

  readonly #unwrapper = new SeqUnwrapper();
  // Keyed by extended seq. Gaps are only ever appended above the highest
  // packet, so insertion order is ascending order: the oldest is first.
  readonly #missing = new Map<number, MissingEntry>();
  #highest: number | undefined = undefined;
  // Extended seq of the first packet of the newest key frame: anything missing
  // before it is no longer needed by the decoder.
  #keyFrameStart: number | undefined = undefined;
  #lastWasKeyFrame = false;

  constructor(options: NackGeneratorOptions = {}) {
    this.#rttMs = options.rttMs ?? 100;
    this.#maxRetries = options.maxRetries ?? 10;
    this.#maxMissing = options.maxMissing ?? 1000;
    this.#maxPacketAge = options.maxPacketAge ?? 10000;
    this.#initialDelayMs = options.initialDelayMs ?? 0;
    this.#minRetryIntervalMs = options.minRetryIntervalMs ?? 10;
  }

  /** Updates the round-trip estimate used to space re-NACKs. */
  setRtt(rttMs: number): void {
    if (rttMs > 0 && Number.isFinite(rttMs)) this.#rttMs = rttMs;
  }

  get rttMs(): number {
    return this.#rttMs;
  }

  /** Number of packets currently awaited. */
  get missingCount(): number {
    return this.#missing.size;
  }

  /** 16-bit sequence numbers currently awaited, oldest first (for tests and stats). */
  missingSeqs(): number[] {
    const out: number[] = [];
    for (const ext of this.#missing.keys()) out.push(toSeq16(ext));
    return out;
  }

  /** Earliest time `onTimer` has something to do, or undefined when nothing is missing. */
  nextTimerAt(): number | undefined {
    let next: number | undefined;
    for (const e of this.#missing.values()) if (next === undefined || e.nextAt < next) next = e.nextAt;
    return next;
  }

  /** Feeds one received packet (original or retransmitted). */
  onPacket(seq: number, isKeyFrame: boolean, nowMs: number): NackDecision {
    const ext = this.#unwrapper.unwrap(seq);
    const highest = this.#highest;
    if (highest === undefined) {
      this.#highest = ext;
      if (isKeyFrame) this.#keyFrameStart = ext;
      this.#lastWasKeyFrame = isKeyFrame;
      return NOTHING;
    }

    if (ext <= highest) return this.#onLatePacket(ext, isKeyFrame);

    const gap = ext - highest - 1;
    this.#highest = ext;
    if (isKeyFrame) {
      // Consecutive key-frame packets belong to the same frame: keep its start.
      if (!(this.#lastWasKeyFrame && gap === 0)) this.#keyFrameStart = ext;
    }
    this.#lastWasKeyFrame = isKeyFrame;

    let keyFrameNeeded = false;
    if (gap > 0) {
      if (gap > this.#maxPacketAge || gap > this.#maxMissing) {
        // Too much to repair one by one; only a key frame helps, unless this is one.
        this.#missing.clear();
        return isKeyFrame ? NOTHING : this.#decision(EMPTY, true);
      }
      if (this.#missing.size + gap > this.#maxMissing) {
        this.#dropBefore(this.#keyFrameStart ?? -Infinity);
        if (this.#missing.size + gap > this.#maxMissing) keyFrameNeeded = this.#clearAll();
      }
    }
    if (this.#dropOlderThan(ext - this.#maxPacketAge)) keyFrameNeeded = true;
    if (gap === 0) return keyFrameNeeded ? this.#decision(EMPTY, true) : NOTHING;

    const immediate = this.#initialDelayMs <= 0;
    const nextAt = immediate ? nowMs + this.#retryIntervalMs() : nowMs + this.#initialDelayMs;
    const nack: number[] = immediate ? new Array<number>(gap) : [];
    for (let i = 0; i < gap; i++) {
      const missingExt = highest + 1 + i;
      this.#missing.set(missingExt, { ext: missingExt, retries: immediate ? 1 : 0, nextAt });
      if (immediate) nack[i] = toSeq16(missingExt);
    }
    return this.#decision(nack.length > 0 ? nack : EMPTY, keyFrameNeeded);
  }

  /**
   * Re-NACKs what is still missing and due, and gives up on packets that
   * exhausted their retries.
   */
  onTimer(nowMs: number): NackDecision {
    if (this.#missing.size === 0) return NOTHING;
    let nack: number[] | undefined;
    let keyFrameNeeded = false;
    const interval = this.#retryIntervalMs();
    for (const [ext, e] of this.#missing) {
      if (e.nextAt > nowMs) continue;
      if (e.retries >= this.#maxRetries) {
        this.#missing.delete(ext);
        if (!this.#isSuperseded(ext)) keyFrameNeeded = true;
        continue;
      }
      e.retries++;
      e.nextAt = nowMs + interval;
      (nack ??= []).push(toSeq16(ext));
    }
    if (nack === undefined && !keyFrameNeeded) return NOTHING;
    return this.#decision(nack ?? EMPTY, keyFrameNeeded);
  }

  /** Forgets everything (e.g. on SSRC change). */
  reset(): void {
    this.#unwrapper.reset();
    this.#missing.clear();
    this.#highest = undefined;
    this.#keyFrameStart = undefined;
    this.#lastWasKeyFrame = false;
  }

  #onLatePacket(ext: number, isKeyFrame: boolean): NackDecision {
    if (!this.#missing.delete(ext)) return NOTHING;
    // A repaired packet that starts a key frame earlier than we thought: moving
    // the start back only makes fewer entries look superseded, never more.
    if (isKeyFrame && this.#keyFrameStart !== undefined && ext < this.#keyFrameStart) this.#keyFrameStart = ext;
    return RECOVERED;
  }

  #retryIntervalMs(): number {
    return Math.max(this.#rttMs, this.#minRetryIntervalMs);
  }

  #isSuperseded(ext: number): boolean {
    return this.#keyFrameStart !== undefined && ext < this.#keyFrameStart;
  }

  /** Removes entries before `limit`; they are covered by a later key frame. */
  #dropBefore(limit: number): void {
    for (const ext of this.#missing.keys()) {
      if (ext >= limit) break;
      this.#missing.delete(ext);
    }
  }

  /** Abandons entries older than `limit`; true if any still mattered to the decoder. */
  #dropOlderThan(limit: number): boolean {
    let needed = false;
    for (const ext of this.#missing.keys()) {
      if (ext >= limit) break;
      this.#missing.delete(ext);
      if (!this.#isSuperseded(ext)) needed = true;
    }
    return needed;
  }

  /** Abandons everything; true if any entry still mattered to the decoder. */
  #clearAll(): boolean {
    let needed = false;
    for (const ext of this.#missing.keys()) if (!this.#isSuperseded(ext)) needed = true;
    this.#missing.clear();
    return needed;
  }

  #decision(nack: readonly number[], keyFrameNeeded: boolean): NackDecision {
    if (nack.length === 0 && !keyFrameNeeded) return NOTHING;
    return { nack, keyFrameNeeded, recovered: false };
  }
}
