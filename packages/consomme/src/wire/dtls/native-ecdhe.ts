/**
 * ECDHE for the DTLS handshake in native code (node:crypto / OpenSSL).
 *
 * werift-dtls computes its ephemeral keys and the pre-master secret in
 * JavaScript (@noble/curves for P-256, tweetnacl for X25519): about 4 ms
 * and 1.8 ms per handshake, which bounds how many peers a worker can
 * connect per second (bench/join-storm.ts). OpenSSL does the same in about
 * 0.1–0.3 ms. The formats are werift's:
 * - P-256 (named curve 23): public key uncompressed (65 bytes), private key
 *   the 32-byte scalar, pre-master secret the shared point's x coordinate
 *   (RFC 8422 §5.10).
 * - X25519 (named curve 29): raw 32-byte keys and secret (RFC 7748 §6.1).
 */
import { createECDH, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, randomBytes } from 'node:crypto';

export const CURVE_P256 = 23;
export const CURVE_X25519 = 29;

export interface EcdheKeyPair {
  curve: number;
  privateKey: Buffer;
  publicKey: Buffer;
}

/** DER prefixes that wrap a raw X25519 key as SPKI / PKCS#8 (RFC 8410). */
const X25519_SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');
const X25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

export function generateEcdheKeyPair(curve: number): EcdheKeyPair {
  if (curve === CURVE_P256) {
    const ecdh = createECDH('prime256v1');
    const publicKey = ecdh.generateKeys();
    // getPrivateKey() drops leading zero bytes (1 key in 256): werift's format is the 32-byte scalar.
    const scalar = ecdh.getPrivateKey();
    const privateKey = scalar.length === 32 ? scalar : Buffer.concat([Buffer.alloc(32 - scalar.length), scalar]);
    return { curve, privateKey, publicKey };
  }
  if (curve === CURVE_X25519) {
    const { privateKey, publicKey } = generateKeyPairSync('x25519');
    return {
      curve,
      privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(X25519_PKCS8_PREFIX.length),
      publicKey: publicKey.export({ format: 'der', type: 'spki' }).subarray(X25519_SPKI_PREFIX.length),
    };
  }
  throw new TypeError(`unsupported ECDHE curve ${curve}`);
}

/**
 * The pre-master secret from the peer's public key and our private key.
 * A peer key that is not a valid point (or gives X25519's all-zero result,
 * which OpenSSL refuses) yields random bytes instead of an exception: the
 * peers then disagree on the keys and the handshake fails at Finished, as
 * it must, without an error escaping into werift's handshake tasks.
 */
export function ecdhePreMasterSecret(peerPublicKey: Uint8Array, privateKey: Uint8Array, curve: number): Buffer {
  try {
    if (curve === CURVE_P256) {
      const ecdh = createECDH('prime256v1');
      ecdh.setPrivateKey(Buffer.from(privateKey));
      return ecdh.computeSecret(Buffer.from(peerPublicKey));
    }
    if (curve === CURVE_X25519 && peerPublicKey.length === 32 && privateKey.length === 32) {
      return diffieHellman({
        privateKey: createPrivateKey({ key: Buffer.concat([X25519_PKCS8_PREFIX, privateKey]), format: 'der', type: 'pkcs8' }),
        publicKey: createPublicKey({ key: Buffer.concat([X25519_SPKI_PREFIX, peerPublicKey]), format: 'der', type: 'spki' }),
      });
    }
  } catch {
    // fall through: an invalid peer key
  }
  return randomBytes(32);
}
