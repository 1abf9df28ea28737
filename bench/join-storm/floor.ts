/**
 * The floor of a DTLS 1.2 server handshake (ECDHE_ECDSA with P-256, as browsers and both
 * SFUs negotiate): its public-key crypto alone, with node:crypto (OpenSSL) in one thread.
 * Per handshake the server makes one ephemeral key pair and one shared secret (ECDHE),
 * signs its ServerKeyExchange (ECDSA P-256, SHA-256) and verifies the client's
 * CertificateVerify. Record protection, the PRF, hashing and parsing are left out: a real
 * handshake costs more, so a rate against this floor is an upper bound on how close we are.
 */
import { createECDH, generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';

export interface HandshakeFloor {
  ecdheUs: number;
  signUs: number;
  verifyUs: number;
  totalUs: number;
  /** Handshakes one core could complete if it did nothing but this crypto. */
  perCoreSecond: number;
}

/** CPU µs per call of `op`, run for about `budgetMs` of this process's CPU time. */
export function cpuUsPerOp(op: () => void, budgetMs: number): number {
  for (let i = 0; i < 20; i++) op(); // warm-up (JIT, OpenSSL tables)
  const start = process.cpuUsage();
  let count = 0;
  let used = 0;
  do {
    for (let i = 0; i < 20; i++) op();
    count += 20;
    const u = process.cpuUsage(start);
    used = u.user + u.system;
  } while (used < budgetMs * 1000);
  return used / count;
}

export function measureHandshakeFloor(budgetMs = 300): HandshakeFloor {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const peer = createECDH('prime256v1');
  const peerPublic = peer.generateKeys();
  // About a ServerKeyExchange's signed bytes: two randoms, curve params, a 65-byte point.
  const signed = randomBytes(32 + 32 + 4 + 65);
  const signature = sign('sha256', signed, privateKey);
  const ecdheUs = cpuUsPerOp(() => {
    const e = createECDH('prime256v1');
    e.generateKeys();
    e.computeSecret(peerPublic);
  }, budgetMs);
  const signUs = cpuUsPerOp(() => sign('sha256', signed, privateKey), budgetMs);
  const verifyUs = cpuUsPerOp(() => {
    if (!verify('sha256', signed, publicKey, signature)) throw new Error('floor: signature did not verify');
  }, budgetMs);
  const totalUs = ecdheUs + signUs + verifyUs;
  return { ecdheUs, signUs, verifyUs, totalUs, perCoreSecond: 1e6 / totalUs };
}

/**
 * The ECDHE step as our DTLS does it: werift-dtls makes its P-256 key pair and shared secret
 * with @noble/curves in JavaScript (its dependency, loaded from there). Undefined if that
 * module cannot be loaded. Shows how much of our handshake cost is this one step.
 */
export async function measureWeriftEcdhe(budgetMs = 300): Promise<number | undefined> {
  let p256: typeof import('@noble/curves/p256').p256;
  try {
    ({ p256 } = await import('@noble/curves/p256'));
  } catch {
    return undefined;
  }
  const peerPublic = p256.getPublicKey(p256.utils.randomPrivateKey(), false);
  return cpuUsPerOp(() => {
    const priv = p256.utils.randomPrivateKey();
    p256.getPublicKey(priv, false);
    p256.getSharedSecret(priv, peerPublic);
  }, budgetMs);
}
