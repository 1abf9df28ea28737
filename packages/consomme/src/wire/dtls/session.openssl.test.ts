// Interop with a real DTLS stack: Debian's openssl CLI (s_server / s_client)
// on 127.0.0.1. The test owns the UDP socket; the session stays socket-free.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeFingerprint, generateDtlsCertificate, loadDtlsCertificate } from './certificate.js';
import type { DtlsCertificate } from './certificate.js';
import { DtlsSession } from './session.js';
import type { DtlsConnectedInfo, DtlsRole } from './session.js';
import { srtpProfileKeyLengths } from './srtp-profiles.js';
import type { SrtpProfileId } from './srtp-profiles.js';

const OPENSSL_PROFILE: Record<SrtpProfileId, string> = {
  0x0001: 'SRTP_AES128_CM_SHA1_80',
  0x0002: 'SRTP_AES128_CM_SHA1_32',
  0x0007: 'SRTP_AEAD_AES_128_GCM',
  0x0008: 'SRTP_AEAD_AES_256_GCM',
};

let dir: string;
let ours: DtlsCertificate;
let oursRsa: DtlsCertificate;
let peerCertFile: string;
let peerKeyFile: string;
let peerDer: Buffer;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'consomme-dtls-interop-'));
  peerKeyFile = join(dir, 'peer.key');
  peerCertFile = join(dir, 'peer.crt');
  execFileSync('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', peerKeyFile], {
    stdio: 'ignore',
  });
  execFileSync('openssl', ['req', '-new', '-x509', '-key', peerKeyFile, '-out', peerCertFile, '-days', '2', '-subj', '/CN=peer'], {
    stdio: 'ignore',
  });
  peerDer = execFileSync('openssl', ['x509', '-in', peerCertFile, '-outform', 'DER']);
  ours = await generateDtlsCertificate();
  const rsaKey = join(dir, 'rsa.key');
  const rsaCert = join(dir, 'rsa.crt');
  execFileSync('openssl', ['genrsa', '-out', rsaKey, '2048'], { stdio: 'ignore' });
  execFileSync('openssl', ['req', '-new', '-x509', '-key', rsaKey, '-out', rsaCert, '-days', '2', '-subj', '/CN=rsa'], {
    stdio: 'ignore',
  });
  oursRsa = await loadDtlsCertificate(rsaCert, rsaKey);
});

after(() => rmSync(dir, { recursive: true, force: true }));

async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

interface Run {
  info: DtlsConnectedInfo;
  output: () => string;
  received: Buffer[];
  session: DtlsSession;
  child: ChildProcessWithoutNullStreams;
}

/** Runs our session in `role` against openssl in the opposite role, then hands over to `check`. */
async function interop(
  role: DtlsRole,
  ourProfiles: SrtpProfileId[],
  opensslProfiles: SrtpProfileId[],
  exportLength: number,
  check: (run: Run) => Promise<void>,
  certificate: DtlsCertificate = ours,
): Promise<void> {
  let child: ChildProcessWithoutNullStreams | undefined;
  let socket: Socket | undefined;
  let session: DtlsSession | undefined;
  try {
    socket = createSocket('udp4');
    const sock = socket;
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
    const ourPort = sock.address().port;
    const peerPort = role === 'client' ? await freeUdpPort() : 0;
    let remote: { port: number } | undefined = role === 'client' ? { port: peerPort } : undefined;

    const common = [
      '-dtls1_2',
      '-use_srtp',
      opensslProfiles.map((p) => OPENSSL_PROFILE[p]).join(':'),
      '-cert',
      peerCertFile,
      '-key',
      peerKeyFile,
      '-keymatexport',
      'EXTRACTOR-dtls_srtp',
      '-keymatexportlen',
      String(exportLength),
    ];
    const args =
      role === 'client'
        ? ['s_server', ...common, '-accept', `127.0.0.1:${peerPort}`, '-verify', '1']
        : ['s_client', ...common, '-connect', `127.0.0.1:${ourPort}`];
    let out = '';
    const proc = spawn('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    child = proc;
    proc.stdout.on('data', (d: Buffer) => (out += d.toString('latin1')));
    proc.stderr.on('data', (d: Buffer) => (out += d.toString('latin1')));
    proc.on('error', () => undefined);

    const received: Buffer[] = [];
    let info: DtlsConnectedInfo | undefined;
    let failure: string | undefined;
    const s = new DtlsSession({
      role,
      certificate,
      srtpProfiles: ourProfiles,
      remoteFingerprint: computeFingerprint(peerDer, 'sha-256'),
      send: (buf) => {
        if (remote !== undefined) sock.send(buf, remote.port, '127.0.0.1');
      },
      handshakeTimeoutMs: 8000,
    });
    session = s;
    s.on('connected', (i) => (info = i));
    s.on('failed', (f) => (failure = `${f.reason}: ${f.message}`));
    s.on('data', (d) => received.push(d));
    sock.on('message', (msg, rinfo) => {
      remote ??= { port: rinfo.port };
      s.handleDatagram(msg);
    });

    if (role === 'client') {
      await until(() => out.includes('ACCEPT'), 5000, 's_server to listen');
      s.start();
    } else {
      s.start();
    }
    await until(() => info !== undefined || failure !== undefined, 9000, 'the DTLS handshake');
    assert.equal(failure, undefined, `${failure ?? ''}\n--- openssl output ---\n${out}`);
    await check({ info: info as DtlsConnectedInfo, output: () => out, received, session: s, child: proc });
  } finally {
    session?.close();
    child?.kill('SIGKILL');
    socket?.close();
  }
}

function keyingMaterial(out: string): Buffer {
  const m = /Keying material: ([0-9A-F]+)/.exec(out);
  assert.ok(m?.[1], 'openssl printed keying material');
  return Buffer.from(m[1], 'hex');
}

function assertKeysMatch(role: DtlsRole, info: DtlsConnectedInfo, material: Buffer): void {
  assert.ok(info.srtpProfileId !== null);
  const { keyLength: k, saltLength: s } = srtpProfileKeyLengths(info.srtpProfileId);
  const clientKey = material.subarray(0, k);
  const serverKey = material.subarray(k, 2 * k);
  const clientSalt = material.subarray(2 * k, 2 * k + s);
  const serverSalt = material.subarray(2 * k + s, 2 * (k + s));
  const [localKey, localSalt, remoteKey, remoteSalt] =
    role === 'client' ? [clientKey, clientSalt, serverKey, serverSalt] : [serverKey, serverSalt, clientKey, clientSalt];
  assert.deepEqual(info.localMasterKey, localKey);
  assert.deepEqual(info.localMasterSalt, localSalt);
  assert.deepEqual(info.remoteMasterKey, remoteKey);
  assert.deepEqual(info.remoteMasterSalt, remoteSalt);
}

const exportLength = (p: SrtpProfileId): number => {
  const { keyLength, saltLength } = srtpProfileKeyLengths(p);
  return 2 * (keyLength + saltLength);
};

describe('DtlsSession interop with openssl', { timeout: 60_000 }, () => {
  for (const profile of [0x0007, 0x0001, 0x0008, 0x0002] as const) {
    const name = OPENSSL_PROFILE[profile];
    it(`as client against s_server: ${name}, keys equal openssl's export`, async () => {
      await interop('client', [profile, 0x0001], [profile], exportLength(profile), async (run) => {
        assert.equal(run.info.srtpProfileId, profile);
        assert.deepEqual(run.info.remoteCertificateDer, peerDer);
        await until(() => /Keying material: [0-9A-F]+/.test(run.output()), 3000, 'keying material');
        assert.match(run.output(), new RegExp(`SRTP Extension negotiated, profile=${name}\\b`));
        assertKeysMatch('client', run.info, keyingMaterial(run.output()));
        // Application data both ways: openssl echoes what it receives to stdout and sends its stdin.
        assert.equal(run.session.sendApplicationData(Buffer.from('ping-from-consomme\n')), true);
        await until(() => run.output().includes('ping-from-consomme'), 3000, 'openssl to receive data');
        run.child.stdin.write('pong-from-openssl\n');
        await until(() => Buffer.concat(run.received).toString().includes('pong-from-openssl'), 3000, 'data from openssl');
      });
    });
  }

  it('as client honours s_server profile choice among several', async () => {
    await interop('client', [0x0001, 0x0007], [0x0007, 0x0001], 56, async (run) => {
      await until(() => /SRTP Extension negotiated, profile=\S+/.test(run.output()), 3000, 'profile line');
      const chosen = /SRTP Extension negotiated, profile=(\S+)/.exec(run.output())?.[1];
      assert.equal(chosen, OPENSSL_PROFILE[run.info.srtpProfileId as SrtpProfileId]);
    });
  });

  for (const profile of [0x0007, 0x0001] as const) {
    const name = OPENSSL_PROFILE[profile];
    it(`as server against s_client: ${name}, keys equal openssl's export`, async () => {
      await interop('server', [0x0008, profile], [profile], exportLength(profile), async (run) => {
        assert.equal(run.info.srtpProfileId, profile);
        assert.deepEqual(run.info.remoteCertificateDer, peerDer);
        await until(() => /Keying material: [0-9A-F]+/.test(run.output()), 3000, 'keying material');
        assert.match(run.output(), new RegExp(`SRTP Extension negotiated, profile=${name}\\b`));
        assertKeysMatch('server', run.info, keyingMaterial(run.output()));
        run.child.stdin.write('hello-from-s_client\n');
        await until(() => Buffer.concat(run.received).toString().includes('hello-from-s_client'), 3000, 'data');
      });
    });
  }

  it('as server with an RSA certificate against s_client', async () => {
    await interop(
      'server',
      [0x0001],
      [0x0001],
      60,
      async (run) => {
        await until(() => /Keying material: [0-9A-F]+/.test(run.output()), 3000, 'keying material');
        assertKeysMatch('server', run.info, keyingMaterial(run.output()));
      },
      oursRsa,
    );
  });

  it('fails on a fingerprint mismatch against s_server', async () => {
    const port = await freeUdpPort();
    const proc = spawn(
      'openssl',
      ['s_server', '-dtls1_2', '-use_srtp', 'SRTP_AES128_CM_SHA1_80', '-cert', peerCertFile, '-key', peerKeyFile, '-accept', `127.0.0.1:${port}`],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const sock = createSocket('udp4');
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString('latin1')));
    const s = new DtlsSession({
      role: 'client',
      certificate: ours,
      srtpProfiles: [0x0001],
      remoteFingerprint: computeFingerprint(ours.certDer, 'sha-256'),
      send: (buf) => sock.send(buf, port, '127.0.0.1'),
      handshakeTimeoutMs: 8000,
    });
    try {
      await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
      sock.on('message', (m) => s.handleDatagram(m));
      let reason: string | undefined;
      s.on('failed', (f) => (reason = f.reason));
      await until(() => out.includes('ACCEPT'), 5000, 's_server to listen');
      s.start();
      await until(() => reason !== undefined, 9000, 'failure');
      assert.equal(reason, 'fingerprint-mismatch');
    } finally {
      s.close();
      proc.kill('SIGKILL');
      sock.close();
    }
  });
});

