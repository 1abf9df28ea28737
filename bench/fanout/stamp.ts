/**
 * The send-time stamp the feeder puts in every RTP packet, read by the light viewer.
 *
 * It travels as RTP padding (RFC 3550 §5.1, P=1), the last 12 bytes of the packet:
 *
 *   | send time, ns of CLOCK_MONOTONIC (u64 BE) | 'F' 'N' 'T' | 12 |
 *
 * Why padding and not a header extension: an SFU forwards only the extensions it
 * negotiated with the receiver and rewrites some (Janus 1.x replaces the publisher's
 * extensions with its own; Consommé remaps ids and drops unnegotiated ones), while both
 * forward the payload, padding included, byte for byte. Decoders ignore padding, so
 * libwebrtc viewers still decode the stream. process.hrtime is CLOCK_MONOTONIC, which all
 * processes on the machine share, so feeder and viewers may live in different processes.
 * (Retransmissions lose the stamp: RTX strips padding. They are not timed.)
 */
export const STAMP_LENGTH = 12;
const MAGIC = 0x464e54; // 'FNT'

/** Writes the stamp into the last 12 bytes of `buf`, which must already carry P=1 and room for it. */
export function writeStamp(buf: Buffer, nowNs: bigint): void {
  const at = buf.length - STAMP_LENGTH;
  buf.writeBigUInt64BE(nowNs, at);
  buf.writeUIntBE(MAGIC, at + 8, 3);
  buf[at + 11] = STAMP_LENGTH;
}

/** The send time in ns, or -1n when the packet carries no stamp (no padding, or other padding). */
export function readStamp(buf: Buffer): bigint {
  const len = buf.length;
  if (len < 12 + STAMP_LENGTH || (buf[0]! & 0x20) === 0 || buf[len - 1] !== STAMP_LENGTH) return -1n;
  const at = len - STAMP_LENGTH;
  if (buf.readUIntBE(at + 8, 3) !== MAGIC) return -1n;
  return buf.readBigUInt64BE(at);
}
