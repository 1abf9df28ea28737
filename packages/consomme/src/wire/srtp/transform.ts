/**
 * The per-direction cryptographic transform of an SRTP session: everything
 * that depends on the profile and the session keys, nothing that depends on
 * per-SSRC state (the session supplies the packet index). Lengths and header
 * bounds are checked by the caller before these run.
 */
export interface SrtpTransform {
  readonly rtpTagLength: number;
  readonly rtcpTagLength: number;
  /** Where E|SRTCP index sits in a protected RTCP packet of `length` bytes. */
  rtcpTrailerOffset(length: number): number;
  /** Protects packet[0..length); the packet may be a larger scratch buffer. */
  protectRtp(packet: Buffer, headerLength: number, ssrc: number, index: number, length: number): Buffer;
  /** Undefined when authentication fails. */
  unprotectRtp(packet: Buffer, headerLength: number, ssrc: number, index: number): Buffer | undefined;
  protectRtcp(packet: Buffer, ssrc: number, index: number, encrypt: boolean): Buffer;
  /** Undefined when authentication fails. */
  unprotectRtcp(packet: Buffer, ssrc: number, index: number, encrypted: boolean): Buffer | undefined;
}

/** Session keys and salts of one direction, as derived by the KDF (or given by a test vector). */
export interface SrtpSessionKeys {
  readonly rtpKey: Uint8Array;
  readonly rtpSalt: Uint8Array;
  /** Empty for AEAD profiles. */
  readonly rtpAuthKey: Uint8Array;
  readonly rtcpKey: Uint8Array;
  readonly rtcpSalt: Uint8Array;
  /** Empty for AEAD profiles. */
  readonly rtcpAuthKey: Uint8Array;
}

/** The E flag (bit 31) and 31-bit SRTCP index, as sent on the wire. */
export function rtcpTrailer(index: number, encrypted: boolean): number {
  return (encrypted ? 0x80000000 : 0) + (index & 0x7fffffff);
}
