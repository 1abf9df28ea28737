/**
 * Node integration: the unmodified mediasoup-client v3 on @roamhq/wrtc
 * (libwebrtc) sends synthetic audio and video through a real worker over
 * real sockets on 127.0.0.1; a second client decodes it.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { after, describe, test } from 'node:test';
import {
  STUN_METHOD_BINDING,
  StunMessageBuilder,
  getErrorCode,
  parseStun,
  shortTermKey,
  type StunMessage,
} from '../../packages/consomme/src/wire/stun/index.js';
import { exitAfterWrtcTests, sleep, waitUntil } from '../lib/node-client.js';
import { startLossyRelay, type LossyRelay } from '../lib/lossy-relay.js';
import type { types } from 'consomme';
import { expectMediaFlowing, startCall } from './call-helpers.js';

type ProducerScore = types.ProducerScore;
type ConsumerScore = types.ConsumerScore;

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

  test('restartIce() in mid-call: the endpoints switch to the new credentials, the old ones get 401, media keeps flowing', async () => {
    const call = await startCall();
    const probe = createSocket('udp4');
    await new Promise<void>((resolve) => probe.bind(0, '127.0.0.1', resolve));
    const replies = new Map<string, StunMessage>();
    probe.on('message', (buf) => {
      const msg = parseStun(buf);
      if (msg) replies.set(msg.transactionId.toString('hex'), msg);
    });
    /** One binding request from the probe socket; the server's answer (success or error), or undefined. */
    const check = async (port: number, ufrag: string, password: string): Promise<StunMessage | undefined> => {
      const transactionId = randomBytes(12);
      const request = new StunMessageBuilder('request', STUN_METHOD_BINDING, transactionId)
        .username(`${ufrag}:probe`)
        .priority(1862270975)
        .iceControlling(1n)
        .build({ integrityKey: shortTermKey(password), fingerprint: true });
      await new Promise<void>((resolve) => probe.send(request, port, '127.0.0.1', () => resolve()));
      await sleep(150);
      return replies.get(transactionId.toString('hex'));
    };
    try {
      await expectMediaFlowing(call, 'before restart');
      for (const transport of [call.a.send!, call.b.recv!]) {
        const server = call.fixture.transports.get(transport.id)!;
        const port = server.iceCandidates.find((c) => c.protocol === 'udp')!.port;
        const old = { ...server.iceParameters };
        const iceParameters = await server.restartIce();
        assert.notEqual(iceParameters.usernameFragment, old.usernameFragment);
        assert.notEqual(iceParameters.password, old.password);
        // Until the endpoint switches, the old credentials are still honoured (so the call does not drop)...
        assert.equal((await check(port, old.usernameFragment, old.password))?.class, 'successResponse', 'old credentials before the switch');
        await transport.restartIce({ iceParameters });
        // ...and once libwebrtc's checks with the new ones arrive, the old ones are refused with 401.
        let answer: StunMessage | undefined;
        await waitUntil('the old ICE credentials refused', 10_000, async () => {
          answer = await check(port, old.usernameFragment, old.password);
          return answer?.class === 'errorResponse';
        });
        assert.equal(getErrorCode(answer!)?.code, 401);
        assert.equal((await check(port, iceParameters.usernameFragment, iceParameters.password))?.class, 'successResponse', 'new credentials');
      }
      await expectMediaFlowing(call, 'after restart');
      for (const transport of call.fixture.transports.values()) assert.ok(['connected', 'completed'].includes(transport.iceState));
    } finally {
      probe.close();
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

  test('consumer.requestKeyFrame() sends a PLI that reaches the producing endpoint, which answers with a key frame', async () => {
    const call = await startCall();
    try {
      await expectMediaFlowing(call, 'before the request');
      const serverProducer = call.fixture.producers.get(call.videoProducer.id)!;
      const serverConsumer = call.fixture.consumers.get(call.video.consumer.id)!;
      const traces: { type: string; at: number }[] = [];
      serverProducer.on('trace', (trace) => traces.push({ type: trace.type, at: Date.now() }));
      await serverProducer.enableTraceEvent(['pli', 'fir', 'keyframe']);
      // Past the throttle interval of the key frame the consumer asked for when it started.
      await sleep(1500);
      const requests = async (): Promise<number> => (await serverProducer.getStats()).reduce((n, s) => n + s.pliCount + s.firCount, 0);
      const endpointRequests = async (): Promise<number> => {
        let n = 0;
        // wrtc has no RTCRtpSender.getStats(): read the send transport's peer connection instead.
        (await call.a.send!.getStats()).forEach((s: any) => {
          if (s.type === 'outbound-rtp' && s.kind === 'video') n += (s.pliCount ?? 0) + (s.firCount ?? 0);
        });
        return n;
      };
      const sfu0 = await requests();
      const endpoint0 = await endpointRequests();
      const requestedAt = Date.now();
      await serverConsumer.requestKeyFrame();
      await waitUntil('a PLI/FIR trace after requestKeyFrame()', 3000, () => traces.some((t) => (t.type === 'pli' || t.type === 'fir') && t.at >= requestedAt));
      await waitUntil('the SFU counts the request', 3000, async () => (await requests()) > sfu0);
      // libwebrtc's outbound-rtp pliCount/firCount: the request crossed the wire to the sender.
      await waitUntil('the endpoint counts a received PLI/FIR', 5000, async () => (await endpointRequests()) > endpoint0);
      const requestTrace = traces.find((t) => (t.type === 'pli' || t.type === 'fir') && t.at >= requestedAt)!;
      await waitUntil('a key frame after the request', 5000, () => traces.some((t) => t.type === 'keyframe' && t.at >= requestTrace.at));
      await expectMediaFlowing(call, 'after the key frame');
    } finally {
      call.close();
    }
  });

  test('producers and consumers emit score events during a call', async () => {
    const producerScores: ProducerScore[][] = [];
    const consumerScores: ConsumerScore[] = [];
    // Listeners go on as each object is created, before any RTP or RTCP can change a score.
    const call = await startCall({}, (fixture, signal) => {
      fixture.router.observer.on('newtransport', (transport) => {
        transport.observer.on('newproducer', (producer) => producer.on('score', (score) => producerScores.push(score)));
        transport.observer.on('newconsumer', (consumer) => consumer.on('score', (score) => consumerScores.push(score)));
      });
      return signal;
    });
    try {
      await expectMediaFlowing(call, 'scores');
      await waitUntil('a video producer score event', 10_000, () => producerScores.some((list) => list.some((s) => s.ssrc === call.fixture.producers.get(call.videoProducer.id)!.rtpParameters.encodings?.[0]?.ssrc)));
      await waitUntil('consumer score events', 10_000, () => consumerScores.length > 0);
      for (const list of producerScores) {
        for (const s of list) assert.ok(Number.isInteger(s.score) && s.score >= 0 && s.score <= 10, `producer score ${JSON.stringify(s)}`);
      }
      for (const s of consumerScores) {
        assert.ok(s.score >= 0 && s.score <= 10 && s.producerScore >= 0 && s.producerScore <= 10, `consumer score ${JSON.stringify(s)}`);
        assert.ok(Array.isArray(s.producerScores));
      }
      // A clean loopback call: the last score of the video producer is high, and the getter agrees with the event.
      const videoProducer = call.fixture.producers.get(call.videoProducer.id)!;
      assert.ok(videoProducer.score.length > 0 && videoProducer.score.every((s) => s.score >= 7), `video producer score ${JSON.stringify(videoProducer.score)}`);
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
