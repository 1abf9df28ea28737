/**
 * Transport-wide congestion control feedback (RTPFB, PT=205, FMT=15),
 * draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1.
 * https://datatracker.ietf.org/doc/html/draft-holmer-rmcat-transport-wide-cc-extensions-01#section-3.1
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |V=2|P|  FMT=15 |    PT=205     |           length              |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                     SSRC of packet sender                     |
 *   |                      SSRC of media source                     |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |      base sequence number     |      packet status count      |
 *   |                 reference time                | fb pkt. count |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |          packet chunk         |         packet chunk          |  ...
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |         recv delta            |  recv delta   | zero padding  |  ...
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 *   Run length chunk:        |0| S |       run length (13)       |
 *   Status vector, 1-bit:    |1|0|  14 symbols, 1 bit each       |
 *   Status vector, 2-bit:    |1|1|  7 symbols, 2 bits each       |
 *   Symbols: 0 not received, 1 small delta (1 byte, unsigned),
 *            2 large or negative delta (2 bytes, signed), 3 reserved.
 *   Deltas count in 250 µs; the reference time counts in 64 ms (signed 24 bits).
 *
 * Padding (P=1, count in the last byte) is allowed, as libwebrtc sends it.
 * A parsed packet keeps its raw bytes and re-serializes them as they are,
 * since a status sequence has several valid chunk spellings. Feedback the
 * SFU sends itself is built from fields by `encodeTransportCc`, which always
 * picks the same spelling (see `encodeChunks`), so encode(parse(encode(x)))
 * gives back the same bytes.
 */
import { FEEDBACK_HEADER_LENGTH, rtcpHasPadding, RTCP_PT_RTPFB, writeFeedbackHeader } from './header.js';

export const TRANSPORT_CC_FMT = 15;
const FIXED = FEEDBACK_HEADER_LENGTH + 8;
const DELTA_UNIT_US = 250;

export interface TransportCcPacketStatus {
  readonly seq: number;
  readonly received: boolean;
  /** Arrival time minus the previous received packet's (or the reference time), µs; 0 when not received. */
  readonly deltaUs: number;
}

export interface TransportCc {
  readonly type: 'transport-cc';
  readonly senderSsrc: number;
  readonly mediaSsrc: number;
  readonly baseSequenceNumber: number;
  readonly packetStatusCount: number;
  /** Signed, in units of 64 ms. */
  readonly referenceTime: number;
  readonly feedbackPacketCount: number;
  readonly packets: readonly TransportCcPacketStatus[];
  /** The whole packet, header included; what `serialize` writes. A view into the parsed buffer. */
  readonly raw: Buffer;
}

export function parseTransportCc(packet: Buffer): TransportCc | undefined {
  let len = packet.length;
  if (len < FIXED) return undefined;
  // libwebrtc sets P and a count byte when it pads this packet to a word, so
  // padding is honoured here (the raw bytes keep it for re-serialization).
  if (rtcpHasPadding(packet)) {
    const pad = packet[len - 1]!;
    if (pad === 0 || pad > len - FIXED) return undefined;
    len -= pad;
  }
  const base = packet.readUInt16BE(12);
  const count = packet.readUInt16BE(14);
  const symbols = new Uint8Array(count);
  let pos = FIXED;
  let n = 0;
  while (n < count) {
    if (pos + 2 > len) return undefined;
    const chunk = packet.readUInt16BE(pos);
    pos += 2;
    if ((chunk & 0x8000) === 0) {
      const s = (chunk >> 13) & 0x03;
      const run = Math.min(chunk & 0x1fff, count - n);
      if (s === 3 && run > 0) return undefined;
      symbols.fill(s, n, n + run);
      n += run;
    } else if ((chunk & 0x4000) === 0) {
      for (let i = 13; i >= 0 && n < count; i--) symbols[n++] = (chunk >> i) & 0x01;
    } else {
      for (let i = 6; i >= 0 && n < count; i--) {
        const s = (chunk >> (i * 2)) & 0x03;
        if (s === 3) return undefined;
        symbols[n++] = s;
      }
    }
  }
  const packets: TransportCcPacketStatus[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const s = symbols[i]!;
    let deltaUs = 0;
    if (s === 1) {
      if (pos + 1 > len) return undefined;
      deltaUs = packet[pos]! * DELTA_UNIT_US;
      pos += 1;
    } else if (s === 2) {
      if (pos + 2 > len) return undefined;
      deltaUs = packet.readInt16BE(pos) * DELTA_UNIT_US;
      pos += 2;
    }
    packets[i] = { seq: (base + i) & 0xffff, received: s !== 0, deltaUs };
  }
  // Only the zero padding to the next word may follow the deltas.
  if (len - pos > 3) return undefined;
  return {
    type: 'transport-cc',
    senderSsrc: packet.readUInt32BE(4),
    mediaSsrc: packet.readUInt32BE(8),
    baseSequenceNumber: base,
    packetStatusCount: count,
    referenceTime: packet.readIntBE(16, 3),
    feedbackPacketCount: packet[19]!,
    packets,
    raw: packet,
  };
}

export function transportCcByteLength(p: TransportCc): number {
  return p.raw.length;
}

/** Copies `raw`. Returns the offset after the packet. */
export function serializeTransportCcInto(p: TransportCc, buf: Buffer, offset: number): number {
  return offset + p.raw.copy(buf, offset);
}

/** What `encodeTransportCc` needs: the parsed shape without its bytes. */
export interface TransportCcFields {
  readonly senderSsrc: number;
  readonly mediaSsrc: number;
  readonly baseSequenceNumber: number;
  /** Signed 24 bits, in units of 64 ms. */
  readonly referenceTime: number;
  readonly feedbackPacketCount: number;
  /**
   * One status per sequence number from the base, in order (`seq` must be
   * base + index, modulo 2^16). Deltas are whole multiples of 250 µs: 0..63750
   * µs is sent in one byte, any other value in -8192000..8191750 µs in two.
   */
  readonly packets: readonly TransportCcPacketStatus[];
}

/** Largest status count one packet can carry. */
const MAX_STATUSES = 0xffff;
const MAX_SMALL_DELTA = 255;
const MIN_LARGE_DELTA = -0x8000;
const MAX_LARGE_DELTA = 0x7fff;
const MAX_RUN = 0x1fff;

/** The symbol for a status: 0 not received, 1 small delta, 2 large or negative delta. */
function symbolOf(p: TransportCcPacketStatus): 0 | 1 | 2 {
  if (!p.received) return 0;
  const units = p.deltaUs / DELTA_UNIT_US;
  return units >= 0 && units <= MAX_SMALL_DELTA ? 1 : 2;
}

/** Throws RangeError on fields the format cannot carry (a caller bug, never packet data). */
function checkFields(f: TransportCcFields): void {
  const n = f.packets.length;
  if (n === 0 || n > MAX_STATUSES) throw new RangeError(`transport-cc: ${n} statuses (1..${MAX_STATUSES})`);
  if (!Number.isInteger(f.referenceTime) || f.referenceTime < -0x80_0000 || f.referenceTime > 0x7f_ffff) {
    throw new RangeError(`transport-cc: reference time ${f.referenceTime} is not a signed 24-bit integer`);
  }
  for (let i = 0; i < n; i++) {
    const p = f.packets[i]!;
    if (p.seq !== ((f.baseSequenceNumber + i) & 0xffff)) throw new RangeError(`transport-cc: status ${i} has seq ${p.seq}, expected base + ${i}`);
    if (!p.received) {
      if (p.deltaUs !== 0) throw new RangeError(`transport-cc: seq ${p.seq} not received but has a delta`);
      continue;
    }
    const units = p.deltaUs / DELTA_UNIT_US;
    if (!Number.isInteger(units) || units < MIN_LARGE_DELTA || units > MAX_LARGE_DELTA) {
      throw new RangeError(`transport-cc: delta ${p.deltaUs} µs of seq ${p.seq} is not a multiple of 250 µs within ±8192 ms`);
    }
  }
}

/**
 * One deterministic chunk spelling, greedy from the front:
 * - a run of 14 or more equal symbols is one run-length chunk (up to 8191);
 * - else, when the next 14 symbols (or all that remain) are 0 or 1, one
 *   1-bit vector carries them;
 * - else a run of 7 or more is a run-length chunk, and anything shorter
 *   goes into a 2-bit vector of 7.
 * Vectors at the end may have unused slots; they are written as 0 and the
 * reader stops at the status count.
 */
function encodeChunks(symbols: Uint8Array): number[] {
  const chunks: number[] = [];
  const n = symbols.length;
  let i = 0;
  while (i < n) {
    const s = symbols[i]!;
    let run = 1;
    while (i + run < n && run < MAX_RUN && symbols[i + run] === s) run++;
    if (run >= 14) {
      chunks.push((s << 13) | run);
      i += run;
      continue;
    }
    const end14 = Math.min(n, i + 14);
    let oneBit = true;
    for (let j = i; j < end14; j++) if (symbols[j]! > 1) oneBit = false;
    if (oneBit) {
      let chunk = 0x8000;
      for (let j = i; j < end14; j++) chunk |= symbols[j]! << (13 - (j - i));
      chunks.push(chunk);
      i = end14;
    } else if (run >= 7) {
      chunks.push((s << 13) | run);
      i += run;
    } else {
      const end7 = Math.min(n, i + 7);
      let chunk = 0xc000;
      for (let j = i; j < end7; j++) chunk |= symbols[j]! << (2 * (6 - (j - i)));
      chunks.push(chunk);
      i = end7;
    }
  }
  return chunks;
}

/**
 * Builds one transport-cc feedback packet (zero padding to a word, P=0, as
 * the draft describes). Throws RangeError when a field does not fit the
 * format; the feedback generator never asks for that.
 */
export function encodeTransportCc(f: TransportCcFields): Buffer {
  checkFields(f);
  const n = f.packets.length;
  const symbols = new Uint8Array(n);
  let deltaBytes = 0;
  for (let i = 0; i < n; i++) {
    const s = symbolOf(f.packets[i]!);
    symbols[i] = s;
    deltaBytes += s;
  }
  const chunks = encodeChunks(symbols);
  const unpadded = FIXED + chunks.length * 2 + deltaBytes;
  const byteLength = (unpadded + 3) & ~3;
  const out = Buffer.alloc(byteLength);
  let o = writeFeedbackHeader(out, 0, TRANSPORT_CC_FMT, RTCP_PT_RTPFB, byteLength, f.senderSsrc, f.mediaSsrc);
  out.writeUInt16BE(f.baseSequenceNumber & 0xffff, o);
  out.writeUInt16BE(n, o + 2);
  out.writeUIntBE(f.referenceTime & 0xff_ffff, o + 4, 3);
  out[o + 7] = f.feedbackPacketCount & 0xff;
  o += 8;
  for (const chunk of chunks) {
    out.writeUInt16BE(chunk, o);
    o += 2;
  }
  for (let i = 0; i < n; i++) {
    const s = symbols[i]!;
    const units = f.packets[i]!.deltaUs / DELTA_UNIT_US;
    if (s === 1) out[o++] = units;
    else if (s === 2) {
      out.writeInt16BE(units, o);
      o += 2;
    }
  }
  return out;
}

/** `encodeTransportCc` as a packet value, for compounds. */
export function buildTransportCc(f: TransportCcFields): TransportCc {
  const raw = encodeTransportCc(f);
  return { ...parseTransportCc(raw)!, raw };
}
