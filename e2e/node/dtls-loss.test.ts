/**
 * DTLS handshakes through a path that drops a quarter of the DTLS datagrams
 * in both directions (ICE and media pass): libwebrtc endpoints (BoringSSL,
 * DTLS client) and a raw werift-based endpoint (Consommé's own DtlsSession,
 * DTLS client) against the SFU's DTLS server. Each transport gets its own
 * seeded relay, so a run is repeatable up to timing.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { startLossyRelay, type LossyRelay } from '../lib/lossy-relay.js';
import { NodeClient, exitAfterWrtcTests, syntheticMedia, waitUntil, type Signal } from '../lib/node-client.js';
import { RawPeer } from '../lib/raw-peer.js';
import { SfuFixture } from '../lib/sfu-fixture.js';

exitAfterWrtcTests(after);

const DTLS_LOSS = 0.25;
const VIEWERS = 6;

/** Routes every new transport's UDP candidate through its own lossy relay. */
function viaLossyRelays(fixture: SfuFixture, relays: LossyRelay[]): Signal {
  return async (method, data) => {
    const reply = await fixture.handle(method, data);
    if (method !== 'createWebRtcTransport') return reply;
    const candidate = reply.iceCandidates[0];
    const relay = await startLossyRelay(candidate.port, DTLS_LOSS, 100 + relays.length, { drop: 'dtls' });
    relays.push(relay);
    return { ...reply, iceCandidates: [{ ...candidate, port: relay.port }] };
  };
}

describe('DTLS under 25 % DTLS datagram loss in both directions', { timeout: 120_000 }, () => {
  test(`a producer and ${VIEWERS} viewers (libwebrtc) all connect and receive media`, async (t) => {
    const fixture = await new SfuFixture({ transportOptions: { listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] } }).start();
    const relays: LossyRelay[] = [];
    const signal = viaLossyRelays(fixture, relays);
    const media = syntheticMedia();
    const clients: NodeClient[] = [];
    try {
      const producer = new NodeClient(signal);
      clients.push(producer);
      const send = await producer.createSendTransport();
      const videoProducer = await send.produce({ track: media.videoTrack });
      const viewers = await Promise.all(
        Array.from({ length: VIEWERS }, async () => {
          const viewer = new NodeClient(signal);
          clients.push(viewer);
          return viewer.consume(videoProducer.id);
        }),
      );
      await waitUntil('every transport DTLS-connected', 45_000, () =>
        fixture.transports.size === VIEWERS + 1 && [...fixture.transports.values()].every((t) => t.dtlsState === 'connected'),
      );
      await waitUntil('every viewer decodes video', 30_000, () => viewers.every((v) => v.counters.frames >= 10));
      const dropped = relays.reduce((n, r) => n + r.dropped, 0);
      t.diagnostic(`${dropped} DTLS datagrams dropped over ${relays.length} transports`);
      assert.ok(dropped > 0, 'the relays dropped DTLS datagrams');
      for (const t of fixture.transports.values()) assert.equal(t.dtlsState, 'connected');
    } finally {
      media.stop();
      for (const c of clients) c.close();
      fixture.close();
      for (const r of relays) r.close();
    }
  });

  test('raw werift-based DTLS clients (DtlsSession) connect and open SCTP', async (t) => {
    const fixture = await new SfuFixture().start();
    const relays: LossyRelay[] = [];
    const peers: RawPeer[] = [];
    try {
      const transports = await Promise.all(
        Array.from({ length: VIEWERS }, () =>
          fixture.router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }], enableSctp: true }),
        ),
      );
      await Promise.all(
        transports.map(async (transport, i) => {
          const candidate = transport.iceCandidates[0]!;
          const relay = await startLossyRelay(candidate.port, DTLS_LOSS, 200 + i, { drop: 'dtls' });
          relays.push(relay);
          const peer = await RawPeer.create({ connectTimeoutMs: 40_000 });
          peers.push(peer);
          await transport.connect({ dtlsParameters: peer.dtlsParameters });
          await peer.connect({
            iceParameters: transport.iceParameters,
            iceCandidates: [{ ...candidate, port: relay.port }],
            dtlsParameters: transport.dtlsParameters,
            sctpParameters: transport.sctpParameters,
          });
        }),
      );
      for (const [i, t] of transports.entries()) {
        assert.equal(t.dtlsState, 'connected', `transport ${i}`);
        assert.equal(peers[i]!.dtlsState, 'connected', `peer ${i}`);
        assert.equal(peers[i]!.sctpState, 'connected', `peer ${i} SCTP`);
      }
      const dropped = relays.reduce((n, r) => n + r.dropped, 0);
      t.diagnostic(`${dropped} DTLS datagrams dropped over ${relays.length} transports`);
      assert.ok(dropped > 0, 'the relays dropped DTLS datagrams');
    } finally {
      for (const p of peers) p.close();
      fixture.close();
      for (const r of relays) r.close();
    }
  });
});
