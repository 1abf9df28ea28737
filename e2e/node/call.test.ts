/**
 * Node integration: the unmodified mediasoup-client v3 on @roamhq/wrtc
 * (libwebrtc) sends synthetic audio and video through a real worker over
 * real sockets on 127.0.0.1; a second client decodes it.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, describe, test } from 'node:test';
import { exitAfterWrtcTests, sleep, waitUntil } from '../lib/node-client.js';
import { startLossyRelay, type LossyRelay } from '../lib/lossy-relay.js';
import { expectMediaFlowing, startCall } from './call-helpers.js';

exitAfterWrtcTests(after);

describe('call through the SFU with libwebrtc clients', { timeout: 120_000 }, () => {
  test('audio and video over UDP', async () => {
    const call = await startCall();
    try {
      await expectMediaFlowing(call, 'udp');
      assert.ok(call.video.counters.lastWidth > 0, 'decoded frames have a width');
      for (const transport of call.fixture.transports.values()) {
        assert.equal(transport.iceSelectedTuple?.protocol, 'udp');
        assert.equal(transport.dtlsState, 'connected');
      }
      const [producerStats] = await call.fixture.producers.get(call.videoProducer.id)!.getStats();
      assert.ok(producerStats!.packetCount > 0, 'the SFU counted received video packets');
    } finally {
      call.close();
    }
  });

  test('audio and video over TCP only (enableUdp: false)', async () => {
    const call = await startCall({ transportOptions: { listenIps: ['127.0.0.1'], enableUdp: false, enableTcp: true } });
    try {
      for (const transport of call.fixture.transports.values()) {
        assert.deepEqual(transport.iceCandidates.map((c) => c.protocol), ['tcp']);
        assert.equal(transport.iceCandidates[0]!.tcpType, 'passive');
      }
      await expectMediaFlowing(call, 'tcp');
      for (const transport of call.fixture.transports.values()) assert.equal(transport.iceSelectedTuple?.protocol, 'tcp');
    } finally {
      call.close();
    }
  });

  // libwebrtc M106 (@roamhq/wrtc) offers only AES_CM_128_HMAC_SHA1_80 in DTLS-SRTP: its
  // GCM suites are off by default. The AEAD suites are proven against Chromium in
  // e2e/browser/srtp.test.ts; here a GCM-only server must fail DTLS cleanly.
  for (const suite of ['AES_CM_128_HMAC_SHA1_80'] as const) {
    test(`SRTP with ${suite}`, async () => {
      const call = await startCall({ transportOptions: { srtpCryptoSuites: [suite] } });
      try {
        await expectMediaFlowing(call, suite);
        for (const transport of call.fixture.transports.values()) {
          assert.equal(transport.srtpCryptoSuite, suite);
          const [stats] = await transport.getStats();
          assert.equal(stats!.srtpCryptoSuite, suite);
        }
      } finally {
        call.close();
      }
    });
  }

  test('a GCM-only server and a client without GCM fail DTLS with dtlsState failed', async () => {
    const { SfuFixture } = await import('../lib/sfu-fixture.js');
    const { NodeClient, syntheticMedia } = await import('../lib/node-client.js');
    const fixture = await new SfuFixture({ transportOptions: { srtpCryptoSuites: ['AEAD_AES_128_GCM'] } }).start();
    const client = new NodeClient((m, d) => fixture.handle(m, d));
    const media = syntheticMedia();
    try {
      const send = await client.createSendTransport();
      const server = fixture.transports.get(send.id)!;
      const failed = new Promise<void>((resolve) => server.on('dtlsstatechange', (state) => state === 'failed' && resolve()));
      void send.produce({ track: media.audioTrack }).catch(() => undefined);
      await failed;
      assert.equal(server.dtlsState, 'failed');
      assert.equal(server.srtpCryptoSuite, undefined);
    } finally {
      media.stop();
      client.close();
      fixture.close();
    }
  });

  test('DTLS with the SFU in the client role (the endpoint told to be the DTLS server)', async () => {
    // mediasoup-client takes the role opposite to the one the server announces. Only its send
    // transport honours a forced role: on a receive transport its SDP answer still makes
    // libwebrtc the DTLS client while it reports 'server' in connect(), so the forced role is
    // applied to the first (send) transport only.
    let created = 0;
    const call = await startCall({}, (_fixture, signal) => async (method, data) => {
      const reply = await signal(method, data);
      if (method === 'createWebRtcTransport' && created++ === 0) reply.dtlsParameters = { ...reply.dtlsParameters, role: 'client' };
      return reply;
    });
    try {
      await expectMediaFlowing(call, 'dtls client role');
      for (const transport of call.fixture.transports.values()) assert.equal(transport.dtlsState, 'connected');
    } finally {
      call.close();
    }
  });

  test('ICE consent: a silent endpoint turns the transport disconnected after iceConsentTimeout', async () => {
    const call = await startCall({ transportOptions: { iceConsentTimeout: 6 } });
    try {
      await expectMediaFlowing(call, 'consent');
      const server = call.fixture.transports.get(call.a.send!.id)!;
      // libwebrtc renews consent every ~2.5 s: a live call must not time out.
      await sleep(7000);
      assert.ok(['connected', 'completed'].includes(server.iceState), `still connected: ${server.iceState}`);
      const disconnected = new Promise<number>((resolve) => {
        server.on('icestatechange', (state) => state === 'disconnected' && resolve(Date.now()));
      });
      const silentAt = Date.now();
      call.a.send!.close(); // the endpoint goes silent: no more STUN consent checks
      const at = await disconnected;
      assert.ok(at - silentAt <= 10_000, `disconnected ${at - silentAt} ms after the endpoint went silent`);
      assert.equal(server.iceSelectedTuple, undefined);
    } finally {
      call.close();
    }
  });

  test('restartIce() in mid-call keeps media flowing', async () => {
    const call = await startCall();
    try {
      await expectMediaFlowing(call, 'before restart');
      for (const [client, transport] of [[call.a, call.a.send!], [call.b, call.b.recv!]] as const) {
        const server = call.fixture.transports.get(transport.id)!;
        const before = server.iceParameters.usernameFragment;
        const iceParameters = await server.restartIce();
        assert.notEqual(iceParameters.usernameFragment, before);
        await transport.restartIce({ iceParameters });
        void client;
      }
      await expectMediaFlowing(call, 'after restart');
      // The old credentials are gone once the new ones are in use.
      for (const transport of call.fixture.transports.values()) assert.ok(['connected', 'completed'].includes(transport.iceState));
    } finally {
      call.close();
    }
  });

  test('producer.close() reaches the consumer as producerclose', async () => {
    const call = await startCall();
    try {
      await expectMediaFlowing(call, 'before close');
      const serverConsumer = call.fixture.consumers.get(call.video.consumer.id)!;
      const closed = once(serverConsumer, 'producerclose');
      // The app relays it to the client, as a mediasoup app does.
      serverConsumer.on('producerclose', () => call.video.consumer.close());
      call.fixture.producers.get(call.videoProducer.id)!.close();
      await closed;
      assert.equal(serverConsumer.closed, true);
      assert.equal(call.video.consumer.closed, true);
      assert.equal(call.video.consumer.track.readyState, 'ended');
    } finally {
      call.close();
    }
  });

  test("a consumer's pause stops packets and its resume restarts frames within 1 s", async () => {
    const call = await startCall();
    try {
      await expectMediaFlowing(call, 'before pause');
      const serverConsumer = call.fixture.consumers.get(call.video.consumer.id)!;
      await serverConsumer.pause();
      await sleep(300); // packets in flight
      const p0 = (await serverConsumer.getStats())[0]!.packetCount;
      const f0 = call.video.counters.frames;
      await sleep(1000);
      const p1 = (await serverConsumer.getStats())[0]!.packetCount;
      const f1 = call.video.counters.frames;
      assert.equal(p1, p0, 'the SFU sent no packets while paused');
      assert.equal(f1, f0, 'the client decoded no frames while paused');
      const framesBefore = call.video.counters.frames;
      const resumedAt = Date.now();
      await serverConsumer.resume();
      await waitUntil('frames after resume', 1000, () => call.video.counters.frames > framesBefore);
      const elapsed = Date.now() - resumedAt;
      assert.ok(elapsed <= 1000, `frames restarted after ${elapsed} ms`);
    } finally {
      call.close();
    }
  });

  test('5% random loss: NACKs are sent and answered and frames keep decoding', async () => {
    const relays: LossyRelay[] = [];
    const call = await startCall({ transportOptions: { listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] } }, (_fixture, signal) => async (method, data) => {
      const reply = await signal(method, data);
      if (method !== 'createWebRtcTransport') return reply;
      const candidate = reply.iceCandidates[0];
      const relay = await startLossyRelay(candidate.port, 0.05, relays.length + 7);
      relays.push(relay);
      return { ...reply, iceCandidates: [{ ...candidate, port: relay.port }] };
    });
    try {
      await expectMediaFlowing(call, 'under loss', 20_000);
      await sleep(4000);
      await expectMediaFlowing(call, 'still under loss', 20_000);
      const [producerStats] = await call.fixture.producers.get(call.videoProducer.id)!.getStats();
      const [consumerStats] = await call.fixture.consumers.get(call.video.consumer.id)!.getStats();
      assert.ok(relays.every((r) => r.dropped > 0), 'the relays dropped packets');
      assert.ok(producerStats!.nackCount > 0, `the SFU sent NACKs to the producer (${producerStats!.nackCount})`);
      assert.ok(producerStats!.packetsRetransmitted > 0, `the producer answered them (${producerStats!.packetsRetransmitted})`);
      assert.ok(consumerStats!.nackCount > 0, `the consumer's endpoint sent NACKs (${consumerStats!.nackCount})`);
      assert.ok(consumerStats!.packetsRetransmitted > 0, `the SFU answered them (${consumerStats!.packetsRetransmitted})`);
    } finally {
      call.close();
      for (const relay of relays) relay.close();
    }
  });
});
