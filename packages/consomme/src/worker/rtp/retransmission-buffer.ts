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

/**
 * One ring position. The packet view over owned memory is made only when read
 * (a resend is rare): making it at store time would leave one live object per
 * packet and consumer for the whole window, which the young-generation GC must
 * copy and promote.
 */
class Slot {
  ext: number;
  held = false;
  seq = 0;
  timestamp = 0;
  sentAtMs = 0;
  resendCount = 0;
  lastResentAtMs: number | undefined = undefined;
  /** Memory owned by the buffer (storeCopy), recycled through the pool. */
  memory: Buffer | undefined = undefined;
  /** Bytes of `memory` in use, or -1 when `view` is the caller's own packet (store). */
  length = -1;
  /** The caller's packet, or the lazily made view of memory[0, length). */
  view: Buffer | undefined = undefined;

  constructor(ext: number) {
    this.ext = ext;
  }

  get packet(): Buffer {
    if (this.view === undefined) this.view = this.memory!.subarray(0, this.length);
    return this.view;
  }
}

function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** Size of pooled packet memory: an MTU-sized RTP packet and then some. */
const POOLED_SIZE = 1600;
/** Pooled buffers kept for reuse beyond those in use. */
const MAX_POOL = 256;

export class RetransmissionBuffer {
  readonly #pool: Buffer[] = [];
  readonly #maxPackets: number;
  readonly #maxAgeMs: number;
  readonly #minResendIntervalMs: number;
  readonly #mask: number;
  // Slots are created on first use and then recycled, so an idle or
  // low-rate stream never pays for the full capacity.
  readonly #slots: (Slot | undefined)[];
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
    const capacity = nextPowerOfTwo(this.#maxPackets);
    this.#mask = capacity - 1;
    this.#slots = new Array<Slot | undefined>(capacity);
  }

  setRtt(rttMs: number): void {
    if (rttMs > 0 && Number.isFinite(rttMs)) this.#rttMs = rttMs;
  }

  /** Number of packets currently held. */
  get size(): number {
    return this.#count;
  }

  /**
   * Keeps `packet` (already a private copy) for later resends. Packets older
   * than the window are ignored; a packet re-stored under the same sequence
   * number replaces the previous one.
   */
  store(seq: number, timestamp: number, sentAtMs: number, packet: Buffer): void {
    const slot = this.#place(seq, timestamp, sentAtMs);
    if (slot === undefined) return;
    this.#recycle(slot);
    slot.view = packet;
    slot.length = -1;
    this.#evictExpired(sentAtMs);
  }

  /**
   * Like `store`, but copies `src[0, length)` into memory the buffer owns and
   * recycles: on the forwarding path this saves one allocation per packet and
   * consumer (and the garbage collection that follows).
   */
  storeCopy(seq: number, timestamp: number, sentAtMs: number, src: Buffer, length: number): void {
    const slot = this.#place(seq, timestamp, sentAtMs);
    if (slot === undefined) return;
    let memory = slot.memory;
    if (memory === undefined || memory.length < length) {
      this.#recycle(slot);
      memory = (length <= POOLED_SIZE ? this.#pool.pop() : undefined) ?? Buffer.allocUnsafeSlow(Math.max(length, POOLED_SIZE));
      slot.memory = memory;
    }
    src.copy(memory, 0, 0, length);
    slot.length = length;
    slot.view = undefined;
    this.#evictExpired(sentAtMs);
  }

  /** Finds and fills the slot for `seq`; undefined when the packet is too old to keep. */
  #place(seq: number, timestamp: number, sentAtMs: number): Slot | undefined {
    let ext: number;
    if (!this.#started) {
      this.#started = true;
      ext = seq & 0xffff;
      this.#oldest = ext;
      this.#newest = ext;
    } else {
      ext = extendSeq(seq, this.#newest);
      if (ext > this.#newest) {
        if (ext - this.#newest > this.#mask) {
          this.clear();
          this.#started = true;
          this.#oldest = ext;
        }
        this.#newest = ext;
        this.#evictBefore(ext - this.#maxPackets + 1);
      } else if (ext < this.#oldest) {
        if (this.#newest - ext >= this.#maxPackets) return undefined;
        // Late insert inside the count window: widen the window downwards.
        this.#oldest = ext;
      }
    }
    const index = ext & this.#mask;
    let slot = this.#slots[index];
    if (slot === undefined) {
      slot = new Slot(ext);
      this.#slots[index] = slot;
    }
    if (!slot.held) this.#count++;
    else if (slot.ext !== ext) this.#recycle(slot);
    slot.held = true;
    slot.ext = ext;
    slot.seq = toSeq16(ext);
    slot.timestamp = timestamp >>> 0;
    slot.sentAtMs = sentAtMs;
    slot.resendCount = 0;
    slot.lastResentAtMs = undefined;
    return slot;
  }

  /** Gives the slot's owned memory back to the pool. */
  #recycle(slot: Slot): void {
    slot.view = undefined;
    if (slot.memory !== undefined) {
      if (slot.memory.length === POOLED_SIZE && this.#pool.length < MAX_POOL) this.#pool.push(slot.memory);
      slot.memory = undefined;
    }
  }

  /** The stored packet for `seq`, if still held and not older than maxAgeMs. */
  get(seq: number, nowMs: number): RetransmissionItem | undefined {
    if (!this.#started) return undefined;
    const ext = extendSeq(seq, this.#newest);
    if (ext < this.#oldest || ext > this.#newest) return undefined;
    const slot = this.#slots[ext & this.#mask];
    if (slot === undefined || !slot.held || slot.ext !== ext) return undefined;
    if (nowMs - slot.sentAtMs > this.#maxAgeMs) return undefined;
    return slot as RetransmissionItem;
  }

  /**
   * Like `get`, but answers a NACK: returns undefined when the same packet
   * was already resent within max(rtt / 2, minResendIntervalMs), so that a
   * burst of duplicate NACKs (or one NACK racing our previous resend) does
   * not multiply traffic. Records the resend when it returns an item.
   */
  takeForResend(seq: number, nowMs: number): RetransmissionItem | undefined {
    const item = this.get(seq, nowMs);
    if (item === undefined) return undefined;
    const slot = item as Slot;
    const interval = Math.max(this.#rttMs / 2, this.#minResendIntervalMs);
    if (slot.lastResentAtMs !== undefined && nowMs - slot.lastResentAtMs < interval) return undefined;
    slot.lastResentAtMs = nowMs;
    slot.resendCount++;
    return item;
  }

  /** Drops every packet (e.g. on SSRC change or close). */
  clear(): void {
    for (const slot of this.#slots) {
      if (slot === undefined) continue;
      slot.held = false;
      this.#recycle(slot);
    }
    this.#count = 0;
    this.#started = false;
    this.#oldest = 0;
    this.#newest = -1;
  }

  #evictBefore(limit: number): void {
    if (limit <= this.#oldest) return;
    // The jump guard in `store` keeps this loop within one lap of the ring.
    for (let ext = this.#oldest; ext < limit; ext++) this.#release(ext);
    this.#oldest = limit;
  }

  #evictExpired(nowMs: number): void {
    while (this.#oldest < this.#newest) {
      const slot = this.#slots[this.#oldest & this.#mask];
      if (slot !== undefined && slot.held && slot.ext === this.#oldest && nowMs - slot.sentAtMs <= this.#maxAgeMs) return;
      this.#release(this.#oldest);
      this.#oldest++;
    }
  }

  #release(ext: number): void {
    const slot = this.#slots[ext & this.#mask];
    if (slot !== undefined && slot.ext === ext && slot.held) {
      slot.held = false;
      this.#recycle(slot);
      this.#count--;
    }
  }
}
