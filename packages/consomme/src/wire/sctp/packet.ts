/**
 * Structural check of one received SCTP packet before any state machine sees it.
 *
 * SCTP common header — RFC 9260 §3.1 — https://www.rfc-editor.org/rfc/rfc9260#section-3.1
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |     Source Port Number        |     Destination Port Number   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                      Verification Tag                         |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                           Checksum                            |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Chunk field format — RFC 9260 §3.2 — https://www.rfc-editor.org/rfc/rfc9260#section-3.2
 *
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |   Chunk Type  | Chunk  Flags  |        Chunk Length           |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  \                          Chunk Value                          \
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * The engine behind the association (werift-sctp) reads chunk bodies without
 * bounds checks, loops forever on a zero chunk or parameter length, throws on an
 * unknown chunk type and iterates SACK gap ranges without limit, so every field
 * it will read is bounded here first. Chunks whose type asks to be skipped
 * (upper bits 1x, RFC 9260 §3.2) are cut out and the packet re-checksummed.
 */
import { sctpChecksum, writeSctpChecksum } from './crc32c.js';
import { checkChunk, type ChunkProblem } from './chunk-rules.js';

export const SCTP_HEADER_LENGTH = 12;

export type SctpPacketProblem = 'too-short' | 'bad-checksum' | 'bad-chunk-length' | 'no-chunks' | 'unknown-chunk' | ChunkProblem;

/** Chunk types the engine understands (RFC 9260 §3.2, RFC 6525 §3.1, RFC 3758 §3.2). */
const KNOWN = new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 14, 130, 192]);

export const CHUNK_INIT = 1;
export const CHUNK_ABORT = 6;
export const CHUNK_SHUTDOWN = 7;

export interface SctpPacketInfo {
  readonly ok: true;
  /** The packet to hand on: the input, or a copy without skipped unknown chunks. */
  readonly packet: Buffer;
  readonly verificationTag: number;
  /** Bit set of chunk types seen (types 0..14 only; enough for INIT/ABORT/SHUTDOWN decisions). */
  readonly typeMask: number;
  readonly chunkCount: number;
}

export interface SctpPacketRejection {
  readonly ok: false;
  readonly problem: SctpPacketProblem;
}

const pad4 = (n: number): number => (n + 3) & ~3;

/** Never throws. */
export function inspectSctpPacket(buf: Buffer, verifyChecksum = true): SctpPacketInfo | SctpPacketRejection {
  if (buf.length < SCTP_HEADER_LENGTH + 4) return { ok: false, problem: 'too-short' };
  if (verifyChecksum && buf.readUInt32LE(8) !== sctpChecksum(buf)) return { ok: false, problem: 'bad-checksum' };
  let pos = SCTP_HEADER_LENGTH;
  let typeMask = 0;
  let count = 0;
  let skipped: Array<[number, number]> | undefined;
  while (pos < buf.length) {
    if (buf.length - pos < 4) {
      // Trailing bytes shorter than a chunk header can only be padding.
      if (buf.subarray(pos).every((b) => b === 0)) break;
      return { ok: false, problem: 'bad-chunk-length' };
    }
    const type = buf[pos]!;
    const length = buf.readUInt16BE(pos + 2);
    if (length < 4 || pos + length > buf.length) return { ok: false, problem: 'bad-chunk-length' };
    if (!KNOWN.has(type)) {
      // RFC 9260 §3.2: upper bits 00/01 stop processing and discard the packet.
      if ((type & 0x80) === 0) return { ok: false, problem: 'unknown-chunk' };
      (skipped ??= []).push([pos, Math.min(pos + pad4(length), buf.length)]);
    } else {
      const problem = checkChunk(buf, pos, length);
      if (problem !== undefined) return { ok: false, problem };
      if (type < 31) typeMask |= 1 << type;
      count++;
    }
    pos += pad4(length);
  }
  if (count === 0) return { ok: false, problem: 'no-chunks' };
  // RFC 9260 §6.10: INIT must be the only chunk in its packet, with a zero tag.
  if (typeMask & (1 << CHUNK_INIT) && (count !== 1 || buf.readUInt32BE(4) !== 0)) return { ok: false, problem: 'bad-init' };
  const packet = skipped === undefined ? buf : withoutRanges(buf, skipped);
  return { ok: true, packet, verificationTag: packet.readUInt32BE(4), typeMask, chunkCount: count };
}

function withoutRanges(buf: Buffer, ranges: Array<[number, number]>): Buffer {
  const parts: Buffer[] = [];
  let from = 0;
  for (const [start, end] of ranges) {
    parts.push(buf.subarray(from, start));
    from = end;
  }
  parts.push(buf.subarray(from));
  const out = Buffer.concat(parts);
  writeSctpChecksum(out);
  return out;
}
