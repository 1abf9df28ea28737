/**
 * HMAC-SHA1 in plain JS with the ipad and opad states computed once per key
 * (RFC 2104 over FIPS 180-4 SHA-1), the candidate bench/srtp.ts races against
 * wire/srtp/hmac-sha1.ts (a node:crypto `createHmac` per packet). Per MAC it
 * allocates nothing but the 20-byte result; the message is read in place.
 * It lost the race (see bench/RESULTS.md), so it lives here, not in the SFU.
 */
const IV = [0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476, 0xc3d2e1f0 | 0];

export class JsHmacSha1 {
  readonly #inner = new Int32Array(5);
  readonly #outer = new Int32Array(5);
  readonly #h = new Int32Array(5);
  readonly #w = new Int32Array(80);
  /** The last one or two padded blocks of a message. */
  readonly #tail = new Uint8Array(128);
  readonly #digest = new Uint8Array(20);

  /** Keys up to 64 bytes (SRTP's are 20). */
  constructor(key: Uint8Array) {
    if (key.length > 64) throw new RangeError('keys over 64 bytes are not supported here');
    const pad = new Uint8Array(64);
    for (const [x, state] of [[0x36, this.#inner], [0x5c, this.#outer]] as const) {
      for (let i = 0; i < 64; i++) pad[i] = (key[i] ?? 0) ^ x;
      this.#h.set(IV);
      this.#compress(pad, 0);
      state.set(this.#h);
    }
  }

  /** The full 20-byte MAC of data[start..end). */
  mac(data: Uint8Array, start = 0, end = data.length): Uint8Array {
    const h = this.#h;
    h.set(this.#inner);
    this.#finish(data, start, end);
    const d = this.#digest;
    writeState(h, d);
    h.set(this.#outer);
    this.#finish(d, 0, 20);
    const out = new Uint8Array(20);
    writeState(h, out);
    return out;
  }

  /** Hashes data[start..end) after one 64-byte key block already in the state, with SHA-1 padding. */
  #finish(data: Uint8Array, start: number, end: number): void {
    let o = start;
    for (; o + 64 <= end; o += 64) this.#compress(data, o);
    const t = this.#tail;
    const rest = end - o;
    for (let i = 0; i < rest; i++) t[i] = data[o + i]!;
    t[rest] = 0x80;
    const blocks = rest + 9 <= 64 ? 1 : 2;
    const last = blocks * 64;
    for (let i = rest + 1; i < last - 4; i++) t[i] = 0;
    const bits = (end - start + 64) * 8;
    t[last - 4] = bits >>> 24;
    t[last - 3] = bits >>> 16;
    t[last - 2] = bits >>> 8;
    t[last - 1] = bits;
    this.#compress(t, 0);
    if (blocks === 2) this.#compress(t, 64);
  }

  #compress(b: Uint8Array, at: number): void {
    const w = this.#w;
    for (let i = 0, o = at; i < 16; i++, o += 4) w[i] = (b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!;
    for (let i = 16; i < 80; i++) {
      const x = w[i - 3]! ^ w[i - 8]! ^ w[i - 14]! ^ w[i - 16]!;
      w[i] = (x << 1) | (x >>> 31);
    }
    const h = this.#h;
    let a = h[0]!;
    let bb = h[1]!;
    let c = h[2]!;
    let d = h[3]!;
    let e = h[4]!;
    for (let i = 0; i < 80; i++) {
      const f = i < 20 ? (bb & c) | (~bb & d) : i < 40 || i >= 60 ? bb ^ c ^ d : (bb & c) | (bb & d) | (c & d);
      const k = i < 20 ? 0x5a827999 : i < 40 ? 0x6ed9eba1 : i < 60 ? 0x8f1bbcdc | 0 : 0xca62c1d6 | 0;
      const t = (((a << 5) | (a >>> 27)) + f + e + w[i]! + k) | 0;
      e = d;
      d = c;
      c = (bb << 30) | (bb >>> 2);
      bb = a;
      a = t;
    }
    h[0] = (h[0]! + a) | 0;
    h[1] = (h[1]! + bb) | 0;
    h[2] = (h[2]! + c) | 0;
    h[3] = (h[3]! + d) | 0;
    h[4] = (h[4]! + e) | 0;
  }
}

function writeState(h: Int32Array, out: Uint8Array): void {
  for (let i = 0; i < 5; i++) {
    const v = h[i]!;
    out[i * 4] = v >>> 24;
    out[i * 4 + 1] = v >>> 16;
    out[i * 4 + 2] = v >>> 8;
    out[i * 4 + 3] = v;
  }
}
