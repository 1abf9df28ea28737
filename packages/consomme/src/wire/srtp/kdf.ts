/**
 * SRTP key derivation, RFC 3711 §4.3 (https://www.rfc-editor.org/rfc/rfc3711#section-4.3)
 * with the AES-CM PRF of §4.3.3; RFC 7714 §11 reuses it for AES-GCM with the
 * AES-128 or AES-256 master key. The key derivation rate is 0, so r = 0:
 *
 *   key_id = label || r (48 bits)          x = key_id XOR master_salt
 *   session key = AES-CM(master_key, IV = x * 2^16), first `length` bytes
 *
 *   IV:  +---------------------------------+-------+---------------------+-------+
 *        | master salt bytes 0..6          | salt7 | salt bytes 8..13    | 00 00 |
 *        |                                 | ^label| (r = 0)             |       |
 *        +---------------------------------+-------+---------------------+-------+
 *
 * A 12-byte GCM master salt is left-aligned in the 14 bytes with two zero bytes
 * after it, which is how libsrtp-based peers (browsers) derive GCM keys.
 */
import { AesCtr } from './aes-ctr.js';

export type SrtpKeyLabel =
  | 'rtpEncryption'
  | 'rtpAuthentication'
  | 'rtpSalt'
  | 'rtcpEncryption'
  | 'rtcpAuthentication'
  | 'rtcpSalt';

const LABELS: Record<SrtpKeyLabel, number> = {
  rtpEncryption: 0x00,
  rtpAuthentication: 0x01,
  rtpSalt: 0x02,
  rtcpEncryption: 0x03,
  rtcpAuthentication: 0x04,
  rtcpSalt: 0x05,
};

/** Derives session keys from one master key/salt; the PRF cipher lives only as long as this object. */
export class SrtpKdf {
  readonly #prf: AesCtr;
  readonly #salt: Uint8Array;

  constructor(masterKey: Uint8Array, masterSalt: Uint8Array) {
    if (masterSalt.length !== 12 && masterSalt.length !== 14) {
      throw new RangeError(`SRTP master salt must be 12 or 14 bytes, got ${masterSalt.length}`);
    }
    this.#prf = new AesCtr(masterKey);
    this.#salt = masterSalt;
  }

  derive(label: SrtpKeyLabel, length: number): Buffer {
    const iv = new Uint8Array(16);
    iv.set(this.#salt, 0);
    iv[7] = iv[7]! ^ LABELS[label];
    return Buffer.from(this.#prf.keystream(iv, 0, (length + 15) >>> 4).subarray(0, length));
  }
}
