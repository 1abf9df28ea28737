/**
 * DtlsSession handshakes between two in-process sessions: SRTP profiles and keys, fingerprints,
 * certificates, application data, timeouts, duplicated datagrams.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DtlsSession } from './session.js';
import { SRTP_PROFILE_IDS, srtpProfileKeyLengths } from './srtp-profiles.js';
import { computeFingerprint } from './certificate.js';
import type { DtlsCertificate } from './certificate.js';
import type { DtlsConnectedInfo } from './session.js';
import { certificates, handshake, makePair, settled, sha256, TEST_TIMEOUT, until, useSessionCertificates, watch } from './session-test-pair.js';

useSessionCertificates();

describe('DtlsSession in-process handshake', TEST_TIMEOUT, () => {
  for (const profile of SRTP_PROFILE_IDS) {
    it(`negotiates profile 0x${profile.toString(16).padStart(4, '0')} with crosswise keys`, async () => {
      const { client, server, c, s } = await handshake({ clientProfiles: [profile], serverProfiles: [profile] }, { startServer: true });
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
        assert.deepEqual(ci.remoteCertificateDer, certificates.server.certDer);
        assert.deepEqual(si.remoteCertificateDer, certificates.client.certDer);
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
    const fp = computeFingerprint(certificates.server.certDer, 'sha-512');
    const { client, server } = makePair({
      clientExpects: { algorithm: 'sha-512', value: fp.value.toLowerCase() },
      serverExpects: computeFingerprint(certificates.client.certDer, 'sha-1'),
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
    const wrong = computeFingerprint(certificates.client.certDer, 'sha-256');
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
    const wrong = computeFingerprint(certificates.server.certDer, 'sha-256');
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
    client.setRemoteFingerprint(sha256(certificates.server));
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
  const impostor = (): DtlsCertificate => ({ ...certificates.server, keyPem: certificates.client.keyPem });

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
      serverExpects: sha256(certificates.server),
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
      certificate: certificates.client,
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

  it('tolerates every datagram arriving twice', async () => {
    const peers: { client?: DtlsSession; server?: DtlsSession } = {};
    const twice = (to: 'client' | 'server') => (b: Buffer) => {
      const copy = Buffer.from(b);
      setImmediate(() => peers[to]?.handleDatagram(copy));
      setImmediate(() => peers[to]?.handleDatagram(Buffer.from(copy)));
    };
    const client = new DtlsSession({
      role: 'client',
      certificate: certificates.client,
      srtpProfiles: [0x0007],
      remoteFingerprint: sha256(certificates.server),
      send: twice('server'),
    });
    const server = new DtlsSession({
      role: 'server',
      certificate: certificates.server,
      srtpProfiles: [0x0007],
      remoteFingerprint: sha256(certificates.client),
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
      () => new DtlsSession({ role: 'client', certificate: certificates.client, srtpProfiles: [0x0003], send: () => undefined }),
      TypeError,
    );
  });
});
