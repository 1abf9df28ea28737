// The local DTLS identity and the certificate fingerprints that SDP / mediasoup
// exchange to authenticate it: RFC 8122 §5 (https://www.rfc-editor.org/rfc/rfc8122#section-5).
//
//   fingerprint-attribute = "fingerprint" ":" hash-func SP fingerprint
//   fingerprint           = 2UHEX *(":" 2UHEX)      ; upper-case hex of hash(DER)

import { X509Certificate, createHash, createPrivateKey, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { CipherContext } from './werift.js';

export type DtlsFingerprintAlgorithm = 'sha-1' | 'sha-224' | 'sha-256' | 'sha-384' | 'sha-512';

/** Same shape as mediasoup's DtlsFingerprint. */
export interface DtlsFingerprint {
  algorithm: DtlsFingerprintAlgorithm;
  value: string;
}

export type DtlsCertificateKeyType = 'ecdsa' | 'rsa';

export interface DtlsCertificate {
  readonly certPem: string;
  /** PKCS#8: the only private-key PEM flavour werift-dtls's key parser accepts for EC keys. */
  readonly keyPem: string;
  readonly certDer: Buffer;
  readonly keyType: DtlsCertificateKeyType;
}

export const DTLS_FINGERPRINT_ALGORITHMS: readonly DtlsFingerprintAlgorithm[] = [
  'sha-1',
  'sha-224',
  'sha-256',
  'sha-384',
  'sha-512',
];

const NODE_HASH: Record<DtlsFingerprintAlgorithm, string> = {
  'sha-1': 'sha1',
  'sha-224': 'sha224',
  'sha-256': 'sha256',
  'sha-384': 'sha384',
  'sha-512': 'sha512',
};

export function isDtlsFingerprintAlgorithm(s: string): s is DtlsFingerprintAlgorithm {
  return Object.prototype.hasOwnProperty.call(NODE_HASH, s);
}

/** Self-signed ECDSA P-256 / SHA-256, what browsers generate for RTCPeerConnection. */
export async function generateDtlsCertificate(): Promise<DtlsCertificate> {
  // werift-dtls's numeric codes: hash 4 = sha256, signature 3 = ecdsa, curve 23 = secp256r1.
  const { certPem, keyPem } = await CipherContext.createSelfSignedCertificateWithKey(
    { hash: 4, signature: 3 },
    23,
  );
  return fromPem(certPem, keyPem);
}

/** Reads PEM files (the first certificate of a chain is used); ECDSA P-256 or RSA keys. */
export async function loadDtlsCertificate(certFile: string, keyFile: string): Promise<DtlsCertificate> {
  const [certPem, keyPem] = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')]);
  return fromPem(certPem, keyPem);
}

/** Builds a DtlsCertificate from PEM text; throws with a readable message on unusable input. */
export function fromPem(certPem: string, keyPem: string): DtlsCertificate {
  const cert = new X509Certificate(certPem);
  const key = createPrivateKey(keyPem);
  let keyType: DtlsCertificateKeyType;
  if (key.asymmetricKeyType === 'rsa') {
    keyType = 'rsa';
  } else if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
    // werift-dtls only signs with ecdsa_secp256r1_sha256.
    keyType = 'ecdsa';
  } else {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    throw new TypeError(
      `unsupported DTLS private key type ${key.asymmetricKeyType ?? '?'}${curve ? ` (${curve})` : ''}: use ECDSA P-256 or RSA`,
    );
  }
  if (!cert.checkPrivateKey(key)) throw new TypeError('DTLS private key does not match the certificate');
  return {
    certPem: cert.toString(),
    keyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    certDer: cert.raw,
    keyType,
  };
}

export function computeFingerprint(certDer: Buffer, algorithm: DtlsFingerprintAlgorithm): DtlsFingerprint {
  const hex = createHash(NODE_HASH[algorithm]).update(certDer).digest('hex').toUpperCase();
  return { algorithm, value: hex.replace(/(..)(?!$)/g, '$1:') };
}

/** One fingerprint per algorithm, like mediasoup's WebRtcTransport.dtlsParameters.fingerprints. */
export function fingerprints(cert: DtlsCertificate): DtlsFingerprint[] {
  return DTLS_FINGERPRINT_ALGORITHMS.map((a) => computeFingerprint(cert.certDer, a));
}

/** Case- and separator-insensitive, as remote SDP may use lower case. */
export function fingerprintMatches(certDer: Buffer, expected: DtlsFingerprint): boolean {
  const algorithm = expected.algorithm.toLowerCase();
  if (!isDtlsFingerprintAlgorithm(algorithm)) return false;
  const want = Buffer.from(expected.value.replace(/:/g, ''), 'hex');
  const got = createHash(NODE_HASH[algorithm]).update(certDer).digest();
  // Buffer.from(hex) silently stops at the first bad digit; the length check catches that.
  return want.length === got.length && timingSafeEqual(want, got);
}
