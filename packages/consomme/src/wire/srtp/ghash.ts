/**
 * GHASH, the universal hash of GCM (NIST SP 800-38D §6.4,
 * https://nvlpubs.nist.gov/nistpubs/Legacy/SP/nistspecialpublication800-38d.pdf).
 *
 *   Y_0 = 0,  Y_i = (Y_{i-1} ^ X_i) · H   in GF(2^128) / x^128 + x^7 + x^2 + x + 1
 *
 * Bit order is GCM's: bit 0 (coefficient of x^0) is the most significant bit
 * of byte 0. Blocks are consumed as four host-endian 32-bit words read from an
 * aligned Int32Array, so no byte is assembled or swapped per block:
 *
 *   +---------------+---------------+----------------+-----------------+
 *   | w0 bytes 0..3 | w1 bytes 4..7 | w2 bytes 8..11 | w3 bytes 12..15 |
 *   +---------------+---------------+----------------+-----------------+
 *
 * XOR does not care about byte order, so the state Y and every table entry use
 * that same host layout:
 * - GhashShoup8 (little-endian hosts): Horner over bytes with one 256-entry
 *   table per key (4 KiB) and a shared reduction table. Used for SRTP and SRTCP.
 * - GhashCompact (any host): X·H as a XOR of per-position lookups (linearity),
 *   one 16-entry table per nibble position, 32 lookups per block (8 KiB per key).
 *   Which byte a shift of a host word exposes depends on host endianness; that
 *   is settled once when its tables are built, not per block.
 */

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * REDUCE[r]: byte r shifted out of position 15 by Z·x^8, folded back with
 * x^128 = x^7 + x^2 + x + 1, as the host little-endian word of bytes 0–3
 * (only bytes 0 and 1 can be non-zero). The bit of r worth x^(120+k) is
 * bit 7 − k, and x^k·(x^7 + x^2 + x + 1) is 0xE100 shifted right by k.
 */
const REDUCE = new Int32Array(256);
for (let r = 0; r < 256; r++) {
  let v = 0;
  for (let k = 0; k < 8; k++) if ((r >> (7 - k)) & 1) v ^= 0xe100 >>> k;
  REDUCE[r] = (v >>> 8) | ((v & 0xff) << 8);
}

/** The fastest GHASH for this host: GhashShoup8 on little-endian hosts, GhashCompact otherwise. */
export function createGhash(h: Uint8Array): Ghash {
  return LITTLE_ENDIAN ? new GhashShoup8(h) : new GhashCompact(h);
}

export abstract class Ghash {
  protected y0 = 0;
  protected y1 = 0;
  protected y2 = 0;
  protected y3 = 0;

  reset(): void {
    this.y0 = this.y1 = this.y2 = this.y3 = 0;
  }

  /** Writes Y ^ mask[maskAt..+4) (host-endian words) to out[outAt..+4). */
  digest(mask: Int32Array, maskAt: number, out: Int32Array, outAt: number): void {
    out[outAt] = this.y0 ^ mask[maskAt]!;
    out[outAt + 1] = this.y1 ^ mask[maskAt + 1]!;
    out[outAt + 2] = this.y2 ^ mask[maskAt + 2]!;
    out[outAt + 3] = this.y3 ^ mask[maskAt + 3]!;
  }

  /** Absorbs whole blocks held in d[start..end) (word indices, a multiple of 4 apart). */
  abstract absorb(d: Int32Array, start: number, end: number): void;
}

/**
 * Shoup's 8-bit method on little-endian hosts: X·H by Horner over the block's
 * bytes from 15 down to 0, Z = Z·x^8 ^ M[byte], with one 256-entry table of
 * byte·H per key (4 KiB) and one reduction table shared by all keys.
 *
 * In GCM's bit order Z·x^8 moves every byte one place up (byte k → k + 1); the
 * byte pushed out of position 15 (coefficients x^120..x^127) wraps around as
 * x^128 = x^7 + x^2 + x + 1, which lands in bytes 0–1 (REDUCE). In host
 * little-endian words that move is a left shift by 8 with the top byte carried
 * into the next word.
 *
 * Why not 16 byte-position tables (64 KiB per key, 16 lookups and no shifts per
 * block): an SFU holds one key per consumer, and at fan-out those tables miss
 * the cache on every packet; 4 KiB per key stays cached and costs about the same
 * when both are hot. With 80 consumers GHASH fell from 38% to 17% of the
 * worker's time (bench/profiles/fanout-n80-before.txt and -after.txt).
 */
export class GhashShoup8 extends Ghash {
  /** byte·H for every byte value, four host words per entry. */
  readonly #m = new Int32Array(256 * 4);

  constructor(h: Uint8Array) {
    super();
    if (!LITTLE_ENDIAN) throw new RangeError('GhashShoup8 needs a little-endian host (use GhashCompact)');
    fillTable(this.#m, 0, 8, powersOfH(h), 0);
  }

  absorb(d: Int32Array, start: number, end: number): void {
    const m = this.#m;
    const rt = REDUCE;
    let z0 = this.y0;
    let z1 = this.y1;
    let z2 = this.y2;
    let z3 = this.y3;
    let p = 0;
    let r = 0;
    for (let o = start; o < end; o += 4) {
      const x0 = z0 ^ d[o]!;
      const x1 = z1 ^ d[o + 1]!;
      const x2 = z2 ^ d[o + 2]!;
      const x3 = z3 ^ d[o + 3]!;
      // byte 15
      p = (x3 >>> 24) << 2;
      z0 = m[p]!;
      z1 = m[p + 1]!;
      z2 = m[p + 2]!;
      z3 = m[p + 3]!;
      // byte 14
      r = z3 >>> 24;
      z3 = (z3 << 8) | (z2 >>> 24);
      z2 = (z2 << 8) | (z1 >>> 24);
      z1 = (z1 << 8) | (z0 >>> 24);
      z0 = (z0 << 8) ^ rt[r]!;
      p = ((x3 >>> 16) & 0xff) << 2;
      z0 ^= m[p]!;
      z1 ^= m[p + 1]!;
      z2 ^= m[p + 2]!;
      z3 ^= m[p + 3]!;
      // byte 13
      r = z3 >>> 24;
      z3 = (z3 << 8) | (z2 >>> 24);
      z2 = (z2 << 8) | (z1 >>> 24);
      z1 = (z1 << 8) | (z0 >>> 24);
      z0 = (z0 << 8) ^ rt[r]!;
      p = ((x3 >>> 8) & 0xff) << 2;
      z0 ^= m[p]!;
      z1 ^= m[p + 1]!;
      z2 ^= m[p + 2]!;
      z3 ^= m[p + 3]!;
      // byte 12
      r = z3 >>> 24;
      z3 = (z3 << 8) | (z2 >>> 24);
      z2 = (z2 << 8) | (z1 >>> 24);
      z1 = (z1 << 8) | (z0 >>> 24);
      z0 = (z0 << 8) ^ rt[r]!;
      p = (x3 & 0xff) << 2;
      z0 ^= m[p]!;
      z1 ^= m[p + 1]!;
      z2 ^= m[p + 2]!;
      z3 ^= m[p + 3]!;
      // byte 11
      r = z3 >>> 24;
      z3 = (z3 << 8) | (z2 >>> 24);
      z2 = (z2 << 8) | (z1 >>> 24);
      z1 = (z1 << 8) | (z0 >>> 24);
      z0 = (z0 << 8) ^ rt[r]!;
      p = (x2 >>> 24) << 2;
      z0 ^= m[p]!;
      z1 ^= m[p + 1]!;
      z2 ^= m[p + 2]!;
      z3 ^= m[p + 3]!;
      // byte 10
      r = z3 >>> 24;
      z3 = (z3 << 8) | (z2 >>> 24);
      z2 = (z2 << 8) | (z1 >>> 24);
      z1 = (z1 << 8) | (z0 >>> 24);
      z0 = (z0 << 8) ^ rt[r]!;
      p = ((x2 >>> 16) & 0xff) << 2;
      z0 ^= m[p]!;
      z1 ^= m[p + 1]!;
      z2 ^= m[p + 2]!;
      z3 ^= m[p + 3]!;
      // byte 9
      r = z3 >>> 24;
      z3 = (z3 << 8) | (z2 >>> 24);
      z2 = (z2 << 8) | (z1 >>> 24);
      z1 = (z1 << 8) | (z0 >>> 24);
      z0 = (z0 << 8) ^ rt[r]!;
      p = ((x2 >>> 8) & 0xff) << 2;
      z0 ^= m[p]!;
      z1 ^= m[p + 1]!;
      z2 ^= m[p + 2]!;
      z3 ^= m[p + 3]!;
      // byte 8
      r = z3 >>> 24;
      z3 = (z3 << 8) | (z2 >>> 24);
      z2 = (z2 << 8) | (z1 >>> 24);
      z1 = (z1 << 8) | (z0 >>> 24);
      z0 = (z0 << 8) ^ rt[r]!;
      p = (x2 & 0xff) << 2;
      z0 ^= m[p]!;
      z1 ^= m[p + 1]!;
      z2 ^= m[p + 2]!;
      z3 ^= m[p + 3]!;
      // byte 7
      r = z3 >>> 24;
      z3 = (z3 << 8) | (z2 >>> 24);
      z2 = (z2 << 8) | (z1 >>> 24);
      z1 = (z1 << 8) | (z0 >>> 24);
      z0 = (z0 << 8) ^ rt[r]!;
      p = (x1 >>> 24) << 2;
      z0 ^= m[p]!;
      z1 ^= m[p + 1]!;
      z2 ^= m[p + 2]!;
      z3 ^= m[p + 3]!;
      // byte 6
      r = z3 >>> 24;
      z3 = (z3 << 8) | (z2 >>> 24);
      z2 = (z2 << 8) | (z1 >>> 24);
      z1 = (z1 << 8) | (z0 >>> 24);
      z0 = (z0 << 8) ^ rt[r]!;
      p = ((x1 >>> 16) & 0xff) << 2;
      z0 ^= m[p]!;
      z1 ^= m[p + 1]!;
      z2 ^= m[p + 2]!;
      z3 ^= m[p + 3]!;
      // byte 5
      r = z3 >>> 24;
      z3 = (z3 << 8) | (z2 >>> 24);
      z2 = (z2 << 8) | (z1 >>> 24);
      z1 = (z1 << 8) | (z0 >>> 24);
      z0 = (z0 << 8) ^ rt[r]!;
      p = ((x1 >>> 8) & 0xff) << 2;
      z0 ^= m[p]!;
      z1 ^= m[p + 1]!;
      z2 ^= m[p + 2]!;
      z3 ^= m[p + 3]!;
      // byte 4
      r = z3 >>> 24;
      z3 = (z3 << 8) | (z2 >>> 24);
      z2 = (z2 << 8) | (z1 >>> 24);
      z1 = (z1 << 8) | (z0 >>> 24);
      z0 = (z0 << 8) ^ rt[r]!;
      p = (x1 & 0xff) << 2;
      z0 ^= m[p]!;
      z1 ^= m[p + 1]!;
      z2 ^= m[p + 2]!;
      z3 ^= m[p + 3]!;
      // byte 3
      r = z3 >>> 24;
      z3 = (z3 << 8) | (z2 >>> 24);
      z2 = (z2 << 8) | (z1 >>> 24);
      z1 = (z1 << 8) | (z0 >>> 24);
      z0 = (z0 << 8) ^ rt[r]!;
      p = (x0 >>> 24) << 2;
      z0 ^= m[p]!;
      z1 ^= m[p + 1]!;
      z2 ^= m[p + 2]!;
      z3 ^= m[p + 3]!;
      // byte 2
      r = z3 >>> 24;
      z3 = (z3 << 8) | (z2 >>> 24);
      z2 = (z2 << 8) | (z1 >>> 24);
      z1 = (z1 << 8) | (z0 >>> 24);
      z0 = (z0 << 8) ^ rt[r]!;
      p = ((x0 >>> 16) & 0xff) << 2;
      z0 ^= m[p]!;
      z1 ^= m[p + 1]!;
      z2 ^= m[p + 2]!;
      z3 ^= m[p + 3]!;
      // byte 1
      r = z3 >>> 24;
      z3 = (z3 << 8) | (z2 >>> 24);
      z2 = (z2 << 8) | (z1 >>> 24);
      z1 = (z1 << 8) | (z0 >>> 24);
      z0 = (z0 << 8) ^ rt[r]!;
      p = ((x0 >>> 8) & 0xff) << 2;
      z0 ^= m[p]!;
      z1 ^= m[p + 1]!;
      z2 ^= m[p + 2]!;
      z3 ^= m[p + 3]!;
      // byte 0
      r = z3 >>> 24;
      z3 = (z3 << 8) | (z2 >>> 24);
      z2 = (z2 << 8) | (z1 >>> 24);
      z1 = (z1 << 8) | (z0 >>> 24);
      z0 = (z0 << 8) ^ rt[r]!;
      p = (x0 & 0xff) << 2;
      z0 ^= m[p]!;
      z1 ^= m[p + 1]!;
      z2 ^= m[p + 2]!;
      z3 ^= m[p + 3]!;
    }
    this.y0 = z0;
    this.y1 = z1;
    this.y2 = z2;
    this.y3 = z3;
  }
}

export class GhashCompact extends Ghash {
  readonly #m0 = new Int32Array(32 * 16);
  readonly #m1 = new Int32Array(32 * 16);
  readonly #m2 = new Int32Array(32 * 16);
  readonly #m3 = new Int32Array(32 * 16);

  constructor(h: Uint8Array) {
    super();
    const powers = powersOfH(h);
    // Slot k serves bits 4(k&7)..+4 of host word k>>3: the high nibble of its byte when k is odd.
    const m = new Int32Array(32 * 16 * 4);
    for (let k = 0; k < 32; k++) {
      fillTable(m, k * 64, 4, powers, 8 * bytePosition(((k >> 3) << 2) | ((k & 7) >> 1)) + (k & 1 ? 0 : 4));
    }
    split(m, this.#m0, this.#m1, this.#m2, this.#m3);
  }

  absorb(d: Int32Array, start: number, end: number): void {
    const m0 = this.#m0;
    const m1 = this.#m1;
    const m2 = this.#m2;
    const m3 = this.#m3;
    let y0 = this.y0;
    let y1 = this.y1;
    let y2 = this.y2;
    let y3 = this.y3;
    for (let o = start; o < end; o += 4) {
      let z0 = 0;
      let z1 = 0;
      let z2 = 0;
      let z3 = 0;
      for (let w = 0, base = 0; w < 4; w++) {
        let x = d[o + w]! ^ (w === 0 ? y0 : w === 1 ? y1 : w === 2 ? y2 : y3);
        for (let n = 0; n < 8; n++, base += 16, x >>>= 4) {
          const p = base | (x & 0xf);
          z0 ^= m0[p]!;
          z1 ^= m1[p]!;
          z2 ^= m2[p]!;
          z3 ^= m3[p]!;
        }
      }
      y0 = z0;
      y1 = z1;
      y2 = z2;
      y3 = z3;
    }
    this.y0 = y0;
    this.y1 = y1;
    this.y2 = y2;
    this.y3 = y3;
  }
}

/** Deals the interleaved four-word entries of `t` out to one array per word. */
function split(t: Int32Array, a0: Int32Array, a1: Int32Array, a2: Int32Array, a3: Int32Array): void {
  for (let i = 0; i < a0.length; i++) {
    a0[i] = t[4 * i]!;
    a1[i] = t[4 * i + 1]!;
    a2[i] = t[4 * i + 2]!;
    a3[i] = t[4 * i + 3]!;
  }
}

/** Block byte position of the byte that sits at bits 8(k&3)..+8 of host word k>>2. */
function bytePosition(k: number): number {
  return (k & ~3) | (LITTLE_ENDIAN ? k & 3 : 3 - (k & 3));
}

/** H·x^j for j = 0..127, four big-endian words each; multiplying by x is a right shift in GCM's bit order. */
function powersOfH(h: Uint8Array): Int32Array {
  const p = new Int32Array(128 * 4);
  let v0 = (h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!;
  let v1 = (h[4]! << 24) | (h[5]! << 16) | (h[6]! << 8) | h[7]!;
  let v2 = (h[8]! << 24) | (h[9]! << 16) | (h[10]! << 8) | h[11]!;
  let v3 = (h[12]! << 24) | (h[13]! << 16) | (h[14]! << 8) | h[15]!;
  for (let j = 0; j < 128; j++) {
    p[j * 4] = v0;
    p[j * 4 + 1] = v1;
    p[j * 4 + 2] = v2;
    p[j * 4 + 3] = v3;
    const carry = v3 & 1;
    v3 = (v3 >>> 1) | (v2 << 31);
    v2 = (v2 >>> 1) | (v1 << 31);
    v1 = (v1 >>> 1) | (v0 << 31);
    v0 = (v0 >>> 1) ^ (carry ? 0xe1000000 : 0);
  }
  return p;
}

/**
 * table[at + 4v..+4) = v·H in host layout, where v is a `bits`-wide field whose
 * most significant bit is the coefficient of x^degree.
 */
function fillTable(table: Int32Array, at: number, bits: number, powers: Int32Array, degree: number): void {
  for (let v = 0; v < 1 << bits; v++) {
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    for (let j = 0; j < bits; j++) {
      if ((v >> (bits - 1 - j)) & 1) {
        const q = (degree + j) * 4;
        a0 ^= powers[q]!;
        a1 ^= powers[q + 1]!;
        a2 ^= powers[q + 2]!;
        a3 ^= powers[q + 3]!;
      }
    }
    table[at + v * 4] = toHost(a0);
    table[at + v * 4 + 1] = toHost(a1);
    table[at + v * 4 + 2] = toHost(a2);
    table[at + v * 4 + 3] = toHost(a3);
  }
}

/** The host-endian word whose bytes in memory are the big-endian word `w`. */
function toHost(w: number): number {
  return LITTLE_ENDIAN ? ((w & 0xff) << 24) | ((w & 0xff00) << 8) | ((w >>> 8) & 0xff00) | (w >>> 24) : w;
}
