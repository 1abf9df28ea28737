/**
 * A padding-only RTP packet (RFC 3550 §5.1: P bit set, the last byte counts
 * the padding), as sent on a consumer's RTX stream for bandwidth probes. It
 * carries the transport-wide sequence number (so the receiver's transport-cc
 * feedback reports it) and the MID, in the one-byte header-extension form
 * (RFC 8285), so both ids must be 1..14 and the MID at most 16 bytes.
 */
export interface PaddingPacketFields {
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  transportCcExtensionId: number;
  transportSeq: number;
  /** 0 = no MID element. */
  midExtensionId: number;
  mid: Uint8Array;
  /** Wanted total size; the padding is 1..255 bytes. */
  size: number;
}

/** Writes the packet into `out` and returns its length. */
export function writePaddingPacket(out: Buffer, f: PaddingPacketFields): number {
  let ext = 0;
  const extStart = 16;
  out[extStart + ext++] = (f.transportCcExtensionId << 4) | 1;
  out.writeUInt16BE(f.transportSeq & 0xffff, extStart + ext);
  ext += 2;
  if (f.midExtensionId !== 0 && f.mid.length > 0) {
    out[extStart + ext++] = (f.midExtensionId << 4) | (f.mid.length - 1);
    out.set(f.mid, extStart + ext);
    ext += f.mid.length;
  }
  while (ext % 4 !== 0) out[extStart + ext++] = 0;
  const headerLength = extStart + ext;
  const padding = Math.min(255, Math.max(1, f.size - headerLength));
  out[0] = 0x80 | 0x20 | 0x10;
  out[1] = f.payloadType & 0x7f;
  out.writeUInt16BE(f.sequenceNumber & 0xffff, 2);
  out.writeUInt32BE(f.timestamp >>> 0, 4);
  out.writeUInt32BE(f.ssrc >>> 0, 8);
  out.writeUInt16BE(0xbede, 12);
  out.writeUInt16BE(ext / 4, 14);
  out.fill(0, headerLength, headerLength + padding - 1);
  out[headerLength + padding - 1] = padding;
  return headerLength + padding;
}

/**
 * RFC 4588 §4: `original` resent on the RTX stream: its header with the RTX
 * payload type, sequence number and SSRC (padding dropped), then the original
 * sequence number, then its payload. Returns the length written into `out`.
 */
export function writeRtxPacket(out: Buffer, original: Buffer, originalSeq: number, payloadType: number, rtxSeq: number, rtxSsrc: number): number {
  const cc = original[0]! & 0x0f;
  let headerLength = 12 + cc * 4;
  if (original[0]! & 0x10) headerLength += 4 + original.readUInt16BE(headerLength + 2) * 4;
  const paddingLength = (original[0]! & 0x20) !== 0 ? original[original.length - 1]! : 0;
  original.copy(out, 0, 0, headerLength);
  out[0] = out[0]! & ~0x20;
  out[1] = (out[1]! & 0x80) | (payloadType & 0x7f);
  out.writeUInt16BE(rtxSeq & 0xffff, 2);
  out.writeUInt32BE(rtxSsrc >>> 0, 8);
  out.writeUInt16BE(originalSeq & 0xffff, headerLength);
  original.copy(out, headerLength + 2, headerLength, original.length - paddingLength);
  return headerLength + 2 + (original.length - paddingLength - headerLength);
}
