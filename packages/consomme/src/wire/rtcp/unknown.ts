/**
 * Any RTCP packet this module does not model (APP, XR, other feedback
 * FMTs, padded packets other than transport-cc, or a known type whose body does not fit its
 * layout), kept raw so that it round-trips and can be relayed or ignored.
 * RFC 3550 §6.4.1 common header:
 *
 *   |V=2|P| RC/FMT  |      PT       |             length            |
 *   |                    body ((length) * 4 bytes)                  |
 */

export interface UnknownRtcp {
  readonly type: 'unknown';
  readonly packetType: number;
  /** The RC/SC/FMT field. */
  readonly count: number;
  /** The whole packet, header included; a view into the parsed buffer. */
  readonly raw: Buffer;
}

export function parseUnknownRtcp(packet: Buffer): UnknownRtcp | undefined {
  if (packet.length < 4) return undefined;
  return { type: 'unknown', packetType: packet[1]!, count: packet[0]! & 0x1f, raw: packet };
}

export function unknownRtcpByteLength(p: UnknownRtcp): number {
  return p.raw.length;
}

/** Copies `raw` as it is. Returns the offset after the packet. */
export function serializeUnknownRtcpInto(p: UnknownRtcp, buf: Buffer, offset: number): number {
  return offset + p.raw.copy(buf, offset);
}
