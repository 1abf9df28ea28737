import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { computeFingerprint, generateDtlsCertificate } from './certificate.js';
import type { DtlsCertificate, DtlsFingerprint } from './certificate.js';
import { DtlsSession } from './session.js';
import type { DtlsConnectedInfo, DtlsFailure, DtlsSessionOptions } from './session.js';
import { SRTP_PROFILE_IDS, srtpProfileKeyLengths } from './srtp-profiles.js';

const TEST_TIMEOUT = { timeout: 15_000 };

let clientCert: DtlsCertificate;
let serverCert: DtlsCertificate;
const rejections: unknown[] = [];
const onRejection = (r: unknown): void => {
  rejections.push(r);
};

before(async () => {
  process.on('unhandledRejection', onRejection);
  [clientCert, serverCert] = await Promise.all([generateDtlsCertificate(), generateDtlsCertificate()]);
});

after(() => {
  process.off('unhandledRejection', onRejection);
  assert.deepEqual(rejections, [], 'no unhandled rejections escaped werift-dtls');
});

type Tap = (from: 'client' | 'server', buf: Buffer) => Buffer | undefined;

interface PairOptions {
  clientProfiles?: number[];
  serverProfiles?: number[];
  clientExpects?: DtlsFingerprint | null;
  serverExpects?: DtlsFingerprint | null;
  tap?: Tap;
  client?: Partial<DtlsSessionOptions>;
  server?: Partial<DtlsSessionOptions>;
}

interface Outcome {
  connected?: DtlsConnectedInfo;
  failed?: DtlsFailure;
  closed?: boolean;
}

function sha256(cert: DtlsCertificate): DtlsFingerprint {
  return computeFingerprint(cert.certDer, 'sha-256');
}

function makePair(o: PairOptions = {}) {
  const peers: { client?: DtlsSession; server?: DtlsSession } = {};
  const deliver = (from: 'client' | 'server', buf: Buffer): void => {
    const out = o.tap ? o.tap(from, Buffer.from(buf)) : Buffer.from(buf);
    if (out === undefined) return;
    setImmediate(() => (from === 'client' ? peers.server : peers.client)?.handleDatagram(out));
  };
  const withFp = (fp: DtlsFingerprint | null | undefined, dflt: DtlsFingerprint) =>
    fp === null ? {} : { remoteFingerprint: fp ?? dflt };
  const client = new DtlsSession({
    role: 'client',
    certificate: clientCert,
    srtpProfiles: o.clientProfiles ?? [...SRTP_PROFILE_IDS],
    ...withFp(o.clientExpects, sha256(serverCert)),
    send: (b) => deliver('client', b),
    handshakeTimeoutMs: 10_000,
    ...o.client,
  });
  const server = new DtlsSession({
    role: 'server',
    certificate: serverCert,
    srtpProfiles: o.serverProfiles ?? [...SRTP_PROFILE_IDS],
    ...withFp(o.serverExpects, sha256(clientCert)),
    send: (b) => deliver('server', b),
    handshakeTimeoutMs: 10_000,
    ...o.server,
  });
  peers.client = client;
  peers.server = server;
  return { client, server };
}

function watch(s: DtlsSession): Outcome {
  const out: Outcome = {};
  s.on('connected', (i) => (out.connected = i));
  s.on('failed', (f) => (out.failed = f));
  s.on('closed', () => (out.closed = true));
  return out;
}

async function until(cond: () => boolean, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const settled = (o: Outcome): boolean => o.connected !== undefined || o.failed !== undefined;

describe('DtlsSession in-process handshake', TEST_TIMEOUT, () => {
  for (const profile of SRTP_PROFILE_IDS) {
    it(`negotiates profile 0x${profile.toString(16).padStart(4, '0')} with crosswise keys`, async () => {
      const { client, server } = makePair({ clientProfiles: [profile], serverProfiles: [profile] });
      const c = watch(client);
      const s = watch(server);
      server.start();
      client.start();
      await until(() => settled(c) && settled(s));
      try {
        assert.equal(c.failed, undefined);
        assert.equal(s.failed, undefined);
        const ci = c.connected as DtlsConnectedInfo;
        const si = s.connected as DtlsConnectedInfo;
        assert.equal(client.state, 'connected');
        assert.equal(server.state, 'connected');
        assert.ok(ci.srtpProfileId !== null && si.srtpProfileId !== null);
        assert.equal(ci.srtpProfileId, profile);
        assert.equal(si.srtpProfileId, profile);
        const { keyLength, saltLength } = srtpProfileKeyLengths(profile);
        assert.equal(ci.localMasterKey.length, keyLength);
        assert.equal(ci.localMasterSalt.length, saltLength);
        assert.deepEqual(ci.localMasterKey, si.remoteMasterKey);
        assert.deepEqual(ci.localMasterSalt, si.remoteMasterSalt);
        assert.deepEqual(ci.remoteMasterKey, si.localMasterKey);
        assert.deepEqual(ci.remoteMasterSalt, si.localMasterSalt);
        assert.notDeepEqual(ci.localMasterKey, ci.remoteMasterKey);
        assert.deepEqual(ci.remoteCertificateDer, serverCert.certDer);
        assert.deepEqual(si.remoteCertificateDer, clientCert.certDer);
      } finally {
        client.close();
        server.close();
      }
    });
  }

  it("uses the server's preference among common profiles", async () => {
    const { client, server } = makePair({ clientProfiles: [0x0001, 0x0007], serverProfiles: [0x0008, 0x0007, 0x0001] });
    const c = watch(client);
    server.start();
    client.start();
    await until(() => settled(c));
    assert.equal(c.connected?.srtpProfileId, 0x0007);
    client.close();
    server.close();
  });

  it('accepts fingerprints of any algorithm, in lower case too', async () => {
    const fp = computeFingerprint(serverCert.certDer, 'sha-512');
    const { client, server } = makePair({
      clientExpects: { algorithm: 'sha-512', value: fp.value.toLowerCase() },
      serverExpects: computeFingerprint(clientCert.certDer, 'sha-1'),
    });
    const c = watch(client);
    const s = watch(server);
    server.start();
    client.start();
    await until(() => settled(c) && settled(s));
    assert.ok(c.connected && s.connected);
    client.close();
    server.close();
  });

  it('fails the client on a server fingerprint mismatch and the server learns by alert', async () => {
    const wrong = computeFingerprint(clientCert.certDer, 'sha-256');
    const { client, server } = makePair({ clientExpects: wrong });
    const c = watch(client);
    const s = watch(server);
    server.start();
    client.start();
    await until(() => settled(c) && (s.failed !== undefined || s.closed === true));
    assert.equal(c.connected, undefined);
    assert.equal(c.failed?.reason, 'fingerprint-mismatch');
    assert.equal(client.state, 'failed');
    assert.notEqual(server.state, 'connected');
    client.close();
    server.close();
  });

  it('fails the server on a client fingerprint mismatch', async () => {
    const wrong = computeFingerprint(serverCert.certDer, 'sha-256');
    const { client, server } = makePair({ serverExpects: wrong });
    const s = watch(server);
    server.start();
    client.start();
    await until(() => settled(s));
    assert.equal(s.connected, undefined);
    assert.equal(s.failed?.reason, 'fingerprint-mismatch');
    client.close();
    server.close();
  });

  it('waits for a late remote fingerprint before connecting', async () => {
    const { client, server } = makePair({ clientExpects: null, serverExpects: null });
    const c = watch(client);
    const s = watch(server);
    server.start();
    client.start();
    // The handshake itself finishes, but neither side may release keys yet.
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(client.state, 'connecting');
    assert.equal(server.state, 'connecting');
    client.setRemoteFingerprint(sha256(serverCert));
    server.setRemoteFingerprint({ algorithm: 'sha-256', value: 'AB:CD' });
    await until(() => settled(c) && settled(s));
    assert.ok(c.connected);
    assert.equal(s.failed?.reason, 'fingerprint-mismatch');
    client.close();
    server.close();
  });

  it('starts the server from its first datagram without start()', async () => {
    const { client, server } = makePair();
    const s = watch(server);
    client.start();
    await until(() => settled(s));
    assert.ok(s.connected);
    client.close();
    server.close();
  });

  // An impostor replays the genuine certificate (so the fingerprint matches)
  // but cannot sign with its key; werift-dtls alone would accept it.
  const impostor = (): DtlsCertificate => ({ ...serverCert, keyPem: clientCert.keyPem });

  it('rejects a server that presents a certificate whose key it does not hold', async () => {
    const { client, server } = makePair({ server: { certificate: impostor() } });
    const c = watch(client);
    server.start();
    client.start();
    await until(() => settled(c));
    assert.equal(c.connected, undefined);
    assert.equal(c.failed?.reason, 'peer-authentication');
    assert.match(c.failed?.message ?? '', /ServerKeyExchange/);
    client.close();
    server.close();
  });

  it('rejects a client that presents a certificate whose key it does not hold', async () => {
    const { client, server } = makePair({
      client: { certificate: impostor() },
      serverExpects: sha256(serverCert),
    });
    const s = watch(server);
    server.start();
    client.start();
    await until(() => settled(s));
    assert.equal(s.connected, undefined);
    assert.equal(s.failed?.reason, 'peer-authentication');
    assert.match(s.failed?.message ?? '', /CertificateVerify/);
    client.close();
    server.close();
  });

  it('carries application data both ways, then close_notify closes the peer', async () => {
    const { client, server } = makePair();
    const c = watch(client);
    const s = watch(server);
    const atServer: Buffer[] = [];
    const atClient: Buffer[] = [];
    server.on('data', (d) => atServer.push(d));
    client.on('data', (d) => atClient.push(d));
    assert.equal(client.sendApplicationData(Buffer.from('too early')), false);
    server.start();
    client.start();
    await until(() => settled(c) && settled(s));
    assert.equal(client.sendApplicationData(Buffer.from('hello server')), true);
    assert.equal(server.sendApplicationData(Buffer.from('hello client')), true);
    await until(() => atServer.length === 1 && atClient.length === 1);
    assert.equal(atServer[0]?.toString(), 'hello server');
    assert.equal(atClient[0]?.toString(), 'hello client');
    client.close();
    await until(() => s.closed === true);
    assert.equal(server.state, 'closed');
    assert.equal(client.state, 'closed');
    assert.equal(c.closed, undefined, 'a local close emits no event');
    server.close();
  });

  it('fails with handshake-timeout when the peer never answers', async () => {
    const s = new DtlsSession({
      role: 'client',
      certificate: clientCert,
      srtpProfiles: [0x0001],
      send: () => undefined,
      handshakeTimeoutMs: 200,
    });
    const o = watch(s);
    s.start();
    await until(() => settled(o), 2000);
    assert.equal(o.failed?.reason, 'handshake-timeout');
    s.close();
  });

  it('survives a lost server flight by retransmission', async () => {
    let dropped = false;
    const tap: Tap = (from, buf) => {
      if (from === 'server' && !dropped && buf[0] === 22 && buf[13] === 2) {
        dropped = true; // the ServerHello datagram
        return undefined;
      }
      return buf;
    };
    const { client, server } = makePair({ tap });
    const c = watch(client);
    const s = watch(server);
    server.start();
    client.start();
    await until(() => settled(c) && settled(s));
    assert.ok(dropped);
    assert.ok(c.connected && s.connected);
    client.close();
    server.close();
  });

  it('tolerates every datagram arriving twice', async () => {
    const peers: { client?: DtlsSession; server?: DtlsSession } = {};
    const twice = (to: 'client' | 'server') => (b: Buffer) => {
      const copy = Buffer.from(b);
      setImmediate(() => peers[to]?.handleDatagram(copy));
      setImmediate(() => peers[to]?.handleDatagram(Buffer.from(copy)));
    };
    const client = new DtlsSession({
      role: 'client',
      certificate: clientCert,
      srtpProfiles: [0x0007],
      remoteFingerprint: sha256(serverCert),
      send: twice('server'),
    });
    const server = new DtlsSession({
      role: 'server',
      certificate: serverCert,
      srtpProfiles: [0x0007],
      remoteFingerprint: sha256(clientCert),
      send: twice('client'),
    });
    Object.assign(peers, { client, server });
    const c = watch(client);
    const s = watch(server);
    const got: string[] = [];
    server.on('data', (d) => got.push(d.toString()));
    client.start();
    await until(() => settled(c) && settled(s));
    assert.equal(c.failed, undefined);
    assert.equal(s.failed, undefined);
    const ci = c.connected;
    const si = s.connected;
    assert.ok(ci && si && ci.srtpProfileId !== null && si.srtpProfileId !== null);
    assert.deepEqual(ci.localMasterKey, si.remoteMasterKey);
    client.sendApplicationData(Buffer.from('x'));
    await until(() => got.length >= 1);
    client.close();
    server.close();
  });

  it('rejects unsupported profile ids at construction', () => {
    assert.throws(
      () => new DtlsSession({ role: 'client', certificate: clientCert, srtpProfiles: [0x0003], send: () => undefined }),
      TypeError,
    );
  });
});

describe('DtlsSession garbage input', TEST_TIMEOUT, () => {
  it('never throws for random datagrams in any state and keeps working', async () => {
    const { client, server } = makePair();
    const c = watch(client);
    const s = watch(server);
    const fresh = new DtlsSession({ role: 'server', certificate: serverCert, srtpProfiles: [1], send: () => undefined });
    const garbage = fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a));
    fc.assert(
      fc.property(garbage, (buf) => {
        fresh.handleDatagram(buf);
        client.handleDatagram(buf); // state 'new' for a client: dropped
      }),
      { numRuns: 20_000 },
    );
    server.start();
    client.start();
    await until(() => settled(c) && settled(s));
    assert.ok(c.connected && s.connected);
    fc.assert(
      fc.property(garbage, (buf) => {
        client.handleDatagram(buf);
        server.handleDatagram(buf);
      }),
      { numRuns: 20_000 },
    );
    assert.equal(client.state, 'connected');
    assert.equal(server.state, 'connected');
    assert.ok(client.stats.datagramsDropped > 0);
    // Record-shaped garbage (valid header, random body) reaches werift and must not break it either.
    const recordish = fc
      .tuple(fc.constantFrom(20, 21, 22, 23), fc.constantFrom(0, 1), fc.uint8Array({ maxLength: 120 }))
      .map(([type, epoch, body]) => {
        const b = Buffer.alloc(13 + body.length);
        b[0] = type;
        b.writeUInt16BE(0xfefd, 1);
        b.writeUInt16BE(epoch, 3);
        b.writeUIntBE(1000, 5, 6);
        b.writeUInt16BE(body.length, 11);
        Buffer.from(body).copy(b, 13);
        return b;
      });
    fc.assert(
      fc.property(recordish, (buf) => {
        client.handleDatagram(buf);
        server.handleDatagram(buf);
      }),
      { numRuns: 5_000 },
    );
    assert.equal(client.state, 'connected');
    assert.equal(server.state, 'connected');
    assert.equal(client.sendApplicationData(Buffer.from('still alive')), true);
    client.close();
    server.close();
    fresh.close();
  });
});
