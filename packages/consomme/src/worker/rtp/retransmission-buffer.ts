/**
 * Sender-side store of recently sent RTP packets, so that Generic NACKs
 * (RFC 4585 §6.2.1, https://www.rfc-editor.org/rfc/rfc4585#section-6.2.1)
 * can be answered by resending them (as-is or wrapped in RTX, RFC 4588).
 *
 * The window is a range of extended sequence numbers [oldest, newest] backed
 * by a power-of-two ring indexed by `ext & mask`: lookups are O(1), storing
 * allocates nothing once a slot exists, and a NACK for a sequence number that
 * was never stored or has been overwritten can never alias a newer packet.
 */
import { extendSeq, toSeq16 } from '../../wire/rtp/seq.js';

export interface RetransmissionBufferOptions {
  /** Most packets kept. Default 2500 (≈ 1–2 s of high-bitrate video). */
  readonly maxPackets?: number;
  /** Oldest packet kept, by send time. Default 2000 ms (use ~1000 for audio). */
  readonly maxAgeMs?: number;
  /** Initial round-trip estimate for the resend throttle. Default 100 ms. */
  readonly rttMs?: number;
  /** The same packet is not resent again within max(rtt / 2, this). Default 10 ms. */
  readonly minResendIntervalMs?: number;
}

/**
 * How long a consumer answers NACKs, by kind (ms): late audio is useless
 * sooner than a video frame a decoder waits for.
 */
export const RESEND_WINDOW_MS = { audio: 1000, video: 2000 } as const;

/** A stored packet. The buffer owns the object: read it, don't keep it. */
export interface RetransmissionItem {
  readonly seq: number;
  readonly timestamp: number;
  readonly sentAtMs: number;
  /** The caller's own copy, handed over at `store` time. */
  readonly packet: Buffer;
  /** How many times `takeForResend` handed it out. */
  readonly resendCount: number;
  /** When it was last handed out for resend, or undefined. */
  readonly lastResentAtMs: number | undefined;
}

function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** Ring positions a new buffer starts with (an audio stream's window fits). */
const INITIAL_CAPACITY = 64;
/** Slab stride granularity: strides are whole multiples of this many bytes. */
const STRIDE_STEP = 64;
/** Bytes of the per-position arrays: three Float64, three Uint32, one Uint8. */
const BYTES_PER_POSITION = 3 * 8 + 3 * 4 + 1;

/** What `get` and `takeForResend` hand out: one object per buffer, rewritten on each call. */
class Item implements RetransmissionItem {
  seq = 0;
  timestamp = 0;
  sentAtMs = 0;
  packet: Buffer = Buffer.alloc(0);
  resendCount = 0;
  lastResentAtMs: number | undefined = undefined;
}

/**
 * Memory layout: one typed array per field and one byte slab of
 * `capacity × stride` for the packets, where slot i's bytes are at
 * `i × stride`. A per-packet object (and the boxed numbers in it) cost
 * about 150 bytes each and, with a ring sized for the maximum, some 600 KiB
 * per consumer once a stream had run through all its positions; typed arrays
 * cost 37 bytes a position and are not traced by the garbage collector.
 * Capacity starts small and doubles only when packets younger than maxAgeMs
 * would otherwise not fit; the stride grows to the largest packet seen
 * (audio packets are about 100 bytes, video ones about an MTU).
 */
export class RetransmissionBuffer {
  readonly #maxPackets: number;
  readonly #maxAgeMs: number;
  readonly #minResendIntervalMs: number;
  /** Largest capacity: the count window rounded up to a power of two. */
  readonly #maxCapacity: number;
  readonly #item = new Item();
  #capacity = 0;
  #mask = 0;
  #stride = 0;
  #ext = new Float64Array(0);
  #timestamp = new Uint32Array(0);
  #sentAt = new Float64Array(0);
  /** NaN when never resent. */
  #lastResentAt = new Float64Array(0);
  #resendCount = new Uint32Array(0);
  #length = new Uint32Array(0);
  #held = new Uint8Array(0);
  #slab = Buffer.alloc(0);
  #rttMs: number;
  #oldest = 0;
  #newest = -1;
  #started = false;
  #count = 0;

  constructor(options: RetransmissionBufferOptions = {}) {
    this.#maxPackets = Math.max(1, Math.floor(options.maxPackets ?? 2500));
    this.#maxAgeMs = options.maxAgeMs ?? 2000;
    this.#rttMs = options.rttMs ?? 100;
    this.#minResendIntervalMs = options.minResendIntervalMs ?? 10;
    this.#maxCapacity = nextPowerOfTwo(this.#maxPackets);
  }

  setRtt(rttMs: number): void {
    if (rttMs > 0 && Number.isFinite(rttMs)) this.#rttMs = rttMs;
  }

  /** Number of packets currently held. */
  get size(): number {
    return this.#count;
  }

  /** Bytes the buffer holds on to (slab and per-position arrays), for tests and dumps. */
  get memoryBytes(): number {
    return this.#slab.length + this.#capacity * BYTES_PER_POSITION;
  }

  /**
   * Keeps a copy of `packet` for later resends. Packets older than the
   * window are ignored; a packet re-stored under the same sequence number
   * replaces the previous one.
   */
  store(seq: number, timestamp: number, sentAtMs: number, packet: Buffer): void {
    this.storeCopy(seq, timestamp, sentAtMs, packet, packet.length);
  }

  /**
   * Copies `src[0, length)` into the buffer's own memory: the caller may
   * reuse `src` at once. Nothing is allocated per packet once the slab has
   * grown to the stream's rate and packet size.
   */
  storeCopy(seq: number, timestamp: number, sentAtMs: number, src: Buffer, length: number): void {
    const index = this.#place(seq, timestamp, sentAtMs, length);
    if (index < 0) return;
    src.copy(this.#slab, index * this.#stride, 0, length);
    this.#length[index] = length;
    this.#evictExpired(sentAtMs);
  }

  /** Finds and fills the position for `seq`; -1 when the packet is too old to keep. */
  #place(seq: number, timestamp: number, sentAtMs: number, length: number): number {
    let ext: number;
    if (!this.#started) {
      this.#started = true;
      ext = seq & 0xffff;
      this.#oldest = ext;
      this.#newest = ext;
    } else {
      ext = extendSeq(seq, this.#newest);
      if (ext > this.#newest) {
        if (ext - this.#newest >= this.#maxPackets) {
          // Everything held is outside the count window now.
          this.#reset();
          this.#started = true;
          this.#oldest = ext;
        }
        this.#newest = ext;
        this.#evictBefore(ext - this.#maxPackets + 1);
      } else if (ext < this.#oldest) {
        if (this.#newest - ext >= this.#maxPackets) return -1;
        // Late insert inside the count window: widen the window downwards.
        this.#oldest = ext;
      }
    }
    if (this.#newest - this.#oldest >= this.#capacity) {
      this.#evictExpired(sentAtMs);
      // A late insert is not live yet, so the walk above may have passed it.
      if (ext < this.#oldest) this.#oldest = ext;
      if (this.#newest - this.#oldest >= this.#capacity) this.#grow(nextPowerOfTwo(this.#newest - this.#oldest + 1), this.#stride);
    }
    if (length > this.#stride) this.#grow(this.#capacity, Math.ceil(length / STRIDE_STEP) * STRIDE_STEP);
    const index = ext & this.#mask;
    if (this.#held[index] === 0) this.#count++;
    this.#held[index] = 1;
    this.#ext[index] = ext;
    this.#timestamp[index] = timestamp >>> 0;
    this.#sentAt[index] = sentAtMs;
    this.#resendCount[index] = 0;
    this.#lastResentAt[index] = NaN;
    return index;
  }

  /**
   * Moves what is held into arrays of `capacity` positions and a slab of
   * that many `stride`-byte packets. The held range [oldest, newest] spans
   * fewer than `capacity` positions, so positions stay unique.
   */
  #grow(capacity: number, stride: number): void {
    capacity = Math.max(capacity, Math.min(INITIAL_CAPACITY, this.#maxCapacity));
    const mask = capacity - 1;
    const ext = new Float64Array(capacity);
    const timestamp = new Uint32Array(capacity);
    const sentAt = new Float64Array(capacity);
    const lastResentAt = new Float64Array(capacity);
    const resendCount = new Uint32Array(capacity);
    const length = new Uint32Array(capacity);
    const held = new Uint8Array(capacity);
    const slab = Buffer.allocUnsafeSlow(capacity * stride);
    if (this.#count > 0) {
      for (let e = this.#oldest; e <= this.#newest; e++) {
        const from = e & this.#mask;
        if (this.#held[from] === 0 || this.#ext[from] !== e) continue;
        const to = e & mask;
        held[to] = 1;
        ext[to] = e;
        timestamp[to] = this.#timestamp[from]!;
        sentAt[to] = this.#sentAt[from]!;
        lastResentAt[to] = this.#lastResentAt[from]!;
        resendCount[to] = this.#resendCount[from]!;
        length[to] = this.#length[from]!;
        this.#slab.copy(slab, to * stride, from * this.#stride, from * this.#stride + this.#length[from]!);
      }
    }
    this.#capacity = capacity;
    this.#mask = mask;
    this.#stride = stride;
    this.#ext = ext;
    this.#timestamp = timestamp;
    this.#sentAt = sentAt;
    this.#lastResentAt = lastResentAt;
    this.#resendCount = resendCount;
    this.#length = length;
    this.#held = held;
    this.#slab = slab;
  }

  /** Index of the held, unexpired packet `seq`, or -1. */
  #find(seq: number, nowMs: number): number {
    if (!this.#started || this.#count === 0) return -1;
    const ext = extendSeq(seq, this.#newest);
    if (ext < this.#oldest || ext > this.#newest) return -1;
    const index = ext & this.#mask;
    if (this.#held[index] === 0 || this.#ext[index] !== ext) return -1;
    if (nowMs - this.#sentAt[index]! > this.#maxAgeMs) return -1;
    return index;
  }

  #fill(index: number): RetransmissionItem {
    const item = this.#item;
    const offset = index * this.#stride;
    item.seq = toSeq16(this.#ext[index]!);
    item.timestamp = this.#timestamp[index]!;
    item.sentAtMs = this.#sentAt[index]!;
    item.packet = this.#slab.subarray(offset, offset + this.#length[index]!);
    item.resendCount = this.#resendCount[index]!;
    const last = this.#lastResentAt[index]!;
    item.lastResentAtMs = Number.isNaN(last) ? undefined : last;
    return item;
  }

  /**
   * The stored packet for `seq`, if still held and not older than maxAgeMs.
   * The item and its packet view are valid until the next call on this buffer.
   */
  get(seq: number, nowMs: number): RetransmissionItem | undefined {
    const index = this.#find(seq, nowMs);
    return index < 0 ? undefined : this.#fill(index);
  }

  /**
   * Like `get`, but answers a NACK: returns undefined when the same packet
   * was already resent within max(rtt / 2, minResendIntervalMs), so that a
   * burst of duplicate NACKs (or one NACK racing our previous resend) does
   * not multiply traffic. Records the resend when it returns an item.
   */
  takeForResend(seq: number, nowMs: number): RetransmissionItem | undefined {
    const index = this.#find(seq, nowMs);
    if (index < 0) return undefined;
    const interval = Math.max(this.#rttMs / 2, this.#minResendIntervalMs);
    const last = this.#lastResentAt[index]!;
    if (!Number.isNaN(last) && nowMs - last < interval) return undefined;
    this.#lastResentAt[index] = nowMs;
    this.#resendCount[index]!++;
    return this.#fill(index);
  }

  /** Drops every packet (e.g. on SSRC change or close) and gives back the memory. */
  clear(): void {
    this.#reset();
    this.#capacity = 0;
    this.#mask = 0;
    this.#stride = 0;
    this.#ext = new Float64Array(0);
    this.#timestamp = new Uint32Array(0);
    this.#sentAt = new Float64Array(0);
    this.#lastResentAt = new Float64Array(0);
    this.#resendCount = new Uint32Array(0);
    this.#length = new Uint32Array(0);
    this.#held = new Uint8Array(0);
    this.#slab = Buffer.alloc(0);
    this.#item.packet = Buffer.alloc(0);
  }

  /** Forgets every packet, keeping the memory. */
  #reset(): void {
    this.#held.fill(0);
    this.#count = 0;
    this.#started = false;
    this.#oldest = 0;
    this.#newest = -1;
  }

  #evictBefore(limit: number): void {
    if (limit <= this.#oldest) return;
    if (limit - this.#oldest > this.#capacity) {
      // Faster than walking a long gap; nothing below limit may stay.
      for (let i = 0; i < this.#capacity; i++) if (this.#held[i] === 1 && this.#ext[i]! < limit) this.#release(i);
    } else {
      for (let ext = this.#oldest; ext < limit; ext++) {
        const index = ext & this.#mask;
        if (this.#ext[index] === ext) this.#release(index);
      }
    }
    this.#oldest = limit;
  }

  #evictExpired(nowMs: number): void {
    while (this.#oldest < this.#newest) {
      const index = this.#oldest & this.#mask;
      const live = this.#held[index] === 1 && this.#ext[index] === this.#oldest;
      if (live && nowMs - this.#sentAt[index]! <= this.#maxAgeMs) return;
      if (live) this.#release(index);
      this.#oldest++;
    }
  }

  #release(index: number): void {
    if (this.#held[index] === 0) return;
    this.#held[index] = 0;
    this.#count--;
  }
}
