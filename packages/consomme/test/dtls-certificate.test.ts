/**
 * dtlsCertificateFile / dtlsPrivateKeyFile: the worker's DTLS identity is the
 * one in the files, so transport fingerprints (RFC 8122 section 5,
 * https://www.rfc-editor.org/rfc/rfc8122#section-5) must equal what openssl
 * computes for the certificate.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as mediasoup from 'consomme';
import { WorkerPool } from './helpers.js';

const pool = new WorkerPool();
const dir = mkdtempSync(join(tmpdir(), 'consomme-dtls-'));
after(async () => {
  await pool.closeAll();
  rmSync(dir, { recursive: true, force: true });
});

const PORTS = { rtcMinPort: 23000, rtcMaxPort: 23999 };
const LISTEN: mediasoup.types.TransportListenInfo[] = [{ protocol: 'udp', ip: '127.0.0.1' }];

function openssl(args: string[]): string {
  return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 });
}

/** A self-signed certificate and key in PEM files; `newkey` as openssl req takes it. */
function makeCertificate(name: string, newkey: string[]): { cert: string; key: string } {
  const cert = join(dir, `${name}-cert.pem`);
  const key = join(dir, `${name}-key.pem`);
  openssl(['req', '-x509', ...newkey, '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', `/CN=${name}`]);
  return { cert, key };
}

/** "sha256 Fingerprint=AB:CD:..." → "AB:CD:..." (openssl prints upper-case hex, as SDP uses). */
function opensslFingerprint(certFile: string, digest: 'sha1' | 'sha256' | 'sha384' | 'sha512'): string {
  const out = openssl(['x509', '-noout', '-fingerprint', `-${digest}`, '-in', certFile]).trim();
  const value = out.slice(out.indexOf('=') + 1);
  assert.match(value, /^([0-9A-F]{2}:)+[0-9A-F]{2}$/, `openssl output: ${out}`);
  return value;
}

function fingerprintOf(transport: mediasoup.types.WebRtcTransport, algorithm: string): string | undefined {
  return transport.dtlsParameters.fingerprints.find((f) => f.algorithm === algorithm)?.value;
}

describe('worker DTLS certificate from files', { timeout: 60_000 }, () => {
  let p256: { cert: string; key: string };
  before(() => {
    p256 = makeCertificate('p256', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1']);
  });

  test('ECDSA P-256: transport fingerprints are those of the certificate file', async () => {
    const worker = await pool.create({ ...PORTS, dtlsCertificateFile: p256.cert, dtlsPrivateKeyFile: p256.key });
    const router = await worker.createRouter();
    const transport = await router.createWebRtcTransport({ listenInfos: LISTEN });
    assert.equal(fingerprintOf(transport, 'sha-256'), opensslFingerprint(p256.cert, 'sha256'));
    assert.equal(fingerprintOf(transport, 'sha-1'), opensslFingerprint(p256.cert, 'sha1'));
    assert.equal(fingerprintOf(transport, 'sha-384'), opensslFingerprint(p256.cert, 'sha384'));
    assert.equal(fingerprintOf(transport, 'sha-512'), opensslFingerprint(p256.cert, 'sha512'));
    assert.equal(transport.dtlsParameters.role, 'auto');

    // Same identity for every transport of the worker, across routers.
    const other = await (await worker.createRouter()).createWebRtcTransport({ listenInfos: LISTEN });
    assert.deepEqual(other.dtlsParameters.fingerprints, transport.dtlsParameters.fingerprints);
    worker.close();
  });

  test('RSA 2048: the certificate is used as well', async () => {
    const rsa = makeCertificate('rsa', ['-newkey', 'rsa:2048']);
    const worker = await pool.create({ ...PORTS, dtlsCertificateFile: rsa.cert, dtlsPrivateKeyFile: rsa.key });
    const transport = await (await worker.createRouter()).createWebRtcTransport({ listenInfos: LISTEN });
    assert.equal(fingerprintOf(transport, 'sha-256'), opensslFingerprint(rsa.cert, 'sha256'));
    worker.close();
  });

  test('without files each worker generates its own certificate', async () => {
    const a = await pool.create(PORTS);
    const b = await pool.create(PORTS);
    const ta = await (await a.createRouter()).createWebRtcTransport({ listenInfos: LISTEN });
    const tb = await (await b.createRouter()).createWebRtcTransport({ listenInfos: LISTEN });
    const fa = fingerprintOf(ta, 'sha-256');
    assert.match(fa ?? '', /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    assert.notEqual(fa, fingerprintOf(tb, 'sha-256'));
    assert.notEqual(fa, opensslFingerprint(p256.cert, 'sha256'));
    a.close();
    b.close();
  });

  const failing: [string, () => { cert: string; key: string }][] = [
    ['a missing certificate file', () => ({ cert: join(dir, 'nope-cert.pem'), key: p256.key })],
    ['a missing key file', () => ({ cert: p256.cert, key: join(dir, 'nope-key.pem') })],
    [
      'a file that is not PEM',
      () => {
        const junk = join(dir, 'junk.pem');
        writeFileSync(junk, 'not a certificate\n');
        return { cert: junk, key: p256.key };
      },
    ],
    [
      'a key that does not match the certificate',
      () => {
        const other = makeCertificate('other', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1']);
        return { cert: p256.cert, key: other.key };
      },
    ],
    ['a P-384 key (not usable for DTLS here)', () => makeCertificate('p384', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:secp384r1'])],
  ];
  for (const [name, files] of failing) {
    test(`createWorker rejects with ${name}, and no worker is announced`, async () => {
      const { cert, key } = files();
      let announced = 0;
      const onNewWorker = (): void => {
        announced++;
      };
      mediasoup.observer.on('newworker', onNewWorker);
      try {
        await assert.rejects(
          pool.create({ ...PORTS, dtlsCertificateFile: cert, dtlsPrivateKeyFile: key, logLevel: 'none' }),
          Error,
        );
        assert.equal(announced, 0);
      } finally {
        mediasoup.observer.off('newworker', onNewWorker);
      }
    });
  }
});
