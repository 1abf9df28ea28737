/**
 * The RTCP packet union and the tables that dispatch on it: parsing on
 * (packet type, FMT) and serializing on the `type` string. RFC 3550 §6.4.1
 * common header (https://www.rfc-editor.org/rfc/rfc3550#section-6.4.1):
 *
 *   |V=2|P| RC/FMT  |      PT       |             length            |
 *
 *   PT 200 SR, 201 RR, 202 SDES, 203 BYE,
 *   205 RTPFB (FMT 1 NACK, 15 transport-cc), 206 PSFB (FMT 1 PLI, 4 FIR, 15 REMB).
 */
import { parseBye, byeByteLength, serializeByeInto } from './bye.js';
import type { Bye } from './bye.js';
import { parseFir, firByteLength, serializeFirInto, FIR_FMT } from './fir.js';
import type { Fir } from './fir.js';
import { RTCP_PT_BYE, RTCP_PT_PSFB, RTCP_PT_RR, RTCP_PT_RTPFB, RTCP_PT_SDES, RTCP_PT_SR } from './header.js';
import { parseNack, nackByteLength, serializeNackInto, NACK_FMT } from './nack.js';
import type { GenericNack } from './nack.js';
import { parsePli, pliByteLength, serializePliInto, PLI_FMT } from './pli.js';
import type { Pli } from './pli.js';
import { parseRemb, rembByteLength, serializeRembInto, REMB_FMT } from './remb.js';
import type { Remb } from './remb.js';
import { parseReceiverReport, receiverReportByteLength, serializeReceiverReportInto } from './rr.js';
import type { ReceiverReport } from './rr.js';
import { parseSdes, sdesByteLength, serializeSdesInto } from './sdes.js';
import type { Sdes } from './sdes.js';
import { parseSenderReport, senderReportByteLength, serializeSenderReportInto } from './sr.js';
import type { SenderReport } from './sr.js';
import { parseTransportCc, transportCcByteLength, serializeTransportCcInto, TRANSPORT_CC_FMT } from './transport-cc.js';
import type { TransportCc } from './transport-cc.js';
import { unknownRtcpByteLength, serializeUnknownRtcpInto } from './unknown.js';
import type { UnknownRtcp } from './unknown.js';

export type RtcpPacket =
  | SenderReport
  | ReceiverReport
  | Sdes
  | Bye
  | GenericNack
  | Pli
  | Fir
  | Remb
  | TransportCc
  | UnknownRtcp;

export type RtcpPacketType = RtcpPacket['type'];

type Parser = (packet: Buffer) => RtcpPacket | undefined;

/** Keyed by packet type, then (for feedback types) by FMT. */
const PARSERS: ReadonlyMap<number, Parser | ReadonlyMap<number, Parser>> = new Map<
  number,
  Parser | ReadonlyMap<number, Parser>
>([
  [RTCP_PT_SR, parseSenderReport],
  [RTCP_PT_RR, parseReceiverReport],
  [RTCP_PT_SDES, parseSdes],
  [RTCP_PT_BYE, parseBye],
  [
    RTCP_PT_RTPFB,
    new Map<number, Parser>([
      [NACK_FMT, parseNack],
      [TRANSPORT_CC_FMT, parseTransportCc],
    ]),
  ],
  [
    RTCP_PT_PSFB,
    new Map<number, Parser>([
      [PLI_FMT, parsePli],
      [FIR_FMT, parseFir],
      [REMB_FMT, parseRemb],
    ]),
  ],
]);

/**
 * One packet whose header the caller has validated (version 2, `packet`
 * exactly `(length + 1) * 4` bytes). A packet that does not fit its type's
 * layout comes back as 'unknown'.
 */
export function parseRtcpPacket(packet: Buffer): RtcpPacket {
  let entry = PARSERS.get(packet[1]!);
  if (entry !== undefined && typeof entry !== 'function') entry = entry.get(packet[0]! & 0x1f);
  const parsed = entry === undefined ? undefined : entry(packet);
  return parsed ?? { type: 'unknown', packetType: packet[1]!, count: packet[0]! & 0x1f, raw: packet };
}

interface Writer<P extends RtcpPacket> {
  byteLength(p: P): number;
  serializeInto(p: P, buf: Buffer, offset: number): number;
}

const WRITERS: { readonly [K in RtcpPacketType]: Writer<Extract<RtcpPacket, { type: K }>> } = {
  sr: { byteLength: senderReportByteLength, serializeInto: serializeSenderReportInto },
  rr: { byteLength: receiverReportByteLength, serializeInto: serializeReceiverReportInto },
  sdes: { byteLength: sdesByteLength, serializeInto: serializeSdesInto },
  bye: { byteLength: byeByteLength, serializeInto: serializeByeInto },
  nack: { byteLength: nackByteLength, serializeInto: serializeNackInto },
  pli: { byteLength: pliByteLength, serializeInto: serializePliInto },
  fir: { byteLength: firByteLength, serializeInto: serializeFirInto },
  remb: { byteLength: rembByteLength, serializeInto: serializeRembInto },
  'transport-cc': { byteLength: transportCcByteLength, serializeInto: serializeTransportCcInto },
  unknown: { byteLength: unknownRtcpByteLength, serializeInto: serializeUnknownRtcpInto },
};

export function rtcpPacketByteLength(p: RtcpPacket): number {
  return (WRITERS[p.type] as Writer<RtcpPacket>).byteLength(p);
}

/** Returns the offset after the packet. */
export function serializeRtcpPacketInto(p: RtcpPacket, buf: Buffer, offset: number): number {
  return (WRITERS[p.type] as Writer<RtcpPacket>).serializeInto(p, buf, offset);
}
