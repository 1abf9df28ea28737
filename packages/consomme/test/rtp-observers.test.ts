/**
 * AudioLevelObserver and ActiveSpeakerObserver without a client: options,
 * lifecycle and the errors of the mediasoup v3 API
 * (https://mediasoup.org/documentation/v3/mediasoup/api/#RtpObserver).
 * What they report about real audio is checked in e2e/browser/observers.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as mediasoup from 'consomme';
import { SEED_CODECS, WorkerPool, countEvents, opusRtpParameters, waitEvent } from './helpers.js';

const pool = new WorkerPool();
after(() => pool.closeAll());

const PORTS = { rtcMinPort: 46600, rtcMaxPort: 46699 };
const LISTEN: mediasoup.types.TransportListenInfo[] = [{ protocol: 'udp', ip: '127.0.0.1' }];

let worker: mediasoup.types.Worker;
let router: mediasoup.types.Router;
let transport: mediasoup.types.WebRtcTransport;
let audio: mediasoup.types.Producer;
let video: mediasoup.types.Producer;
before(async () => {
  worker = await pool.create(PORTS);
  router = await worker.createRouter({ mediaCodecs: SEED_CODECS });
  transport = await router.createWebRtcTransport({ listenInfos: LISTEN });
  audio = await transport.produce({ kind: 'audio', rtpParameters: opusRtpParameters(5001, 'a') });
  video = await transport.produce({
    kind: 'video',
    rtpParameters: {
      codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, parameters: {}, rtcpFeedback: [] }],
      headerExtensions: [],
      encodings: [{ ssrc: 5002 }],
      rtcp: { cname: 'v', reducedSize: true },
      mid: 'v',
    },
  });
});

describe('createAudioLevelObserver() / createActiveSpeakerObserver() options', { timeout: 30_000 }, () => {
  const invalidAudioLevel: [string, unknown][] = [
    ['options not an object', 42],
    ['maxEntries 0', { maxEntries: 0 }],
    ['maxEntries negative', { maxEntries: -1 }],
    ['maxEntries not a number', { maxEntries: '3' }],
    ['threshold above 0', { threshold: 10 }],
    ['threshold below -127', { threshold: -128 }],
    ['threshold not a number', { threshold: 'loud' }],
    ['interval not a number', { interval: '1000' }],
    ['interval 0', { interval: 0 }],
    ['appData not an object', { appData: 'x' }],
  ];
  for (const [name, options] of invalidAudioLevel) {
    test(`AudioLevelObserver: ${name} is a TypeError`, async () => {
      await assert.rejects(router.createAudioLevelObserver(options as never), TypeError);
    });
  }
  for (const [name, options] of [['interval not a number', { interval: null }], ['appData not an object', { appData: 7 }]] as const) {
    test(`ActiveSpeakerObserver: ${name} is a TypeError`, async () => {
      await assert.rejects(router.createActiveSpeakerObserver(options as never), TypeError);
    });
  }

  test('defaults, type, appData, and the router observer hears about new observers', async () => {
    const created = countEvents(router.observer, 'newrtpobserver');
    const alo = await router.createAudioLevelObserver();
    const aso = await router.createActiveSpeakerObserver({ appData: { room: 'r1' } });
    assert.equal(created.count, 2);
    assert.equal(alo.type, 'audiolevel');
    assert.equal(aso.type, 'activespeaker');
    assert.equal(typeof alo.id, 'string');
    assert.notEqual(alo.id, aso.id);
    assert.deepEqual(alo.appData, {});
    assert.deepEqual(aso.appData, { room: 'r1' });
    assert.equal(alo.paused, false);
    assert.equal(alo.closed, false);
    alo.close();
    aso.close();
  });
});

describe('RtpObserver methods', { timeout: 30_000 }, () => {
  test('addProducer / removeProducer emit addproducer / removeproducer with the Producer', async () => {
    const alo = await router.createAudioLevelObserver({ maxEntries: 3, threshold: -60, interval: 300 });
    const added: unknown[] = [];
    const removed: unknown[] = [];
    alo.observer.on('addproducer', (p) => added.push(p));
    alo.observer.on('removeproducer', (p) => removed.push(p));
    await alo.addProducer({ producerId: audio.id });
    assert.deepEqual(added, [audio]);
    assert.equal(added[0], audio);
    await alo.removeProducer({ producerId: audio.id });
    assert.equal(removed[0], audio);
    alo.close();
  });

  test('adding an unknown producer fails; a video producer is a TypeError', async () => {
    const aso = await router.createActiveSpeakerObserver();
    await assert.rejects(aso.addProducer({ producerId: 'nope' }), /not found/);
    await assert.rejects(aso.removeProducer({ producerId: 'nope' }), /not found/);
    await assert.rejects(aso.addProducer({ producerId: video.id }), TypeError);
    await assert.rejects(aso.addProducer({} as never), TypeError);
    aso.close();
  });

  test('pause / resume emit once per change', async () => {
    const alo = await router.createAudioLevelObserver();
    const pauses = countEvents(alo.observer, 'pause');
    const resumes = countEvents(alo.observer, 'resume');
    await alo.pause();
    await alo.pause();
    assert.equal(alo.paused, true);
    await alo.resume();
    await alo.resume();
    assert.equal(alo.paused, false);
    assert.equal(pauses.count, 1);
    assert.equal(resumes.count, 1);
    alo.close();
  });

  test('close() emits observer close once; every call after it is an InvalidStateError', async () => {
    const alo = await router.createAudioLevelObserver();
    const closes = countEvents(alo.observer, 'close');
    const routerCloses = countEvents(alo, 'routerclose');
    alo.close();
    alo.close();
    assert.equal(alo.closed, true);
    assert.equal(closes.count, 1);
    assert.equal(routerCloses.count, 0);
    await assert.rejects(alo.pause(), mediasoup.InvalidStateError);
    await assert.rejects(alo.resume(), mediasoup.InvalidStateError);
    await assert.rejects(alo.addProducer({ producerId: audio.id }), mediasoup.InvalidStateError);
    await assert.rejects(alo.removeProducer({ producerId: audio.id }), mediasoup.InvalidStateError);
    // The worker side is gone too: the router no longer lists it.
    const other = await router.createActiveSpeakerObserver();
    const dump = (await router.dump()) as { rtpObserverIds: string[] };
    assert.ok(dump.rtpObserverIds.includes(other.id));
    assert.ok(!dump.rtpObserverIds.includes(alo.id));
    other.close();
  });

  test('a producer that closes is dropped from the observer and can be removed from the router without errors', async () => {
    const p = await transport.produce({ kind: 'audio', rtpParameters: opusRtpParameters(5003, 'c') });
    const aso = await router.createActiveSpeakerObserver();
    await aso.addProducer({ producerId: p.id });
    p.close();
    await assert.rejects(aso.addProducer({ producerId: p.id }), /not found/);
    // The worker side still answers (it dropped the closed producer without failing).
    await aso.pause();
    await aso.resume();
    aso.close();
  });
});

describe('router and worker close', { timeout: 30_000 }, () => {
  test('router.close() closes its observers with routerclose', async () => {
    const r = await worker.createRouter({ mediaCodecs: SEED_CODECS });
    const alo = await r.createAudioLevelObserver();
    const aso = await r.createActiveSpeakerObserver();
    const closes = countEvents(aso.observer, 'close');
    const routerClose = waitEvent(alo, 'routerclose');
    r.close();
    await routerClose;
    assert.equal(alo.closed, true);
    assert.equal(aso.closed, true);
    assert.equal(closes.count, 1);
    await assert.rejects(aso.pause(), mediasoup.InvalidStateError);
    await assert.rejects(r.createAudioLevelObserver(), mediasoup.InvalidStateError);
    await assert.rejects(r.createActiveSpeakerObserver(), mediasoup.InvalidStateError);
  });

  test('worker.close() closes the observers of its routers with routerclose', async () => {
    const w = await pool.create({ rtcMinPort: 46700, rtcMaxPort: 46799 });
    const r = await w.createRouter({ mediaCodecs: SEED_CODECS });
    const alo = await r.createAudioLevelObserver();
    const routerClose = waitEvent(alo, 'routerclose');
    w.close();
    await routerClose;
    assert.equal(alo.closed, true);
  });
});
