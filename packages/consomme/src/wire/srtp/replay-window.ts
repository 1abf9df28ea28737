/**
 * Replay list of RFC 3711 §3.3.2 (https://www.rfc-editor.org/rfc/rfc3711#section-3.3.2):
 * the highest authenticated index plus a bitmap of which of the `size` indices
 * at and below it were received. The bitmap is circular (bit for index i at
 * i mod size), so advancing clears only the slots that are skipped and never
 * shifts the whole map.
 *
 *        too old       |<------------- size ------------->|  new
 *   ...----------------+----------------------------------+----------->
 *                      highest - size + 1           highest
 */
export class ReplayWindow {
  readonly #size: number;
  readonly #bits: Uint32Array;
  #highest: number;

  /** `size` is a power of two, at least 64; `first` is the first authenticated index. */
  constructor(size: number, first: number) {
    this.#size = size;
    this.#bits = new Uint32Array(size >>> 5);
    this.#highest = first;
    this.#set(first);
  }

  get highest(): number {
    return this.#highest;
  }

  /** Whether `index` is new: ahead of the window, or inside it and not seen yet. */
  isFresh(index: number): boolean {
    if (index > this.#highest) return true;
    if (index < 0 || this.#highest - index >= this.#size) return false;
    const slot = index % this.#size;
    return (this.#bits[slot >>> 5]! & (1 << (slot & 31))) === 0;
  }

  /** Records an authenticated index; only call after `isFresh` said yes. */
  accept(index: number): void {
    const h = this.#highest;
    if (index > h) {
      if (index - h >= this.#size) this.#bits.fill(0);
      else for (let i = h + 1; i < index; i++) this.#clear(i);
      this.#highest = index;
    }
    this.#set(index);
  }

  #set(index: number): void {
    const slot = index % this.#size;
    const bits = this.#bits;
    bits[slot >>> 5] = bits[slot >>> 5]! | (1 << (slot & 31));
  }

  #clear(index: number): void {
    const slot = index % this.#size;
    const bits = this.#bits;
    bits[slot >>> 5] = bits[slot >>> 5]! & ~(1 << (slot & 31));
  }
}

/**
 * RFC 3711 §3.3.1 / Appendix A: the packet index a sequence number most likely
 * belongs to, given the highest index so far (ROC = highest >> 16,
 * s_l = highest & 0xffff). Negative when it would precede index 0.
 */
export function estimateIndex(highest: number, seq: number): number {
  const sl = highest % 65536;
  const roc = (highest - sl) / 65536;
  let v = roc;
  if (sl < 32768) {
    if (seq - sl > 32768) v = roc - 1;
  } else if (sl - 32768 > seq) {
    v = roc + 1;
  }
  return v * 65536 + seq;
}
