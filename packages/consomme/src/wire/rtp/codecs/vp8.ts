/**
 * VP8 payload descriptor, RFC 7741 §4.2, and the first byte of the VP8
 * payload header, §4.3.
 * https://www.rfc-editor.org/rfc/rfc7741#section-4.2
 *
 *         0 1 2 3 4 5 6 7
 *        +-+-+-+-+-+-+-+-+
 *        |X|R|N|S|R| PID | (REQUIRED)
 *        +-+-+-+-+-+-+-+-+
 *   X:   |I|L|T|K| RSV   | (OPTIONAL)
 *        +-+-+-+-+-+-+-+-+
 *   I:   |M| PictureID   | (OPTIONAL)
 *        +-+-+-+-+-+-+-+-+
 *   M:   | PictureID     | (OPTIONAL, 15-bit picture id when M=1)
 *        +-+-+-+-+-+-+-+-+
 *   L:   |   TL0PICIDX   | (OPTIONAL)
 *        +-+-+-+-+-+-+-+-+
 *   T/K: |TID|Y| KEYIDX  | (OPTIONAL)
 *        +-+-+-+-+-+-+-+-+
 *
 *   payload header (first partition, S=1 and PID=0):
 *        +-+-+-+-+-+-+-+-+
 *        |Size0|H| VER |P|   P=0: key frame
 *        +-+-+-+-+-+-+-+-+
 */

export interface Vp8Descriptor {
  readonly nonReference: boolean;
  readonly startOfPartition: boolean;
  readonly partitionIndex: number;
  /** 0 when absent, else 7 or 15 (the M bit). */
  readonly pictureIdBits: 0 | 7 | 15;
  readonly pictureId: number | undefined;
  readonly tl0PicIdx: number | undefined;
  /** TID, present when T=1. */
  readonly temporalLayerId: number | undefined;
  /** The Y bit; meaningful only when T=1. */
  readonly layerSync: boolean;
  /** KEYIDX, present when K=1. */
  readonly keyIdx: number | undefined;
  /** The R bits of the first byte and RSV of the X byte, kept so the descriptor re-serializes identically. */
  readonly reservedBits: number;
  /** Whether the X byte was present. */
  readonly extended: boolean;
  readonly descriptorLength: number;
  readonly isKeyFrame: boolean;
}

/** The descriptor at the start of an RTP payload, or undefined when it overruns it. */
export function parseVp8Descriptor(payload: Uint8Array): Vp8Descriptor | undefined {
  const len = payload.length;
  if (len < 1) return undefined;
  const b0 = payload[0]!;
  let pos = 1;
  let pictureIdBits: 0 | 7 | 15 = 0;
  let pictureId: number | undefined;
  let tl0PicIdx: number | undefined;
  let temporalLayerId: number | undefined;
  let layerSync = false;
  let keyIdx: number | undefined;
  let reservedBits = b0 & 0x48;
  const extended = (b0 & 0x80) !== 0;
  if (extended) {
    if (pos >= len) return undefined;
    const x = payload[pos++]!;
    reservedBits |= (x & 0x0f) << 8;
    if (x & 0x80) {
      if (pos >= len) return undefined;
      const p0 = payload[pos++]!;
      if (p0 & 0x80) {
        if (pos >= len) return undefined;
        pictureIdBits = 15;
        pictureId = ((p0 & 0x7f) << 8) | payload[pos++]!;
      } else {
        pictureIdBits = 7;
        pictureId = p0;
      }
    }
    if (x & 0x40) {
      if (pos >= len) return undefined;
      tl0PicIdx = payload[pos++]!;
    }
    if (x & 0x30) {
      if (pos >= len) return undefined;
      const tk = payload[pos++]!;
      if (x & 0x20) {
        temporalLayerId = tk >> 6;
        layerSync = (tk & 0x20) !== 0;
      } else {
        reservedBits |= (tk & 0xe0) << 12;
      }
      if (x & 0x10) keyIdx = tk & 0x1f;
      else reservedBits |= (tk & 0x1f) << 24;
    }
  }
  const startOfPartition = (b0 & 0x10) !== 0;
  const partitionIndex = b0 & 0x07;
  const isKeyFrame = startOfPartition && partitionIndex === 0 && pos < len && (payload[pos]! & 0x01) === 0;
  return {
    nonReference: (b0 & 0x20) !== 0,
    startOfPartition,
    partitionIndex,
    pictureIdBits,
    pictureId,
    tl0PicIdx,
    temporalLayerId,
    layerSync,
    keyIdx,
    reservedBits,
    extended,
    descriptorLength: pos,
    isKeyFrame,
  };
}

/** The descriptor bytes for `d` (the inverse of `parseVp8Descriptor`). */
export function serializeVp8Descriptor(d: Vp8Descriptor): Buffer {
  const out: number[] = [];
  const r = d.reservedBits;
  const hasT = d.temporalLayerId !== undefined;
  const hasK = d.keyIdx !== undefined;
  const extended = d.extended || d.pictureIdBits !== 0 || d.tl0PicIdx !== undefined || hasT || hasK;
  out.push(
    (extended ? 0x80 : 0) | (r & 0x48) | (d.nonReference ? 0x20 : 0) | (d.startOfPartition ? 0x10 : 0) | (d.partitionIndex & 0x07),
  );
  if (!extended) return Buffer.from(out);
  out.push(
    (d.pictureIdBits !== 0 ? 0x80 : 0) | (d.tl0PicIdx !== undefined ? 0x40 : 0) | (hasT ? 0x20 : 0) | (hasK ? 0x10 : 0) | ((r >> 8) & 0x0f),
  );
  if (d.pictureIdBits === 15) out.push(0x80 | (((d.pictureId ?? 0) >> 8) & 0x7f), (d.pictureId ?? 0) & 0xff);
  else if (d.pictureIdBits === 7) out.push((d.pictureId ?? 0) & 0x7f);
  if (d.tl0PicIdx !== undefined) out.push(d.tl0PicIdx & 0xff);
  if (hasT || hasK) {
    const high = hasT ? (((d.temporalLayerId ?? 0) & 0x03) << 6) | (d.layerSync ? 0x20 : 0) : (r >> 12) & 0xe0;
    const low = hasK ? (d.keyIdx ?? 0) & 0x1f : (r >> 24) & 0x1f;
    out.push(high | low);
  }
  return Buffer.from(out);
}

/** S=1, PID=0 and P=0 in the payload header: no allocation, for the hot path. */
export function isVp8KeyFrame(payload: Uint8Array): boolean {
  const len = payload.length;
  if (len < 1) return false;
  const b0 = payload[0]!;
  if ((b0 & 0x17) !== 0x10) return false;
  let pos = 1;
  if (b0 & 0x80) {
    if (pos >= len) return false;
    const x = payload[pos++]!;
    if (x & 0x80) {
      if (pos >= len) return false;
      pos += payload[pos]! & 0x80 ? 2 : 1;
    }
    if (x & 0x40) pos++;
    if (x & 0x30) pos++;
  }
  return pos < len && (payload[pos]! & 0x01) === 0;
}

/** Offset of the picture id inside the descriptor, or -1. */
function pictureIdOffset(payload: Uint8Array): number {
  if (payload.length < 3 || (payload[0]! & 0x80) === 0 || (payload[1]! & 0x80) === 0) return -1;
  return 2;
}

/**
 * Rewrites the picture id in place, keeping its width (a 7-bit id takes the
 * low 7 bits), so a forwarded stream stays continuous across layer or
 * producer switches. False when the descriptor carries no picture id.
 */
export function rewriteVp8PictureId(payload: Uint8Array, pictureId: number): boolean {
  const at = pictureIdOffset(payload);
  if (at < 0) return false;
  if (payload[at]! & 0x80) {
    if (at + 1 >= payload.length) return false;
    payload[at] = 0x80 | ((pictureId >> 8) & 0x7f);
    payload[at + 1] = pictureId & 0xff;
  } else {
    payload[at] = pictureId & 0x7f;
  }
  return true;
}

/** Rewrites TL0PICIDX in place; false when the descriptor carries none. */
export function rewriteVp8Tl0PicIdx(payload: Uint8Array, tl0PicIdx: number): boolean {
  if (payload.length < 2 || (payload[0]! & 0x80) === 0) return false;
  const x = payload[1]!;
  if ((x & 0x40) === 0) return false;
  let pos = 2;
  if (x & 0x80) {
    if (pos >= payload.length) return false;
    pos += payload[pos]! & 0x80 ? 2 : 1;
  }
  if (pos >= payload.length) return false;
  payload[pos] = tl0PicIdx & 0xff;
  return true;
}
