/**
 * Transport-wide congestion control feedback (RTPFB, PT=205, FMT=15),
 * draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1. Parse only.
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
 * The raw bytes are kept and re-serialized as they are, since the SFU only
 * reads this feedback and a chunk sequence has several valid spellings.
 */
import { FEEDBACK_HEADER_LENGTH, rtcpHasPadding } from './header.js';

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
