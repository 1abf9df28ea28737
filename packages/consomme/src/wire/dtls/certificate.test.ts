import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  computeFingerprint,
  fingerprintMatches,
  fingerprints,
  generateDtlsCertificate,
  loadDtlsCertificate,
} from './certificate.js';

let dir: string;

function opensslCert(name: string, keyArgs: string[]): { cert: string; key: string } {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.crt`);
  execFileSync('openssl', keyArgs[0] === 'genrsa' ? [...keyArgs.slice(0, -1), '-out', key, ...keyArgs.slice(-1)] : [...keyArgs, '-out', key], {
    stdio: 'ignore',
  });
  execFileSync('openssl', ['req', '-new', '-x509', '-key', key, '-out', cert, '-days', '2', '-subj', `/CN=${name}`], {
    stdio: 'ignore',
  });
  return { cert, key };
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'consomme-dtls-cert-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('DTLS certificates', { timeout: 30_000 }, () => {
  it('generates an ECDSA P-256 certificate with mediasoup-style fingerprints', async () => {
    const c = await generateDtlsCertificate();
    assert.equal(c.keyType, 'ecdsa');
    assert.match(c.certPem, /^-----BEGIN CERTIFICATE-----/);
    assert.match(c.keyPem, /^-----BEGIN PRIVATE KEY-----/);
    const fps = fingerprints(c);
    assert.deepEqual(
      fps.map((f) => f.algorithm),
      ['sha-1', 'sha-224', 'sha-256', 'sha-384', 'sha-512'],
    );
    const sha256 = fps[2];
    assert.ok(sha256);
    assert.match(sha256.value, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    assert.equal(sha256.value.replace(/:/g, '').toLowerCase(), createHash('sha256').update(c.certDer).digest('hex'));
    assert.ok(fingerprintMatches(c.certDer, sha256));
    assert.ok(fingerprintMatches(c.certDer, { algorithm: 'sha-256', value: sha256.value.toLowerCase() }));
    assert.ok(!fingerprintMatches(c.certDer, { algorithm: 'sha-256', value: sha256.value.slice(0, -2) }));
    assert.ok(!fingerprintMatches(c.certDer, { algorithm: 'sha-1', value: sha256.value }));
  });

  it('matches the fingerprint openssl computes', () => {
    const { cert } = opensslCert('fp', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout']);
    const out = execFileSync('openssl', ['x509', '-in', cert, '-noout', '-fingerprint', '-sha256']).toString();
    const der = execFileSync('openssl', ['x509', '-in', cert, '-outform', 'DER']);
    assert.equal(computeFingerprint(der, 'sha-256').value, out.trim().split('=')[1]);
  });

  it('loads an EC (SEC1) key and normalizes it to PKCS#8', async () => {
    const { cert, key } = opensslCert('ec', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout']);
    const c = await loadDtlsCertificate(cert, key);
    assert.equal(c.keyType, 'ecdsa');
    assert.match(c.keyPem, /^-----BEGIN PRIVATE KEY-----/);
  });

  it('loads an RSA key', async () => {
    const { cert, key } = opensslCert('rsa', ['genrsa', '-traditional', '2048']);
    const c = await loadDtlsCertificate(cert, key);
    assert.equal(c.keyType, 'rsa');
  });

  it('rejects curves werift cannot sign with and mismatched keys', async () => {
    const p384 = opensslCert('p384', ['ecparam', '-name', 'secp384r1', '-genkey', '-noout']);
    await assert.rejects(loadDtlsCertificate(p384.cert, p384.key), /unsupported DTLS private key/);
    const other = opensslCert('other', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout']);
    const ec = opensslCert('ec2', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout']);
    await assert.rejects(loadDtlsCertificate(ec.cert, other.key), /does not match/);
  });
});
