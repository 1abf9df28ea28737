/**
 * Just enough of two container formats to take ffmpeg's encoded frames out of them.
 *
 * IVF (the libvpx test format): a 32-byte file header, then per frame a 12-byte header.
 *   file:  "DKIF" | version u16 | header length u16 | fourcc | width u16 | height u16 |
 *          timebase denominator u32 | timebase numerator u32 | frame count u32 | unused u32
 *   frame: size u32 | pts u64 | <size bytes>                    (all little-endian)
 *
 * Ogg (RFC 3533 §6): pages of "OggS" | version | flags | granule u64 | serial u32 |
 * page seq u32 | crc u32 | n segments | n lacing values | data. A packet is the
 * concatenation of segments up to the first lacing value below 255; it may span pages.
 * Opus in Ogg (RFC 7845 §5): the first two packets are OpusHead and OpusTags.
 */

export interface EncodedFrame {
  data: Buffer;
  /** In seconds from the first frame. */
  time: number;
  keyFrame: boolean;
}

/** VP8 frames of an IVF file, from its first keyframe on. Throws on a file that is not IVF: a setup error. */
export function readIvfFrames(file: Buffer): EncodedFrame[] {
  if (file.length < 32 || file.toString('latin1', 0, 4) !== 'DKIF') throw new Error('not an IVF file');
  const headerLength = file.readUInt16LE(6);
  const den = file.readUInt32LE(16);
  const num = file.readUInt32LE(20);
  const frames: EncodedFrame[] = [];
  let pos = headerLength;
  let firstPts: bigint | undefined;
  while (pos + 12 <= file.length) {
    const size = file.readUInt32LE(pos);
    const pts = file.readBigUInt64LE(pos + 4);
    const data = file.subarray(pos + 12, pos + 12 + size);
    pos += 12 + size;
    if (data.length !== size || size === 0) break;
    // VP8 frame tag, RFC 6386 §9.1: bit 0 of the first byte is 0 on a keyframe.
    const keyFrame = (data[0]! & 0x01) === 0;
    if (firstPts === undefined) {
      if (!keyFrame) continue;
      firstPts = pts;
    }
    frames.push({ data, time: (Number(pts - firstPts) * num) / den, keyFrame });
  }
  if (frames.length === 0) throw new Error('IVF file without a keyframe');
  return frames;
}

/** Opus packets of an Ogg Opus file (headers dropped), each with its own duration left to the caller. */
export function readOggOpusPackets(file: Buffer): Buffer[] {
  const packets: Buffer[] = [];
  let pending: Buffer[] = [];
  let pos = 0;
  while (pos + 27 <= file.length) {
    if (file.toString('latin1', pos, pos + 4) !== 'OggS') throw new Error(`Ogg: no capture pattern at ${pos}`);
    const segments = file[pos + 26]!;
    const lacing = file.subarray(pos + 27, pos + 27 + segments);
    let data = pos + 27 + segments;
    for (const len of lacing) {
      pending.push(file.subarray(data, data + len));
      data += len;
      if (len < 255) {
        packets.push(Buffer.concat(pending));
        pending = [];
      }
    }
    pos = data;
  }
  const [head, tags] = packets;
  if (head?.toString('latin1', 0, 8) !== 'OpusHead' || tags?.toString('latin1', 0, 8) !== 'OpusTags') {
    throw new Error('Ogg file is not Opus');
  }
  return packets.slice(2);
}
