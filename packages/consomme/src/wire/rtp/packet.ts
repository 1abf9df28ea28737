/**
 * RTP packet, RFC 3550 §5.1 (fixed header) and §5.3.1 (header extension),
 * with RFC 8285 header extension elements.
 * https://www.rfc-editor.org/rfc/rfc3550#section-5.1
 * https://www.rfc-editor.org/rfc/rfc8285
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                           timestamp                           |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |           synchronization source (SSRC) identifier            |
 *   +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *   |            contributing source (CSRC) identifiers             |
 *   |                             ....  (CC times)                  |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |   defined by profile (X=1)    |  length (32-bit words)        |
 *   |                        header extension                       |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                           payload ...                         |
 *   |                               |  padding (P=1) ...  | count   |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * `RtpPacket` is a view: getters read the received Buffer in place and
 * setters write into it, so forwarding a packet costs no copy. Only
 * `setExtension`, when the element does not fit, replaces the Buffer.
 */
import {
  element,
  nextElement,
  ONE_BYTE_PROFILE,
  TWO_BYTE_PROFILE,
  TWO_BYTE_PROFILE_MASK,
} from './header-extension-walk.js';

const FIXED_HEADER = 12;

/** Why `parseRtpWithReason` refused a buffer. */
export type RtpParseFailure =
  | 'too-short'
  | 'bad-version'
  | 'csrc-overrun'
  | 'extension-overrun'
  | 'bad-padding';

/** Which RFC 8285 form the header extension block uses, if any. */
export type RtpExtensionForm = 'none' | 'one-byte' | 'two-byte' | 'other';

export class RtpPacket {
  #buf: Buffer;
  #headerLength: number;
  /** Start of the extension elements (after the 4-byte block header); 0 when X=0. */
  #extStart: number;
  #extEnd: number;
  #paddingLength: number;

  private constructor(buf: Buffer, headerLength: number, extStart: number, extEnd: number, padding: number) {
    this.#buf = buf;
    this.#headerLength = headerLength;
    this.#extStart = extStart;
    this.#extEnd = extEnd;
    this.#paddingLength = padding;
  }

  /** A view over `buf` (not copied), or undefined when the header is inconsistent. */
  static parse(buf: Buffer): RtpPacket | undefined {
    const r = RtpPacket.parseWithReason(buf);
    return typeof r === 'string' ? undefined : r;
  }

  /** As `parse`, but says why the buffer was refused. */
  static parseWithReason(buf: Buffer): RtpPacket | RtpParseFailure {
    const len = buf.length;
    if (len < FIXED_HEADER) return 'too-short';
    const b0 = buf[0]!;
    if (b0 >> 6 !== 2) return 'bad-version';
    let header = FIXED_HEADER + (b0 & 0x0f) * 4;
    if (header > len) return 'csrc-overrun';
    let extStart = 0;
    let extEnd = 0;
    if (b0 & 0x10) {
      if (header + 4 > len) return 'extension-overrun';
      extStart = header + 4;
      extEnd = extStart + buf.readUInt16BE(header + 2) * 4;
      if (extEnd > len) return 'extension-overrun';
      header = extEnd;
    }
    let padding = 0;
    if (b0 & 0x20) {
      // The count includes itself, so zero is as invalid as an overrun.
      padding = buf[len - 1]!;
      if (padding === 0 || header + padding > len) return 'bad-padding';
    }
    return new RtpPacket(buf, header, extStart, extEnd, padding);
  }

  /** The whole packet; replaced by `setExtension` when it has to grow the header. */
  get buffer(): Buffer {
    return this.#buf;
  }

  get byteLength(): number {
    return this.#buf.length;
  }

  get marker(): boolean {
    return (this.#buf[1]! & 0x80) !== 0;
  }

  set marker(v: boolean) {
    this.#buf[1] = (this.#buf[1]! & 0x7f) | (v ? 0x80 : 0);
  }

  get payloadType(): number {
    return this.#buf[1]! & 0x7f;
  }

  set payloadType(v: number) {
    this.#buf[1] = (this.#buf[1]! & 0x80) | (v & 0x7f);
  }

  get sequenceNumber(): number {
    return this.#buf.readUInt16BE(2);
  }

  set sequenceNumber(v: number) {
    this.#buf.writeUInt16BE(v & 0xffff, 2);
  }

  get timestamp(): number {
    return this.#buf.readUInt32BE(4);
  }

  set timestamp(v: number) {
    this.#buf.writeUInt32BE(v >>> 0, 4);
  }

  get ssrc(): number {
    return this.#buf.readUInt32BE(8);
  }

  set ssrc(v: number) {
    this.#buf.writeUInt32BE(v >>> 0, 8);
  }

  get csrcCount(): number {
    return this.#buf[0]! & 0x0f;
  }

  get csrcs(): number[] {
    const n = this.csrcCount;
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = this.#buf.readUInt32BE(FIXED_HEADER + i * 4);
    return out;
  }

  /** Fixed header + CSRCs + header extension. */
  get headerLength(): number {
    return this.#headerLength;
  }

  get hasPadding(): boolean {
    return this.#paddingLength > 0;
  }

  /** Padding bytes at the end, the count byte included. */
  get paddingLength(): number {
    return this.#paddingLength;
  }

  get payloadLength(): number {
    return this.#buf.length - this.#headerLength - this.#paddingLength;
  }

  /** The payload without padding; a view into the packet. */
  get payload(): Buffer {
    return this.#buf.subarray(this.#headerLength, this.#buf.length - this.#paddingLength);
  }

  get hasExtension(): boolean {
    return this.#extStart !== 0;
  }

  /** The 16-bit "defined by profile" field, or undefined when X=0. */
  get extensionProfile(): number | undefined {
    return this.#extStart === 0 ? undefined : this.#buf.readUInt16BE(this.#extStart - 4);
  }

  get extensionForm(): RtpExtensionForm {
    const p = this.extensionProfile;
    if (p === undefined) return 'none';
    if (p === ONE_BYTE_PROFILE) return 'one-byte';
    if ((p & TWO_BYTE_PROFILE_MASK) === TWO_BYTE_PROFILE) return 'two-byte';
    return 'other';
  }

  /** 0 when there are no RFC 8285 elements to walk, 1 one-byte, 2 two-byte. */
  #form(): 0 | 1 | 2 {
    if (this.#extStart === 0) return 0;
    const p = this.#buf.readUInt16BE(this.#extStart - 4);
    if (p === ONE_BYTE_PROFILE) return 1;
    if ((p & TWO_BYTE_PROFILE_MASK) === TWO_BYTE_PROFILE) return 2;
    return 0;
  }

  /** The value of element `id` as a view into the packet (writes go to the packet). */
  getExtension(id: number): Buffer | undefined {
    const form = this.#form();
    if (form === 0 || id <= 0) return undefined;
    const buf = this.#buf;
    const end = this.#extEnd;
    let pos = this.#extStart;
    while ((pos = nextElement(buf, pos, end, form === 2)) >= 0) {
      if (element.id === id) return buf.subarray(element.valueStart, element.valueStart + element.valueLength);
    }
    return undefined;
  }

  /** The ids of the elements present, in packet order. */
  getExtensionIds(): number[] {
    const ids: number[] = [];
    const form = this.#form();
    if (form === 0) return ids;
    let pos = this.#extStart;
    while ((pos = nextElement(this.#buf, pos, this.#extEnd, form === 2)) >= 0) ids.push(element.id);
    return ids;
  }

  /**
   * Rewrites element ids in place for a consumer that negotiated other ids:
   * `map[oldId]` is the new id, 0 (or missing) drops the element. Nothing
   * moves: a dropped element is overwritten with zero bytes, which both
   * forms define as padding (RFC 8285 §4.2, §4.3), so lengths and offsets
   * stay valid. In the one-byte form a new id above 14 cannot be written
   * (15 is reserved), so such an element is dropped too.
   */
  remapExtensions(map: Uint8Array): void {
    const form = this.#form();
    if (form === 0) return;
    const buf = this.#buf;
    const end = this.#extEnd;
    let pos = this.#extStart;
    while ((pos = nextElement(buf, pos, end, form === 2)) >= 0) {
      const to = map[element.id] ?? 0;
      if (to === 0 || (form === 1 && to > 14)) {
        buf.fill(0, element.headerStart, element.valueStart + element.valueLength);
      } else if (form === 1) {
        buf[element.headerStart] = (to << 4) | (element.valueLength - 1);
      } else {
        buf[element.headerStart] = to;
      }
    }
  }

  /** Turns element `id` into padding in place; false when absent. */
  removeExtension(id: number): boolean {
    const form = this.#form();
    if (form === 0 || id <= 0) return false;
    let pos = this.#extStart;
    while ((pos = nextElement(this.#buf, pos, this.#extEnd, form === 2)) >= 0) {
      if (element.id === id) {
        this.#buf.fill(0, element.headerStart, element.valueStart + element.valueLength);
        return true;
      }
    }
    return false;
  }

  /**
   * Adds or replaces element `id`. Same-length replacement and additions
   * that fit in the block's trailing padding are written in place; anything
   * else rebuilds the packet into a new Buffer (see `buffer`), moving to the
   * two-byte form when an id above 14 or a length of 0 or above 16 needs it.
   * Returns false when the value cannot be carried (id outside 1..255, value
   * above 255 bytes, or an extension block of a non-RFC 8285 profile).
   */
  setExtension(id: number, value: Uint8Array): boolean {
    if (!Number.isInteger(id) || id < 1 || id > 255 || value.length > 255) return false;
    if (this.#extStart !== 0 && this.#form() === 0) return false;
    const form = this.#form();
    const buf = this.#buf;
    let pos = this.#extStart;
    let lastEnd = this.#extStart;
    if (form !== 0) {
      while ((pos = nextElement(buf, pos, this.#extEnd, form === 2)) >= 0) {
        if (element.id === id) {
          if (element.valueLength === value.length) {
            buf.set(value, element.valueStart);
            return true;
          }
          buf.fill(0, element.headerStart, element.valueStart + element.valueLength);
        } else {
          lastEnd = element.valueStart + element.valueLength;
        }
      }
      if (this.#fitsInPlace(form, id, value, lastEnd)) return true;
    }
    this.#rebuild(form, id, value);
    return true;
  }

  #fitsInPlace(form: 1 | 2, id: number, value: Uint8Array, lastEnd: number): boolean {
    const buf = this.#buf;
    const end = this.#extEnd;
    for (let i = lastEnd; i < end; i++) if (buf[i] !== 0) return false;
    if (form === 1) {
      if (id > 14 || value.length < 1 || value.length > 16 || lastEnd + 1 + value.length > end) return false;
      buf[lastEnd] = (id << 4) | (value.length - 1);
      buf.set(value, lastEnd + 1);
      return true;
    }
    if (lastEnd + 2 + value.length > end) return false;
    buf[lastEnd] = id;
    buf[lastEnd + 1] = value.length;
    buf.set(value, lastEnd + 2);
    return true;
  }

  #rebuild(form: 0 | 1 | 2, id: number, value: Uint8Array): void {
    const old = this.#buf;
    const elements: { id: number; value: Uint8Array }[] = [];
    if (form !== 0) {
      let pos = this.#extStart;
      while ((pos = nextElement(old, pos, this.#extEnd, form === 2)) >= 0) {
        if (element.id !== id) {
          elements.push({ id: element.id, value: old.subarray(element.valueStart, element.valueStart + element.valueLength) });
        }
      }
    }
    elements.push({ id, value });
    const oneByte = form !== 2 && elements.every((e) => e.id <= 14 && e.value.length >= 1 && e.value.length <= 16);
    const profile = oneByte
      ? ONE_BYTE_PROFILE
      : form === 2
        ? old.readUInt16BE(this.#extStart - 4)
        : TWO_BYTE_PROFILE;
    let size = 0;
    for (const e of elements) size += (oneByte ? 1 : 2) + e.value.length;
    const words = Math.ceil(size / 4);
    const base = FIXED_HEADER + this.csrcCount * 4;
    const tailStart = this.#headerLength;
    const headerLength = base + 4 + words * 4;
    const out = Buffer.alloc(headerLength + old.length - tailStart);
    old.copy(out, 0, 0, base);
    out[0] = out[0]! | 0x10;
    out.writeUInt16BE(profile, base);
    out.writeUInt16BE(words, base + 2);
    let p = base + 4;
    for (const e of elements) {
      if (oneByte) {
        out[p++] = (e.id << 4) | (e.value.length - 1);
      } else {
        out[p++] = e.id;
        out[p++] = e.value.length;
      }
      out.set(e.value, p);
      p += e.value.length;
    }
    old.copy(out, headerLength, tailStart);
    this.#buf = out;
    this.#headerLength = headerLength;
    this.#extStart = base + 4;
    this.#extEnd = headerLength;
  }

  /** An independent copy (for the retransmission buffer). */
  clone(): RtpPacket {
    const copy = Buffer.allocUnsafe(this.#buf.length);
    this.#buf.copy(copy);
    return new RtpPacket(copy, this.#headerLength, this.#extStart, this.#extEnd, this.#paddingLength);
  }

  /** The packet's bytes: the live view, not a copy. */
  serialize(): Buffer {
    return this.#buf;
  }

  /** Copies the packet into `buf` at `offset`; returns the offset after it. */
  serializeInto(buf: Buffer, offset: number): number {
    return offset + this.#buf.copy(buf, offset);
  }
}

/** `RtpPacket.parseWithReason`, as a function. */
export function parseRtpWithReason(buf: Buffer): RtpPacket | RtpParseFailure {
  return RtpPacket.parseWithReason(buf);
}
