/**
 * H.264 RTP payload structures, RFC 6184 §5.2–5.8: single NAL unit packets,
 * STAP-A aggregation and FU-A fragmentation.
 * https://www.rfc-editor.org/rfc/rfc6184#section-5.2
 *
 *   NAL unit header (and payload header):
 *        +---------------+
 *        |0|1|2|3|4|5|6|7|
 *        +-+-+-+-+-+-+-+-+
 *        |F|NRI|  Type   |   Type 1..23 single NAL, 24 STAP-A, 28 FU-A
 *        +---------------+
 *
 *   STAP-A (§5.7.1):
 *        | STAP-A hdr | NALU 1 size (16) | NALU 1 ... | NALU 2 size | NALU 2 ...
 *
 *   FU-A (§5.8):
 *        +---------------+---------------+
 *        | FU indicator  |   FU header   |   FU header: |S|E|R|  Type   |
 *        +---------------+---------------+
 *
 * Key frame: an IDR slice (type 5) or a sequence parameter set (type 7) is
 * present; in a FU-A only the start fragment says so.
 */

export type H264Packetization = 'single-nal' | 'stap-a' | 'fu-a' | 'other';

export const H264_NAL_IDR = 5;
export const H264_NAL_SPS = 7;
const STAP_A = 24;
const FU_A = 28;

export interface H264Descriptor {
  readonly packetization: H264Packetization;
  /** The first byte (NAL header, STAP-A or FU indicator). */
  readonly header: number;
  readonly nri: number;
  /** NAL unit types carried: the unit itself, every STAP-A unit, or the FU-A fragment's type. */
  readonly nalTypes: readonly number[];
  /** FU-A header byte, when a FU-A. */
  readonly fuHeader: number | undefined;
  /** FU-A S bit; true for unfragmented packets (they start their NAL unit). */
  readonly startOfNal: boolean;
  /** FU-A E bit; true for unfragmented packets. */
  readonly endOfNal: boolean;
  /** Header bytes: 1, or 2 for a FU-A. */
  readonly descriptorLength: number;
  readonly isKeyFrame: boolean;
}

/** The structure of an H.264 RTP payload, or undefined when it is malformed. */
export function parseH264Descriptor(payload: Uint8Array): H264Descriptor | undefined {
  const len = payload.length;
  if (len < 1) return undefined;
  const header = payload[0]!;
  const type = header & 0x1f;
  const nri = (header >> 5) & 0x03;
  if (type === STAP_A) {
    const nalTypes: number[] = [];
    let pos = 1;
    while (pos < len) {
      if (pos + 2 > len) return undefined;
      const size = (payload[pos]! << 8) | payload[pos + 1]!;
      pos += 2;
      if (size === 0 || pos + size > len) return undefined;
      nalTypes.push(payload[pos]! & 0x1f);
      pos += size;
    }
    if (nalTypes.length === 0) return undefined;
    const key = nalTypes.includes(H264_NAL_IDR) || nalTypes.includes(H264_NAL_SPS);
    return base('stap-a', header, nri, nalTypes, undefined, true, true, 1, key);
  }
  if (type === FU_A) {
    if (len < 3) return undefined;
    const fu = payload[1]!;
    const inner = fu & 0x1f;
    const start = (fu & 0x80) !== 0;
    const key = start && (inner === H264_NAL_IDR || inner === H264_NAL_SPS);
    return base('fu-a', header, nri, [inner], fu, start, (fu & 0x40) !== 0, 2, key);
  }
  if (type >= 1 && type <= 23) {
    const key = type === H264_NAL_IDR || type === H264_NAL_SPS;
    return base('single-nal', header, nri, [type], undefined, true, true, 1, key);
  }
  return base('other', header, nri, [], undefined, true, true, 1, false);
}

function base(
  packetization: H264Packetization,
  header: number,
  nri: number,
  nalTypes: readonly number[],
  fuHeader: number | undefined,
  startOfNal: boolean,
  endOfNal: boolean,
  descriptorLength: number,
  isKeyFrame: boolean,
): H264Descriptor {
  return { packetization, header, nri, nalTypes, fuHeader, startOfNal, endOfNal, descriptorLength, isKeyFrame };
}

/** The header bytes of `d` (the inverse of `parseH264Descriptor` over `descriptorLength`). */
export function serializeH264Descriptor(d: H264Descriptor): Buffer {
  return d.fuHeader === undefined ? Buffer.from([d.header]) : Buffer.from([d.header, d.fuHeader]);
}

/** The key frame test without building the descriptor, for the hot path. */
export function isH264KeyFrame(payload: Uint8Array): boolean {
  const len = payload.length;
  if (len < 1) return false;
  const type = payload[0]! & 0x1f;
  if (type === H264_NAL_IDR || type === H264_NAL_SPS) return true;
  if (type === FU_A) {
    if (len < 2) return false;
    const fu = payload[1]!;
    const inner = fu & 0x1f;
    return (fu & 0x80) !== 0 && (inner === H264_NAL_IDR || inner === H264_NAL_SPS);
  }
  if (type === STAP_A) {
    let pos = 1;
    while (pos + 2 < len) {
      const size = (payload[pos]! << 8) | payload[pos + 1]!;
      pos += 2;
      if (size === 0 || pos + size > len) return false;
      const inner = payload[pos]! & 0x1f;
      if (inner === H264_NAL_IDR || inner === H264_NAL_SPS) return true;
      pos += size;
    }
  }
  return false;
}
