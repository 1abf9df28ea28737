/**
 * AEAD_AES_128_GCM / AEAD_AES_256_GCM for SRTP and SRTCP, RFC 7714 §8–§9
 * (https://www.rfc-editor.org/rfc/rfc7714#section-8). The tag is 16 bytes.
 *
 * SRTP:                                    SRTCP:
 *   +--------------------------------+       +--------------------------------+
 *   | RTP header, CSRCs, extension   | AAD   | RTCP header (first 8 bytes)    | AAD
 *   +--------------------------------+       +--------------------------------+
 *   | payload (encrypted)            |       | rest of compound (encrypted)   |
 *   +--------------------------------+       +--------------------------------+
 *   | tag (16)                       |       | tag (16)                       |
 *   +--------------------------------+       +--------------------------------+
 *                                            |E|       SRTCP index (31)       | AAD
 *                                            +--------------------------------+
 *
 * 96-bit IVs, XORed with the session salt (§8.1, §9.1):
 *   SRTP:  00 00 | SSRC (4) | ROC (4) | SEQ (2)
 *   SRTCP: 00 00 | SSRC (4) | 00 00 | 0 | SRTCP index (31 bits)
 *
 * With E = 0 the whole RTCP packet and E|index are AAD and nothing is encrypted.
 */
import { AesGcm, GCM_TAG_LENGTH } from './aes-gcm.js';
import { rtcpTrailer, type SrtpSessionKeys, type SrtpTransform } from './transform.js';

const RTCP_HEADER = 8;

export class AesGcmTransform implements SrtpTransform {
  readonly rtpTagLength = GCM_TAG_LENGTH;
  readonly rtcpTagLength = GCM_TAG_LENGTH;
  readonly #rtp: AesGcm;
  readonly #rtcp: AesGcm;
  readonly #rtpSalt: Uint8Array;
  readonly #rtcpSalt: Uint8Array;
  readonly #iv = new Uint8Array(12);
  /** RTCP header || E|index, the AAD of an encrypted SRTCP packet. */
  readonly #rtcpAad = new Uint8Array(12);

  constructor(keys: SrtpSessionKeys) {
    this.#rtp = new AesGcm(keys.rtpKey);
    this.#rtcp = new AesGcm(keys.rtcpKey);
    this.#rtpSalt = keys.rtpSalt;
    this.#rtcpSalt = keys.rtcpSalt;
  }

  rtcpTrailerOffset(length: number): number {
    return length - 4;
  }

  protectRtp(packet: Buffer, headerLength: number, ssrc: number, index: number, length: number): Buffer {
    const out = Buffer.allocUnsafe(length + GCM_TAG_LENGTH);
    const iv = this.#setIv(this.#rtpSalt, ssrc, Math.floor(index / 0x100000000), index >>> 0);
    if (this.#rtp.sealRtp(iv, packet, headerLength, length, out)) return out;
    packet.copy(out, 0, 0, headerLength);
    this.#rtp.seal(iv, out, 0, headerLength, packet, headerLength, length, out, headerLength, length);
    return out;
  }

  unprotectRtp(packet: Buffer, headerLength: number, ssrc: number, index: number): Buffer | undefined {
    const end = packet.length - GCM_TAG_LENGTH;
    const out = Buffer.allocUnsafe(end);
    const iv = this.#setIv(this.#rtpSalt, ssrc, Math.floor(index / 0x100000000), index >>> 0);
    if (!this.#rtp.open(iv, packet, 0, headerLength, packet, headerLength, end, packet, end, out, headerLength)) {
      return undefined;
    }
    packet.copy(out, 0, 0, headerLength);
    return out;
  }

  protectRtcp(packet: Buffer, ssrc: number, index: number, encrypt: boolean): Buffer {
    const length = packet.length;
    const out = Buffer.allocUnsafe(length + GCM_TAG_LENGTH + 4);
    const trailer = rtcpTrailer(index, encrypt);
    out.writeUInt32BE(trailer, length + GCM_TAG_LENGTH);
    const iv = this.#setIv(this.#rtcpSalt, ssrc, 0, index & 0x7fffffff);
    if (encrypt) {
      packet.copy(out, 0, 0, RTCP_HEADER);
      const aad = this.#encryptedRtcpAad(packet, trailer);
      this.#rtcp.seal(iv, aad, 0, aad.length, packet, RTCP_HEADER, length, out, RTCP_HEADER, length);
    } else {
      packet.copy(out, 0, 0, length);
      const aad = Buffer.concat([packet, out.subarray(length + GCM_TAG_LENGTH)]);
      this.#rtcp.seal(iv, aad, 0, aad.length, packet, 0, 0, out, length, length);
    }
    return out;
  }

  unprotectRtcp(packet: Buffer, ssrc: number, index: number, encrypted: boolean): Buffer | undefined {
    const trailerAt = packet.length - 4;
    const end = trailerAt - GCM_TAG_LENGTH;
    const out = Buffer.allocUnsafe(end);
    const iv = this.#setIv(this.#rtcpSalt, ssrc, 0, index & 0x7fffffff);
    if (encrypted) {
      const aad = this.#encryptedRtcpAad(packet, packet.readUInt32BE(trailerAt));
      if (!this.#rtcp.open(iv, aad, 0, aad.length, packet, RTCP_HEADER, end, packet, end, out, RTCP_HEADER)) {
        return undefined;
      }
      packet.copy(out, 0, 0, RTCP_HEADER);
    } else {
      const aad = Buffer.concat([packet.subarray(0, end), packet.subarray(trailerAt)]);
      if (!this.#rtcp.open(iv, aad, 0, aad.length, packet, end, end, packet, end, out, 0)) return undefined;
      packet.copy(out, 0, 0, end);
    }
    return out;
  }

  #encryptedRtcpAad(packet: Uint8Array, trailer: number): Uint8Array {
    const aad = this.#rtcpAad;
    aad.set(packet.subarray(0, RTCP_HEADER), 0);
    aad[8] = trailer >>> 24;
    aad[9] = trailer >>> 16;
    aad[10] = trailer >>> 8;
    aad[11] = trailer;
    return aad;
  }

  /** salt ^ (00 00 | SSRC | hi16 | lo32): hi/lo are ROC|SEQ for SRTP and 0/index for SRTCP. */
  #setIv(salt: Uint8Array, ssrc: number, hi: number, lo: number): Uint8Array {
    const iv = this.#iv;
    iv[0] = salt[0]!;
    iv[1] = salt[1]!;
    iv[2] = salt[2]! ^ (ssrc >>> 24);
    iv[3] = salt[3]! ^ (ssrc >>> 16);
    iv[4] = salt[4]! ^ (ssrc >>> 8);
    iv[5] = salt[5]! ^ ssrc;
    iv[6] = salt[6]! ^ (hi >>> 8);
    iv[7] = salt[7]! ^ hi;
    iv[8] = salt[8]! ^ (lo >>> 24);
    iv[9] = salt[9]! ^ (lo >>> 16);
    iv[10] = salt[10]! ^ (lo >>> 8);
    iv[11] = salt[11]! ^ lo;
    return iv;
  }
}
