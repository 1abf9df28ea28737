// werift-dtls 0.5.8 completes a handshake without checking the peer's
// ServerKeyExchange / CertificateVerify signature or its Finished verify_data.
// Without those checks a certificate fingerprint proves nothing: anyone can
// replay the expected certificate and run ECDHE with their own key. So once
// werift reports "connected", the session re-checks the peer from werift's
// handshake transcript before releasing any key.
//
// ServerKeyExchange signature: RFC 8422 §5.4, CertificateVerify: RFC 5246 §7.4.8,
// Finished: RFC 5246 §7.4.9, PRF: RFC 5246 §5. DTLS transcript rules: RFC 6347 §4.2.6.

import { X509Certificate, createHash, createHmac, timingSafeEqual, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { parseDigitallySigned, parseEcdheServerKeyExchange } from './handshake-messages.js';
import type { DigitallySigned } from './handshake-messages.js';
import type { DtlsSocket, FragmentedHandshake } from './werift.js';

const HT_SERVER_KEY_EXCHANGE = 12;
const HT_CERTIFICATE_VERIFY = 15;
const HT_FINISHED = 20;
const VERIFY_DATA_LENGTH = 12;
// Weaker hashes (sha1, sha224) are parsed but not accepted for authentication.
const ACCEPTED_HASHES = new Set(['sha256', 'sha384', 'sha512']);

export type PeerAuthFailure =
  | { reason: 'no-certificate'; message: string }
  | { reason: 'bad-signature'; message: string }
  | { reason: 'bad-finished'; message: string };

/** TLS 1.2 PRF with SHA-256 (every cipher suite werift-dtls offers uses it). */
export function tlsPrfSha256(secret: Buffer, label: string, seed: Buffer, length: number): Buffer {
  const labelSeed = Buffer.concat([Buffer.from(label, 'latin1'), seed]);
  const out: Buffer[] = [];
  let produced = 0;
  let a = labelSeed;
  while (produced < length) {
    a = createHmac('sha256', secret).update(a).digest();
    const block = createHmac('sha256', secret).update(a).update(labelSeed).digest();
    out.push(block);
    produced += block.length;
  }
  return Buffer.concat(out).subarray(0, length);
}

export function finishedVerifyData(
  masterSecret: Buffer,
  sender: 'client' | 'server',
  transcript: Buffer,
): Buffer {
  const digest = createHash('sha256').update(transcript).digest();
  return tlsPrfSha256(masterSecret, `${sender} finished`, digest, VERIFY_DATA_LENGTH);
}

function checkSignature(signed: DigitallySigned, data: Buffer, key: KeyObject): string | undefined {
  const keyAlg = key.asymmetricKeyType === 'ec' ? 'ecdsa' : key.asymmetricKeyType;
  if (signed.signatureAlgorithm !== keyAlg) {
    return `signature algorithm ${signed.signatureAlgorithm} does not match the ${String(key.asymmetricKeyType)} certificate key`;
  }
  if (!ACCEPTED_HASHES.has(signed.hash)) return `hash ${signed.hash} not accepted`;
  try {
    return verify(signed.hash, data, key, signed.signature) ? undefined : 'signature does not verify';
  } catch (e) {
    return `signature unverifiable: ${(e as Error).message}`;
  }
}

function concat(msgs: readonly FragmentedHandshake[]): Buffer {
  return Buffer.concat(msgs.map((m) => m.serialize()));
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * `serverFinished` is the body of the server's Finished as seen by a client
 * (werift does not keep it in its transcript cache).
 */
export function authenticatePeer(
  role: 'client' | 'server',
  sock: DtlsSocket,
  serverFinished: Buffer | undefined,
): PeerAuthFailure | undefined {
  const der = sock.remoteCertificate;
  if (der === undefined || der.length === 0) return { reason: 'no-certificate', message: 'peer sent no certificate' };
  let key: KeyObject;
  try {
    key = new X509Certificate(der).publicKey;
  } catch (e) {
    return { reason: 'no-certificate', message: `peer certificate unparseable: ${(e as Error).message}` };
  }
  const cache = sock.dtls.sortedHandshakeCache;
  const masterSecret = sock.cipher.masterSecret;

  if (role === 'client') {
    const skeMsg = cache.find((m) => m.msg_type === HT_SERVER_KEY_EXCHANGE);
    const ske = skeMsg && parseEcdheServerKeyExchange(skeMsg.fragment);
    if (ske === undefined) return { reason: 'bad-signature', message: 'ServerKeyExchange missing or malformed' };
    const signedData = Buffer.concat([
      sock.cipher.localRandom.serialize(),
      sock.cipher.remoteRandom.serialize(),
      ske.params,
    ]);
    const bad = checkSignature(ske.signed, signedData, key);
    if (bad !== undefined) return { reason: 'bad-signature', message: `ServerKeyExchange: ${bad}` };
    // The client's cache ends with its own Finished, which the server's covers.
    const expected = finishedVerifyData(masterSecret, 'server', concat(cache));
    if (serverFinished === undefined || !sameBytes(expected, serverFinished)) {
      return { reason: 'bad-finished', message: 'server Finished verify_data mismatch' };
    }
    return undefined;
  }

  const cvIndex = cache.findIndex((m) => m.msg_type === HT_CERTIFICATE_VERIFY);
  const cv = cvIndex >= 0 ? parseDigitallySigned((cache[cvIndex] as FragmentedHandshake).fragment) : undefined;
  if (cv === undefined) return { reason: 'bad-signature', message: 'CertificateVerify missing or malformed' };
  const bad = checkSignature(cv, concat(cache.slice(0, cvIndex)), key);
  if (bad !== undefined) return { reason: 'bad-signature', message: `CertificateVerify: ${bad}` };
  // The first Finished in flight order is the client's; the server's own comes later.
  const finIndex = cache.findIndex((m) => m.msg_type === HT_FINISHED);
  const fin = cache[finIndex];
  const expected = finishedVerifyData(masterSecret, 'client', concat(cache.slice(0, Math.max(finIndex, 0))));
  if (fin === undefined || !sameBytes(expected, fin.fragment)) {
    return { reason: 'bad-finished', message: 'client Finished verify_data mismatch' };
  }
  return undefined;
}
