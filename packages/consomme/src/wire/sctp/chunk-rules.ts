/**
 * Per-chunk-type bounds, checked before the engine reads a chunk's body.
 *
 * DATA — RFC 9260 §3.3.1 — https://www.rfc-editor.org/rfc/rfc9260#section-3.3.1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |   Type = 0    |  Res  |I|U|B|E|            Length             |
 *  |                              TSN                              |
 *  |      Stream Identifier S      |   Stream Sequence Number n    |
 *  |                  Payload Protocol Identifier                  |
 *  \                 User Data (seq n of Stream S)                 \
 *
 * INIT / INIT ACK — RFC 9260 §3.3.2, §3.3.3
 *  |   Type = 1|2  |  Chunk Flags  |      Chunk Length             |
 *  |                         Initiate Tag                          |
 *  |          Advertised Receiver Window Credit (a_rwnd)           |
 *  |  Number of Outbound Streams   |   Number of Inbound Streams   |
 *  |                          Initial TSN                          |
 *  \              Optional/Variable-Length Parameters              \
 *
 * SACK — RFC 9260 §3.3.4
 *  |   Type = 3    |Chunk  Flags   |      Chunk Length             |
 *  |                      Cumulative TSN Ack                       |
 *  |          Advertised Receiver Window Credit (a_rwnd)           |
 *  | Number of Gap Ack Blocks = N  |  Number of Duplicate TSNs = M |
 *  |    Gap Ack Block #1 Start     |     Gap Ack Block #1 End      |  (N times)
 *  |                        Duplicate TSN 1                        |  (M times)
 *
 * SHUTDOWN — RFC 9260 §3.3.8: 4-byte header + Cumulative TSN Ack (length 8).
 * FORWARD TSN — RFC 3758 §3.2: header + New Cumulative TSN + N × (Stream, Stream Sequence).
 * RE-CONFIG — RFC 6525 §3.1: header + re-configuration parameters (TLV, §4).
 * HEARTBEAT, ABORT, ERROR — RFC 9260 §3.3.5–3.3.10: header + TLV parameters / error causes.
 */

export type ChunkProblem = 'bad-chunk' | 'bad-init' | 'bad-sack' | 'bad-params';

/**
 * Walks TLV parameters (RFC 9260 §3.2.1: Type(2) Length(2) Value, padded to 4),
 * returning false on a length the engine would loop on or overrun.
 */
function paramsValid(buf: Buffer, start: number, end: number, reconfig: boolean): boolean {
  let pos = start;
  while (pos < end) {
    if (end - pos < 4) return false;
    const type = buf.readUInt16BE(pos);
    const length = buf.readUInt16BE(pos + 2);
    if (length < 4 || pos + length > end) return false;
    if (reconfig && !reconfigParamValid(type, length)) return false;
    pos += (length + 3) & ~3;
  }
  return true;
}

/** RFC 6525 §4.1 (13: 16 + 2N), §4.4 (16: 12, 20), §4.5/4.6 (17/18: 12); others are left for the engine to ignore. */
function reconfigParamValid(type: number, length: number): boolean {
  switch (type) {
    case 13:
      return length >= 16 && (length - 16) % 2 === 0;
    case 16:
      return length === 12 || length === 20;
    case 17:
      return length === 12;
    default:
      return true;
  }
}

function hasCookie(buf: Buffer, start: number, end: number): boolean {
  for (let pos = start; pos + 4 <= end; ) {
    const length = buf.readUInt16BE(pos + 2);
    if (buf.readUInt16BE(pos) === 7) return length > 4;
    pos += (length + 3) & ~3;
  }
  return false;
}

/** Checks the chunk at `buf[pos, pos + length)`; `length` already fits the packet. */
export function checkChunk(buf: Buffer, pos: number, length: number): ChunkProblem | undefined {
  const end = pos + length;
  switch (buf[pos]) {
    case 0: // DATA: a chunk without user data is a protocol violation (RFC 9260 §6.2).
      return length >= 17 ? undefined : 'bad-chunk';
    case 1:
    case 2: {
      if (length < 20) return 'bad-init';
      // RFC 9260 §3.3.2: a zero initiate tag or zero stream counts are fatal.
      if (buf.readUInt32BE(pos + 4) === 0) return 'bad-init';
      if (buf.readUInt16BE(pos + 12) === 0 || buf.readUInt16BE(pos + 14) === 0) return 'bad-init';
      if (buf.readUInt32BE(pos + 8) < 1500) return 'bad-init';
      if (!paramsValid(buf, pos + 20, end, false)) return 'bad-params';
      if (buf[pos] === 2 && !hasCookie(buf, pos + 20, end)) return 'bad-init';
      return undefined;
    }
    case 3: {
      if (length < 16) return 'bad-sack';
      const gaps = buf.readUInt16BE(pos + 12);
      const dups = buf.readUInt16BE(pos + 14);
      if (16 + 4 * (gaps + dups) > length) return 'bad-sack';
      // Ascending, non-overlapping blocks bound the engine's per-offset walk to 65535 steps.
      let prevEnd = 0;
      for (let i = 0; i < gaps; i++) {
        const s = buf.readUInt16BE(pos + 16 + 4 * i);
        const e = buf.readUInt16BE(pos + 18 + 4 * i);
        if (s === 0 || s > e || s <= prevEnd) return 'bad-sack';
        prevEnd = e;
      }
      return undefined;
    }
    case 4:
    case 5:
      return length >= 8 && paramsValid(buf, pos + 4, end, false) ? undefined : 'bad-params';
    case 6:
    case 9:
      return paramsValid(buf, pos + 4, end, false) ? undefined : 'bad-params';
    case 7:
      return length === 8 ? undefined : 'bad-chunk';
    case 8:
    case 11:
    case 14:
      return length === 4 ? undefined : 'bad-chunk';
    case 10:
      return length > 4 ? undefined : 'bad-chunk';
    case 130:
      return length >= 8 && paramsValid(buf, pos + 4, end, true) ? undefined : 'bad-params';
    case 192:
      return length >= 8 && (length - 8) % 4 === 0 ? undefined : 'bad-chunk';
    default:
      return undefined;
  }
}
