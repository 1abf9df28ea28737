/**
 * AES-CM encryption with HMAC-SHA1 authentication, RFC 3711 §4.1.1 and §4.2.1
 * (https://www.rfc-editor.org/rfc/rfc3711#section-4.1.1).
 *
 * SRTP (§3.1):                              SRTCP (§3.4):
 *   +----------------------------------+      +----------------------------------+
 *   | RTP header, CSRCs, extension     |      | RTCP header (first 8 bytes)      |
 *   +----------------------------------+      +----------------------------------+
 *   | payload (encrypted)              |      | rest of compound (encrypted)     |
 *   +----------------------------------+      +----------------------------------+
 *   | auth tag (10 or 4 bytes)         |      |E|       SRTCP index (31)         |
 *   +----------------------------------+      +----------------------------------+
 *   tag = HMAC(k_a, packet || ROC)            | auth tag (10 bytes)              |
 *                                             +----------------------------------+
 *                                             tag = HMAC(k_a, packet up to index)
 *
 * Counter IV = (k_s * 2^16) ^ (SSRC * 2^64) ^ (index * 2^16):
 *   bytes 0..13 salt, SSRC XORed into bytes 4..7, the 48-bit index into 8..13.
 */
import { AesCtr, xorInPlace } from './aes-ctr.js';
import { equalBytes, HmacSha1 } from './hmac-sha1.js';
import { rtcpTrailer, type SrtpSessionKeys, type SrtpTransform } from './transform.js';

const RTCP_HEADER = 8;

class Direction {
  readonly ctr: AesCtr;
  readonly salt: Uint8Array;
  readonly auth: HmacSha1;
  constructor(key: Uint8Array, salt: Uint8Array, authKey: Uint8Array) {
    this.ctr = new AesCtr(key);
    this.salt = salt;
    this.auth = new HmacSha1(authKey);
  }
}

export class AesCmHmacTransform implements SrtpTransform {
  readonly rtpTagLength: number;
  readonly rtcpTagLength = 10;
  readonly #rtp: Direction;
  readonly #rtcp: Direction;
  readonly #iv = new Uint8Array(16);

  constructor(keys: SrtpSessionKeys, rtpTagLength: number) {
    this.rtpTagLength = rtpTagLength;
    this.#rtp = new Direction(keys.rtpKey, keys.rtpSalt, keys.rtpAuthKey);
    this.#rtcp = new Direction(keys.rtcpKey, keys.rtcpSalt, keys.rtcpAuthKey);
  }

  rtcpTrailerOffset(length: number): number {
    return length - this.rtcpTagLength - 4;
  }

  protectRtp(packet: Buffer, headerLength: number, ssrc: number, index: number, length: number): Buffer {
    const out = Buffer.allocUnsafe(length + this.rtpTagLength);
    packet.copy(out, 0, 0, length);
    this.#crypt(this.#rtp, ssrc, index, out, headerLength, length);
    // The tag room (at least 4 bytes) briefly holds the ROC so one hash update covers packet || ROC.
    out.writeUInt32BE(Math.floor(index / 65536), length);
    this.#rtp.auth.mac(out.subarray(0, length + 4)).copy(out, length, 0, this.rtpTagLength);
    return out;
  }

  unprotectRtp(packet: Buffer, headerLength: number, ssrc: number, index: number): Buffer | undefined {
    const authLength = packet.length - this.rtpTagLength;
    const out = Buffer.allocUnsafe(authLength + 4);
    packet.copy(out, 0, 0, authLength);
    out.writeUInt32BE(Math.floor(index / 65536), authLength);
    const mac = this.#rtp.auth.mac(out);
    if (!equalBytes(mac, 0, packet, authLength, this.rtpTagLength)) return undefined;
    this.#crypt(this.#rtp, ssrc, index, out, headerLength, authLength);
    return out.subarray(0, authLength);
  }

  protectRtcp(packet: Buffer, ssrc: number, index: number, encrypt: boolean): Buffer {
    const length = packet.length;
    const out = Buffer.allocUnsafe(length + 4 + this.rtcpTagLength);
    packet.copy(out, 0, 0, length);
    if (encrypt) this.#crypt(this.#rtcp, ssrc, index, out, RTCP_HEADER, length);
    out.writeUInt32BE(rtcpTrailer(index, encrypt), length);
    this.#rtcp.auth.mac(out.subarray(0, length + 4)).copy(out, length + 4, 0, this.rtcpTagLength);
    return out;
  }

  unprotectRtcp(packet: Buffer, ssrc: number, index: number, encrypted: boolean): Buffer | undefined {
    const authLength = packet.length - this.rtcpTagLength;
    const mac = this.#rtcp.auth.mac(packet.subarray(0, authLength));
    if (!equalBytes(mac, 0, packet, authLength, this.rtcpTagLength)) return undefined;
    const length = authLength - 4;
    const out = Buffer.allocUnsafe(length);
    packet.copy(out, 0, 0, length);
    if (encrypted) this.#crypt(this.#rtcp, ssrc, index, out, RTCP_HEADER, length);
    return out;
  }

  /** out[start..end) ^= keystream(IV(ssrc, index)). */
  #crypt(dir: Direction, ssrc: number, index: number, out: Uint8Array, start: number, end: number): void {
    const length = end - start;
    if (length <= 0) return;
    const iv = this.#iv;
    iv.set(dir.salt, 0);
    iv[14] = 0;
    iv[15] = 0;
    iv[4] = iv[4]! ^ (ssrc >>> 24);
    iv[5] = iv[5]! ^ (ssrc >>> 16);
    iv[6] = iv[6]! ^ (ssrc >>> 8);
    iv[7] = iv[7]! ^ ssrc;
    const hi = Math.floor(index / 0x100000000);
    const lo = index >>> 0;
    iv[8] = iv[8]! ^ (hi >>> 8);
    iv[9] = iv[9]! ^ hi;
    iv[10] = iv[10]! ^ (lo >>> 24);
    iv[11] = iv[11]! ^ (lo >>> 16);
    iv[12] = iv[12]! ^ (lo >>> 8);
    iv[13] = iv[13]! ^ lo;
    const ks = dir.ctr.keystream(iv, 0, (length + 15) >>> 4);
    xorInPlace(out, start, ks, 0, length);
  }
}
