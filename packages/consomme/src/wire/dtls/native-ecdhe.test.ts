/**
 * The native ECDHE must be interchangeable with what werift-dtls computed
 * before (@noble/curves P-256, tweetnacl X25519): same key formats, same
 * pre-master secrets for the same keys, whichever side is native.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { CURVE_P256, CURVE_X25519, ecdhePreMasterSecret, generateEcdheKeyPair } from './native-ecdhe.js';
import './werift.js';

const require = createRequire(import.meta.url);
// tweetnacl is werift-dtls's dependency: resolve it from there.
const weriftRequire = createRequire(require.resolve('werift-dtls/package.json'));
const noble = require('werift-dtls/lib/dtls/src/cipher/ec.js') as {
  p256Keypair(): { privateKey: Buffer; publicKey: Buffer };
  p256PreMasterSecret(keys: { publicKey: Buffer; privateKey: Buffer }): Buffer;
};
const nacl = weriftRequire('tweetnacl') as { box: { keyPair(): { publicKey: Uint8Array; secretKey: Uint8Array } }; scalarMult(n: Uint8Array, p: Uint8Array): Uint8Array };

test('P-256: native and @noble/curves agree on keys and secrets in both directions', () => {
  for (let i = 0; i < 20; i++) {
    const ours = generateEcdheKeyPair(CURVE_P256);
    assert.equal(ours.publicKey.length, 65);
    assert.equal(ours.publicKey[0], 4, 'uncompressed point');
    assert.equal(ours.privateKey.length, 32);
    const theirs = noble.p256Keypair();
    const a = ecdhePreMasterSecret(theirs.publicKey, ours.privateKey, CURVE_P256);
    const b = noble.p256PreMasterSecret({ publicKey: ours.publicKey, privateKey: theirs.privateKey });
    assert.equal(a.length, 32);
    assert.deepEqual(a, b);
  }
});

test('P-256: a private key with a leading zero byte keeps its 32 bytes (OpenSSL drops them; 1 key in 256)', () => {
  let ours = generateEcdheKeyPair(CURVE_P256);
  for (let i = 0; i < 20_000 && ours.privateKey[0] !== 0; i++) ours = generateEcdheKeyPair(CURVE_P256);
  assert.equal(ours.privateKey[0], 0, 'found a key with a leading zero byte');
  assert.equal(ours.privateKey.length, 32);
  const theirs = noble.p256Keypair();
  assert.deepEqual(ecdhePreMasterSecret(theirs.publicKey, ours.privateKey, CURVE_P256), noble.p256PreMasterSecret({ publicKey: ours.publicKey, privateKey: theirs.privateKey }));
});

test('X25519: native and tweetnacl agree on keys and secrets in both directions', () => {
  for (let i = 0; i < 20; i++) {
    const ours = generateEcdheKeyPair(CURVE_X25519);
    assert.equal(ours.publicKey.length, 32);
    assert.equal(ours.privateKey.length, 32);
    const theirs = nacl.box.keyPair();
    const a = ecdhePreMasterSecret(theirs.publicKey, ours.privateKey, CURVE_X25519);
    const b = Buffer.from(nacl.scalarMult(theirs.secretKey, ours.publicKey));
    assert.deepEqual(a, b);
  }
});

test('a bad peer key gives a random secret, never an exception', () => {
  const ours = generateEcdheKeyPair(CURVE_P256);
  const bad = [Buffer.alloc(65), Buffer.alloc(3), Buffer.from([4, ...Buffer.alloc(64, 0xff)])];
  for (const key of bad) {
    const s1 = ecdhePreMasterSecret(key, ours.privateKey, CURVE_P256);
    const s2 = ecdhePreMasterSecret(key, ours.privateKey, CURVE_P256);
    assert.equal(s1.length, 32);
    assert.notDeepEqual(s1, s2, 'random, so the handshake cannot complete');
  }
  const x = generateEcdheKeyPair(CURVE_X25519);
  // The all-zero point (low order): X25519 gives zero, which OpenSSL refuses.
  assert.equal(ecdhePreMasterSecret(Buffer.alloc(32), x.privateKey, CURVE_X25519).length, 32);
  assert.equal(ecdhePreMasterSecret(Buffer.alloc(31), x.privateKey, CURVE_X25519).length, 32);
  assert.throws(() => generateEcdheKeyPair(24), TypeError);
});

test('werift-dtls uses the native functions once werift.ts is loaded', () => {
  const namedCurve = require('werift-dtls/lib/dtls/src/cipher/namedCurve.js') as { generateKeyPair: unknown };
  const prf = require('werift-dtls/lib/dtls/src/cipher/prf.js') as { prfPreMasterSecret: unknown };
  assert.equal(namedCurve.generateKeyPair, generateEcdheKeyPair);
  assert.equal(prf.prfPreMasterSecret, ecdhePreMasterSecret);
});
