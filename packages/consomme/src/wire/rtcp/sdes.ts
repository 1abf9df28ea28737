/**
 * Source description (SDES, PT=202), RFC 3550 §6.5.
 * https://www.rfc-editor.org/rfc/rfc3550#section-6.5
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |V=2|P|    SC   |  PT=SDES=202  |             length            |
 *   +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *   |                          SSRC/CSRC_1                          |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |     type      |     length    |   text (length bytes) ...
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |  ... more items ...   | 0 (end) | null padding to 32 bits     |
 *   +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *   |                          SSRC/CSRC_2 ...                      |
 *
 * Item types 1..8 (§6.5.1–6.5.8). The item list ends with one to four null
 * octets reaching the next 32-bit boundary; a chunk padded otherwise, an
 * unknown item type, or text that is not exact UTF-8 makes the packet
 * 'unknown' so that re-serialization stays byte-exact.
 */
import { decodeExactUtf8, rtcpCount, rtcpHasPadding, RTCP_PT_SDES, writeRtcpHeader } from './header.js';

export type SdesItemType = 'cname' | 'name' | 'email' | 'phone' | 'loc' | 'tool' | 'note' | 'priv';

const ITEM_TYPES: readonly SdesItemType[] = ['cname', 'name', 'email', 'phone', 'loc', 'tool', 'note', 'priv'];

export interface SdesItem {
  readonly type: SdesItemType;
  /** At most 255 bytes of UTF-8. */
  readonly text: string;
}

export interface SdesChunk {
  readonly ssrc: number;
  readonly items: readonly SdesItem[];
}

export interface Sdes {
  readonly type: 'sdes';
  readonly chunks: readonly SdesChunk[];
}

export function parseSdes(packet: Buffer): Sdes | undefined {
  if (rtcpHasPadding(packet)) return undefined;
  const sc = rtcpCount(packet);
  const len = packet.length;
  const chunks: SdesChunk[] = [];
  let pos = 4;
  for (let c = 0; c < sc; c++) {
    if (pos + 4 > len) return undefined;
    const ssrc = packet.readUInt32BE(pos);
    pos += 4;
    const items: SdesItem[] = [];
    for (;;) {
      if (pos >= len) return undefined;
      const code = packet[pos]!;
      if (code === 0) break;
      const type = ITEM_TYPES[code - 1];
      if (type === undefined || pos + 2 > len) return undefined;
      const n = packet[pos + 1]!;
      if (pos + 2 + n > len) return undefined;
      const text = decodeExactUtf8(packet.subarray(pos + 2, pos + 2 + n));
      if (text === undefined) return undefined;
      items.push({ type, text });
      pos += 2 + n;
    }
    const end = (pos + 4) & ~3;
    if (end > len) return undefined;
    for (; pos < end; pos++) if (packet[pos] !== 0) return undefined;
    chunks.push({ ssrc, items });
  }
  return pos === len ? { type: 'sdes', chunks } : undefined;
}

function chunkLength(c: SdesChunk): number {
  let n = 4;
  for (const item of c.items) n += 2 + Buffer.byteLength(item.text, 'utf8');
  return (n + 4) & ~3;
}

export function sdesByteLength(p: Sdes): number {
  let n = 4;
  for (const c of p.chunks) n += chunkLength(c);
  return n;
}

/** At most 31 chunks and 255 bytes per text. Returns the offset after the packet. */
export function serializeSdesInto(p: Sdes, buf: Buffer, offset: number): number {
  let o = writeRtcpHeader(buf, offset, p.chunks.length, RTCP_PT_SDES, sdesByteLength(p));
  for (const c of p.chunks) {
    const end = o + chunkLength(c);
    buf.writeUInt32BE(c.ssrc >>> 0, o);
    o += 4;
    for (const item of c.items) {
      buf[o] = ITEM_TYPES.indexOf(item.type) + 1;
      const n = buf.write(item.text, o + 2, Math.min(255, end - o - 2), 'utf8');
      buf[o + 1] = n;
      o += 2 + n;
    }
    buf.fill(0, o, end);
    o = end;
  }
  return o;
}
