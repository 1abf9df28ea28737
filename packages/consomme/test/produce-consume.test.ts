/**
 * produce() / consume() without a client: argument checks, the RTP
 * parameters the router hands to a consumer, and how pause, resume and
 * close travel from producers to consumers (mediasoup v3 API:
 * https://mediasoup.org/documentation/v3/mediasoup/api/#Producer and
 * https://mediasoup.org/documentation/v3/mediasoup/api/#Consumer).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as mediasoup from 'consomme';
import { SEED_CODECS, WorkerPool, countEvents, opusRtpParameters, waitEvent } from './helpers.js';

type RtpParameters = mediasoup.types.RtpParameters;
type WebRtcTransport = mediasoup.types.WebRtcTransport;

const pool = new WorkerPool();
after(() => pool.closeAll());

const PORTS = { rtcMinPort: 25000, rtcMaxPort: 25999 };
const LISTEN: mediasoup.types.TransportListenInfo[] = [{ protocol: 'udp', ip: '127.0.0.1' }];

let worker: mediasoup.types.Worker;
let router: mediasoup.types.Router;
before(async () => {
  worker = await pool.create(PORTS);
  router = await worker.createRouter({ mediaCodecs: SEED_CODECS });
});

/** A fresh send and receive transport pair on the shared router. */
async function transports(): Promise<{ send: WebRtcTransport; recv: WebRtcTransport; close(): void }> {
  const send = await router.createWebRtcTransport({ listenInfos: LISTEN });
  const recv = await router.createWebRtcTransport({ listenInfos: LISTEN });
  return { send, recv, close: () => [send, recv].forEach((t) => t.close()) };
}

/** What mediasoup-client sends for a VP8 track with RTX. */
function vp8RtpParameters(ssrc: number, rtxSsrc: number, mid: string): RtpParameters {
  return {
    codecs: [
      {
        mimeType: 'video/VP8',
        payloadType: 96,
        clockRate: 90000,
        parameters: {},
        rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }],
      },
      { mimeType: 'video/rtx', payloadType: 97, clockRate: 90000, parameters: { apt: 96 }, rtcpFeedback: [] },
    ],
    headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 4 }],
    encodings: [{ ssrc, rtx: { ssrc: rtxSsrc } }],
    rtcp: { cname: 'v', reducedSize: true },
    mid,
  };
}

describe('produce() arguments', { timeout: 30_000 }, () => {
  const invalid: [string, unknown][] = [
    ['no options', undefined],
    ['unknown kind', { kind: 'data', rtpParameters: opusRtpParameters() }],
    ['missing rtpParameters', { kind: 'audio' }],
    ['codecs not an array', { kind: 'audio', rtpParameters: { ...opusRtpParameters(), codecs: 'opus' } }],
    ['codec without payloadType', { kind: 'audio', rtpParameters: { ...opusRtpParameters(), codecs: [{ mimeType: 'audio/opus', clockRate: 48000 }] } }],
    ['payloadType 200', { kind: 'audio', rtpParameters: { ...opusRtpParameters(), codecs: [{ ...opusRtpParameters().codecs[0], payloadType: 200 }] } }],
    ['encoding ssrc not a number', { kind: 'audio', rtpParameters: { ...opusRtpParameters(), encodings: [{ ssrc: 'x' }] } }],
    ['header extension without id', { kind: 'audio', rtpParameters: { ...opusRtpParameters(), headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:sdes:mid' }] } }],
    ['appData not an object', { kind: 'audio', rtpParameters: opusRtpParameters(), appData: 42 }],
    ['RTX whose apt names no codec', {
      kind: 'video',
      rtpParameters: { ...vp8RtpParameters(1, 2, '0'), codecs: [vp8RtpParameters(1, 2, '0').codecs[0], { mimeType: 'video/rtx', payloadType: 97, clockRate: 90000, parameters: { apt: 55 } }] },
    }],
  ];
  for (const [name, options] of invalid) {
    test(`invalid (${name}) → TypeError`, async () => {
      const { send, close } = await transports();
      try {
        await assert.rejects(send.produce(options as never), TypeError);
      } finally {
        close();
      }
    });
  }

  // Bug (api/transport.ts produce): mediasoup rejects empty codecs ("empty
  // codecs") and empty encodings ("empty encodings") with TypeError. Here empty
  // codecs make a producer nothing can consume, and empty encodings crash the
  // worker's WorkerProducer constructor (worker/producer.ts, encodings[0]!), whose
  // "Cannot read properties of undefined" only happens to be a TypeError.
  test('empty codecs or empty/absent encodings → TypeError naming the field', async () => {
    const { send, close } = await transports();
    try {
      const cases: [string, RtpParameters, RegExp][] = [
        ['codecs []', { ...opusRtpParameters(), codecs: [] }, /codecs/],
        ['encodings []', { ...opusRtpParameters(), encodings: [] }, /encodings/],
        ['no encodings', { ...opusRtpParameters(), encodings: undefined as never }, /encodings/],
      ];
      for (const [name, rtpParameters, field] of cases) {
        await assert.rejects(send.produce({ kind: 'audio', rtpParameters }), (error: Error) => {
          assert.ok(error instanceof TypeError, `${name}: ${error.name}`);
          assert.match(error.message, field, `${name}: ${error.message}`);
          assert.doesNotMatch(error.message, /Cannot read properties/, `${name}: a crash, not a validation`);
          return true;
        }, name);
      }
    } finally {
      close();
    }
  });

  test('a codec the router lacks → UnsupportedError', async () => {
    const { send, close } = await transports();
    try {
      const pcmu: RtpParameters = {
        ...opusRtpParameters(),
        codecs: [{ mimeType: 'audio/PCMU', payloadType: 0, clockRate: 8000, channels: 1 }],
      };
      await assert.rejects(send.produce({ kind: 'audio', rtpParameters: pcmu }), mediasoup.UnsupportedError);
      const h264: RtpParameters = {
        ...vp8RtpParameters(5, 6, '1'),
        codecs: [{ mimeType: 'video/H264', payloadType: 102, clockRate: 90000, parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f' } }],
        encodings: [{ ssrc: 5 }],
      };
      await assert.rejects(send.produce({ kind: 'video', rtpParameters: h264 }), mediasoup.UnsupportedError);
      // Opus as mono is not the router's opus/48000/2.
      const mono: RtpParameters = { ...opusRtpParameters(), codecs: [{ ...opusRtpParameters().codecs[0]!, channels: 1 }] };
      await assert.rejects(send.produce({ kind: 'audio', rtpParameters: mono }), mediasoup.UnsupportedError);
    } finally {
      close();
    }
  });
});

describe('consume() arguments and canConsume()', { timeout: 30_000 }, () => {
  test('unknown producer → TypeError; missing or malformed rtpCapabilities → TypeError', async () => {
    const { send, recv, close } = await transports();
    try {
      const producer = await send.produce({ kind: 'audio', rtpParameters: opusRtpParameters() });
      await assert.rejects(recv.consume({ producerId: 'no-such-producer', rtpCapabilities: router.rtpCapabilities }), TypeError);
      await assert.rejects(recv.consume({ producerId: '', rtpCapabilities: router.rtpCapabilities }), TypeError);
      await assert.rejects(recv.consume({ producerId: producer.id } as never), TypeError);
      await assert.rejects(recv.consume({ producerId: producer.id, rtpCapabilities: { codecs: [{ mimeType: 'opus' }] } as never }), TypeError);
      await assert.rejects(recv.consume(undefined as never), TypeError);
    } finally {
      close();
    }
  });

  test('canConsume() is false for incompatible or invalid capabilities and unknown producers', async () => {
    const { send, recv, close } = await transports();
    try {
      const producer = await send.produce({ kind: 'audio', rtpParameters: opusRtpParameters() });
      assert.equal(router.canConsume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities }), true);
      const videoOnly: mediasoup.types.RtpCapabilities = {
        codecs: router.rtpCapabilities.codecs!.filter((c) => c.kind === 'video'),
        headerExtensions: router.rtpCapabilities.headerExtensions!,
      };
      assert.equal(router.canConsume({ producerId: producer.id, rtpCapabilities: videoOnly }), false);
      const pcmuOnly: mediasoup.types.RtpCapabilities = {
        codecs: [{ kind: 'audio', mimeType: 'audio/PCMU', preferredPayloadType: 0, clockRate: 8000, channels: 1 }],
      };
      assert.equal(router.canConsume({ producerId: producer.id, rtpCapabilities: pcmuOnly }), false);
      assert.equal(router.canConsume({ producerId: producer.id, rtpCapabilities: {} }), false);
      assert.equal(router.canConsume({ producerId: producer.id, rtpCapabilities: { codecs: 'x' } as never }), false);
      assert.equal(router.canConsume({ producerId: 'unknown', rtpCapabilities: router.rtpCapabilities }), false);
      // consume() with capabilities canConsume() refuses is refused too.
      await assert.rejects(recv.consume({ producerId: producer.id, rtpCapabilities: videoOnly }), mediasoup.UnsupportedError);
      producer.close();
      assert.equal(router.canConsume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities }), false);
    } finally {
      close();
    }
  });
});

describe('produce and consume (no client)', { timeout: 30_000 }, () => {
  test('opus: producer and consumer properties and RTP parameters', async () => {
    const { send, recv, close } = await transports();
    try {
      const newProducer = waitEvent(send.observer, 'newproducer');
      const producer = await send.produce({ kind: 'audio', rtpParameters: opusRtpParameters(), appData: { track: 'mic' } });
      assert.equal((await newProducer)[0], producer);
      assert.equal(typeof producer.id, 'string');
      assert.equal(producer.kind, 'audio');
      assert.equal(producer.type, 'simple');
      assert.equal(producer.paused, false);
      assert.equal(producer.closed, false);
      assert.deepEqual(producer.appData, { track: 'mic' });
      assert.equal(producer.rtpParameters.codecs[0]!.payloadType, 111, 'the producer keeps its own parameters');
      assert.equal(producer.rtpParameters.encodings![0]!.ssrc, 11111111);

      const newConsumer = waitEvent(recv.observer, 'newconsumer');
      const consumer = await recv.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
      assert.equal((await newConsumer)[0], consumer);
      assert.equal(consumer.producerId, producer.id);
      assert.equal(consumer.kind, 'audio');
      assert.equal(consumer.type, 'simple');
      assert.equal(consumer.paused, false);
      assert.equal(consumer.producerPaused, false);
      assert.equal(consumer.closed, false);

      const p = consumer.rtpParameters;
      assert.equal(p.mid, '0', 'first consumer of the transport gets mid "0"');
      assert.equal(p.codecs.length, 1, 'audio: no RTX by default');
      assert.equal(p.codecs[0]!.mimeType, 'audio/opus');
      assert.equal(p.codecs[0]!.payloadType, 100, "the router's payload type, not the producer's 111");
      assert.equal(p.codecs[0]!.clockRate, 48000);
      assert.equal(p.codecs[0]!.channels, 2);
      assert.equal(p.encodings!.length, 1);
      const ssrc = p.encodings![0]!.ssrc!;
      assert.ok(Number.isInteger(ssrc) && ssrc > 0 && ssrc <= 0xffffffff, `ssrc ${ssrc}`);
      assert.notEqual(ssrc, 11111111, 'the router sends under its own SSRC');
      assert.equal(p.encodings![0]!.rtx, undefined);
      assert.equal(p.rtcp?.cname, 'x', 'the producer CNAME is kept for lip sync');
      assert.ok(p.headerExtensions!.every((e) => router.rtpCapabilities.headerExtensions!.some((c) => c.kind === 'audio' && c.uri === e.uri && c.preferredId === e.id)));

      // The next consumer of the same transport gets the next mid; an explicit mid wins.
      const second = await recv.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
      assert.equal(second.rtpParameters.mid, '1');
      assert.notEqual(second.rtpParameters.encodings![0]!.ssrc, ssrc);
      const named = await recv.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities, mid: 'audio-x', paused: true });
      assert.equal(named.rtpParameters.mid, 'audio-x');
      assert.equal(named.paused, true);

      const producerStats = await producer.getStats();
      const consumerStats = await consumer.getStats();
      assert.ok(Array.isArray(producerStats));
      assert.ok(Array.isArray(consumerStats));
      for (const s of [...producerStats, ...consumerStats]) {
        assert.equal(typeof s.type, 'string');
        assert.equal(typeof s.timestamp, 'number');
      }
    } finally {
      close();
    }
  });

  test('VP8 with RTX: the consumer gets the router VP8 and RTX payload types and an RTX SSRC', async () => {
    const { send, recv, close } = await transports();
    try {
      const producer = await send.produce({ kind: 'video', rtpParameters: vp8RtpParameters(22222222, 33333333, '1') });
      const consumer = await recv.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities, paused: true });
      assert.deepEqual(consumer.rtpParameters.codecs.map((c) => [c.mimeType, c.payloadType]), [['video/VP8', 101], ['video/rtx', 102]]);
      assert.deepEqual(consumer.rtpParameters.codecs[1]!.parameters, { apt: 101 });
      const encoding = consumer.rtpParameters.encodings![0]!;
      assert.ok(Number.isInteger(encoding.rtx?.ssrc));
      assert.notEqual(encoding.rtx!.ssrc, encoding.ssrc);
      await consumer.resume();
      assert.equal(consumer.paused, false);
      await consumer.requestKeyFrame();
    } finally {
      close();
    }
  });

  test("producer.pause()/resume() reach the consumer as 'producerpause'/'producerresume'", async () => {
    const { send, recv, close } = await transports();
    try {
      const producer = await send.produce({ kind: 'audio', rtpParameters: opusRtpParameters() });
      const consumer = await recv.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
      const producerPauses = countEvents(producer.observer, 'pause');

      const paused = waitEvent(consumer, 'producerpause');
      await producer.pause();
      assert.equal(producer.paused, true);
      await paused;
      assert.equal(consumer.producerPaused, true);
      assert.equal(consumer.paused, false, "the consumer's own pause state is separate");
      await producer.pause();
      assert.equal(producerPauses.count, 1, "pausing twice emits observer 'pause' once");

      // A consumer created while the producer is paused starts with producerPaused.
      const late = await recv.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
      assert.equal(late.producerPaused, true);

      const resumed = waitEvent(consumer, 'producerresume');
      const lateResumed = waitEvent(late, 'producerresume');
      await producer.resume();
      assert.equal(producer.paused, false);
      await Promise.all([resumed, lateResumed]);
      assert.equal(consumer.producerPaused, false);
      assert.equal(late.producerPaused, false);
    } finally {
      close();
    }
  });

  test("consumer.pause()/resume()/close(): observer events once, the producer unaffected", async () => {
    const { send, recv, close } = await transports();
    try {
      const producer = await send.produce({ kind: 'audio', rtpParameters: opusRtpParameters() });
      const consumer = await recv.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
      const pauses = countEvents(consumer.observer, 'pause');
      const resumes = countEvents(consumer.observer, 'resume');
      const closes = countEvents(consumer.observer, 'close');
      await consumer.pause();
      await consumer.pause();
      assert.equal(consumer.paused, true);
      assert.equal(pauses.count, 1);
      await consumer.resume();
      await consumer.resume();
      assert.equal(consumer.paused, false);
      assert.equal(resumes.count, 1);
      consumer.close();
      consumer.close();
      assert.equal(consumer.closed, true);
      assert.equal(closes.count, 1);
      assert.equal(producer.closed, false);
      assert.equal(router.canConsume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities }), true);
      const again = await recv.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
      assert.equal(again.closed, false);
    } finally {
      close();
    }
  });

  test('a producer created paused', async () => {
    const { send, recv, close } = await transports();
    try {
      const producer = await send.produce({ kind: 'audio', rtpParameters: opusRtpParameters(), paused: true });
      assert.equal(producer.paused, true);
      const consumer = await recv.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
      assert.equal(consumer.producerPaused, true);
    } finally {
      close();
    }
  });

  test("producer.close() → consumer 'producerclose' and closed", async () => {
    const { send, recv, close } = await transports();
    try {
      const producer = await send.produce({ kind: 'audio', rtpParameters: opusRtpParameters() });
      const consumer = await recv.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
      const consumerObserverClose = countEvents(consumer.observer, 'close');
      const consumerTransportClose = countEvents(consumer, 'transportclose');
      const producerObserverClose = countEvents(producer.observer, 'close');
      const producerClose = waitEvent(consumer, 'producerclose');
      producer.close();
      producer.close();
      assert.equal(producer.closed, true);
      assert.equal(producerObserverClose.count, 1);
      await producerClose;
      assert.equal(consumer.closed, true);
      assert.equal(consumerObserverClose.count, 1);
      assert.equal(consumerTransportClose.count, 0);
      await assert.rejects(producer.pause(), mediasoup.InvalidStateError);
      await assert.rejects(consumer.resume(), mediasoup.InvalidStateError);
      // The same SSRC and MID can be produced again on that transport.
      const again = await send.produce({ kind: 'audio', rtpParameters: opusRtpParameters() });
      assert.equal(again.closed, false);
    } finally {
      close();
    }
  });

  test("transport.close() → producer and consumer 'transportclose'", async () => {
    const { send, recv, close } = await transports();
    try {
      const producer = await send.produce({ kind: 'audio', rtpParameters: opusRtpParameters() });
      const consumer = await recv.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
      const sameTransportConsumer = await send.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });

      const consumerClose = waitEvent(consumer, 'transportclose', 1_000);
      recv.close();
      await consumerClose;
      assert.equal(consumer.closed, true);
      assert.equal(producer.closed, false, "the producer's transport is still open");

      const producerTransportClose = countEvents(producer, 'transportclose');
      const producerObserverClose = countEvents(producer.observer, 'close');
      const sameTransportClose = countEvents(sameTransportConsumer, 'transportclose');
      const sameProducerClose = countEvents(sameTransportConsumer, 'producerclose');
      send.close();
      assert.equal(producer.closed, true);
      assert.equal(producerTransportClose.count, 1);
      assert.equal(producerObserverClose.count, 1);
      assert.equal(sameTransportConsumer.closed, true);
      assert.equal(sameTransportClose.count, 1);
      assert.equal(sameProducerClose.count, 0);
      assert.equal(router.canConsume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities }), false);
    } finally {
      close();
    }
  });

  test("a consumer on another transport gets 'producerclose' when the producer's transport closes", async () => {
    const { send, recv, close } = await transports();
    try {
      const producer = await send.produce({ kind: 'audio', rtpParameters: opusRtpParameters() });
      const consumer = await recv.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
      const producerClose = waitEvent(consumer, 'producerclose');
      send.close();
      await producerClose;
      assert.equal(consumer.closed, true);
      assert.equal(recv.closed, false);
    } finally {
      close();
    }
  });

  test("router.close() → transports 'routerclose', producers and consumers 'transportclose'", async () => {
    const r = await worker.createRouter({ mediaCodecs: SEED_CODECS });
    const send = await r.createWebRtcTransport({ listenInfos: LISTEN });
    const recv = await r.createWebRtcTransport({ listenInfos: LISTEN });
    const producer = await send.produce({ kind: 'audio', rtpParameters: opusRtpParameters() });
    const consumer = await recv.consume({ producerId: producer.id, rtpCapabilities: r.rtpCapabilities });
    const counts = {
      sendRouterClose: countEvents(send, 'routerclose'),
      recvRouterClose: countEvents(recv, 'routerclose'),
      producerTransportClose: countEvents(producer, 'transportclose'),
      consumerTransportClose: countEvents(consumer, 'transportclose'),
    };
    r.close();
    assert.deepEqual(
      Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, v.count])),
      { sendRouterClose: 1, recvRouterClose: 1, producerTransportClose: 1, consumerTransportClose: 1 },
    );
    assert.ok([send, recv, producer, consumer].every((o) => o.closed));
  });
});
