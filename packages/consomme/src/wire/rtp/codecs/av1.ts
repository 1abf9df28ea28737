/**
 * AV1 RTP aggregation header, "RTP Payload Format For AV1" (AOMedia) §4.4,
 * and the OBU elements that follow it, §4.3.
 * https://aomediacodec.github.io/av1-rtp-spec/#44-av1-aggregation-header
 *
 *         0 1 2 3 4 5 6 7
 *        +-+-+-+-+-+-+-+-+
 *        |Z|Y| W |N|-|-|-|
 *        +-+-+-+-+-+-+-+-+
 *   Z: the first OBU element continues an OBU from the previous packet
 *   Y: the last OBU element continues in the next packet
 *   W: number of OBU elements (0: every element carries a LEB128 length;
 *      1..3: all but the last carry one)
 *   N: first packet of a coded video sequence (a key frame)
 *
 *   | aggregation header | [LEB128 length] OBU element | ... | OBU element |
 */

export interface Av1Descriptor {
  readonly continuation: boolean;
  readonly continues: boolean;
  /** The W field. */
  readonly elementCountField: number;
  readonly newCodedVideoSequence: boolean;
  /** The three unused low bits, kept for identical re-serialization. */
  readonly reservedBits: number;
  /** OBU elements found in the payload. */
  readonly elementCount: number;
  /** OBU type of the first element when it begins an OBU (Z=0), else undefined. */
  readonly firstObuType: number | undefined;
  readonly descriptorLength: 1;
  readonly isKeyFrame: boolean;
}

/** Reads a LEB128 value at `pos`; returns [value, bytes] via the scratch array, false on overrun. */
const leb = [0, 0];
function readLeb128(p: Uint8Array, pos: number): boolean {
  let value = 0;
  for (let i = 0; i < 8; i++) {
    if (pos + i >= p.length) return false;
    const b = p[pos + i]!;
    value += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) {
      leb[0] = value;
      leb[1] = i + 1;
      return true;
    }
  }
  return false;
}

/** The aggregation header and a walk of the OBU elements, or undefined when they overrun. */
export function parseAv1Descriptor(payload: Uint8Array): Av1Descriptor | undefined {
  const len = payload.length;
  if (len < 2) return undefined;
  const h = payload[0]!;
  const w = (h >> 4) & 0x03;
  let pos = 1;
  let count = 0;
  let firstObuType: number | undefined;
  while (pos < len) {
    const last = w !== 0 && count === w - 1;
    let size: number;
    if (last) {
      size = len - pos;
    } else {
      if (!readLeb128(payload, pos)) return undefined;
      pos += leb[1]!;
      size = leb[0]!;
      if (pos + size > len) return undefined;
    }
    if (count === 0 && (h & 0x80) === 0 && size > 0) firstObuType = (payload[pos]! >> 3) & 0x0f;
    pos += size;
    count++;
    if (last) break;
  }
  if (count === 0 || (w !== 0 && count !== w)) return undefined;
  return {
    continuation: (h & 0x80) !== 0,
    continues: (h & 0x40) !== 0,
    elementCountField: w,
    newCodedVideoSequence: (h & 0x08) !== 0,
    reservedBits: h & 0x07,
    elementCount: count,
    firstObuType,
    descriptorLength: 1,
    isKeyFrame: (h & 0x08) !== 0,
  };
}

/** The aggregation header byte of `d`. */
export function serializeAv1Descriptor(d: Av1Descriptor): Buffer {
  return Buffer.from([
    (d.continuation ? 0x80 : 0) |
      (d.continues ? 0x40 : 0) |
      ((d.elementCountField & 0x03) << 4) |
      (d.newCodedVideoSequence ? 0x08 : 0) |
      (d.reservedBits & 0x07),
  ]);
}

/** The N bit, for the hot path. */
export function isAv1KeyFrame(payload: Uint8Array): boolean {
  return payload.length > 1 && (payload[0]! & 0x08) !== 0;
}
