/**
 * Which protocol a datagram on a WebRTC 5-tuple belongs to, from its first
 * bytes. RFC 7983 §7 — https://www.rfc-editor.org/rfc/rfc7983#section-7
 * RTP vs RTCP: RFC 5761 §4 — https://www.rfc-editor.org/rfc/rfc5761#section-4
 *
 *               +----------------+
 *               |        [0..3] -+--> STUN
 *               |      [16..19] -+--> ZRTP        (not used by WebRTC: unknown)
 *   packet -->  |      [20..63] -+--> DTLS
 *               |      [64..79] -+--> TURN Channel (not used here: unknown)
 *               |    [128..191] -+--> RTP/RTCP
 *               +----------------+
 *
 *  RTP/RTCP second byte:  |M| PT (7 bits) |  or  |  RTCP packet type (8 bits) |
 *  RTCP types 192..223 (SR 200, RR 201, SDES, BYE, APP, RTPFB 205, PSFB 206, …)
 *  fall where an RTP marker bit plus payload types 64..95 would be, which
 *  RFC 5761 §4 forbids for RTP when multiplexing; so 192..223 → RTCP.
 */

export type DatagramKind = 'stun' | 'dtls' | 'rtp' | 'rtcp' | 'unknown';

/** Never throws; an empty packet, or RTP/RTCP too short to tell apart, is 'unknown'. */
export function classifyDatagram(packet: Uint8Array): DatagramKind {
  if (packet.length === 0) return 'unknown';
  const b0 = packet[0]!;
  if (b0 <= 3) return 'stun';
  if (b0 >= 20 && b0 <= 63) return 'dtls';
  if (b0 >= 128 && b0 <= 191) {
    if (packet.length < 2) return 'unknown';
    const b1 = packet[1]!;
    return b1 >= 192 && b1 <= 223 ? 'rtcp' : 'rtp';
  }
  return 'unknown';
}
