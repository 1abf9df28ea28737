/**
 * Router and WebRtcTransport creation, options and lifecycle, as the
 * mediasoup v3 API documents them:
 * https://mediasoup.org/documentation/v3/mediasoup/api/#Router
 * https://mediasoup.org/documentation/v3/mediasoup/api/#WebRtcTransport
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as mediasoup from 'consomme';
import { SEED_CODECS, WorkerPool, countEvents, pickFreeUdpPort, udpPortFree, waitEvent, waitUntil, withTimeout } from './helpers.js';

type WebRtcTransportOptions = mediasoup.types.WebRtcTransportOptions;

const pool = new WorkerPool();
after(() => pool.closeAll());

const PORTS = { rtcMinPort: 24000, rtcMaxPort: 24999 };
const UDP: mediasoup.types.TransportListenInfo = { protocol: 'udp', ip: '127.0.0.1' };
const TCP: mediasoup.types.TransportListenInfo = { protocol: 'tcp', ip: '127.0.0.1' };

let worker: mediasoup.types.Worker;
let router: mediasoup.types.Router;
before(async () => {
  worker = await pool.create(PORTS);
  router = await worker.createRouter({ mediaCodecs: SEED_CODECS });
});

describe('createRouter', { timeout: 30_000 }, () => {
  test('rtpCapabilities of the seed-000 codecs: opus, VP8 and its RTX, header extensions', () => {
    const { codecs, headerExtensions } = router.rtpCapabilities;
    assert.ok(codecs && headerExtensions);
    assert.deepEqual(
      codecs.map((c) => [c.kind, c.mimeType, c.preferredPayloadType, c.clockRate]),
      [
        ['audio', 'audio/opus', 100, 48000],
        ['video', 'video/VP8', 101, 90000],
        ['video', 'video/rtx', 102, 90000],
      ],
    );
    const [opus, vp8, rtx] = codecs;
    assert.equal(opus!.channels, 2);
    assert.ok(opus!.rtcpFeedback!.some((fb) => fb.type === 'transport-cc'));
    assert.equal(vp8!.parameters!['x-google-start-bitrate'], 1000);
    for (const fb of [{ type: 'nack', parameter: '' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }]) {
      assert.ok(vp8!.rtcpFeedback!.some((f) => f.type === fb.type && f.parameter === fb.parameter), JSON.stringify(fb));
    }
    assert.deepEqual(rtx!.parameters, { apt: 101 });

    assert.ok(headerExtensions.length > 0);
    for (const ext of headerExtensions) {
      assert.ok(ext.kind === 'audio' || ext.kind === 'video');
      assert.equal(typeof ext.uri, 'string');
      assert.ok(Number.isInteger(ext.preferredId) && ext.preferredId >= 1 && ext.preferredId <= 14);
    }
    for (const kind of ['audio', 'video'] as const) {
      assert.ok(headerExtensions.some((e) => e.kind === kind && e.uri === 'urn:ietf:params:rtp-hdrext:sdes:mid'), kind);
    }
  });

  test('router properties, observer events and appData', async () => {
    const newRouter = waitEvent(worker.observer, 'newrouter');
    const r = await worker.createRouter({ mediaCodecs: SEED_CODECS, appData: { name: 'x' } });
    assert.equal((await newRouter)[0], r);
    assert.equal(typeof r.id, 'string');
    assert.notEqual(r.id, router.id);
    assert.equal(r.closed, false);
    assert.deepEqual(r.appData, { name: 'x' });
    r.close();
  });

  test('no mediaCodecs: a router without codecs', async () => {
    const r = await worker.createRouter();
    assert.deepEqual(r.rtpCapabilities.codecs, []);
    r.close();
  });

  test('RTX in mediaCodecs is rejected with UnsupportedError (the router adds RTX itself)', async () => {
    await assert.rejects(
      worker.createRouter({
        mediaCodecs: [...SEED_CODECS, { kind: 'video', mimeType: 'video/rtx', clockRate: 90000 }],
      }),
      mediasoup.UnsupportedError,
    );
  });

  test('an unknown codec is rejected with UnsupportedError', async () => {
    await assert.rejects(
      worker.createRouter({ mediaCodecs: [{ kind: 'audio', mimeType: 'audio/banana', clockRate: 8000 }] }),
      mediasoup.UnsupportedError,
    );
  });

  const malformed: [string, unknown][] = [
    ['not an array', { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000 }],
    ['missing clockRate', [{ kind: 'audio', mimeType: 'audio/opus' }]],
    ['mimeType without type/subtype', [{ kind: 'audio', mimeType: 'opus', clockRate: 48000 }]],
    ['duplicated preferredPayloadType', [
      { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2, preferredPayloadType: 100 },
      { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, preferredPayloadType: 100 },
    ]],
  ];
  for (const [name, mediaCodecs] of malformed) {
    test(`malformed mediaCodecs (${name}) are rejected with TypeError`, async () => {
      await assert.rejects(worker.createRouter({ mediaCodecs: mediaCodecs as never }), TypeError);
    });
  }
});

describe('createWebRtcTransport', { timeout: 30_000 }, () => {
  test('initial properties: ICE-lite controlled, DTLS auto, states new', async () => {
    const newTransport = waitEvent(router.observer, 'newtransport');
    const t = await router.createWebRtcTransport({ listenInfos: [UDP], appData: { peer: 'p' } });
    assert.equal((await newTransport)[0], t);
    assert.equal(typeof t.id, 'string');
    assert.equal(t.closed, false);
    assert.deepEqual(t.appData, { peer: 'p' });
    assert.equal(t.iceRole, 'controlled');
    assert.equal(t.iceParameters.iceLite, true);
    assert.ok(t.iceParameters.usernameFragment.length >= 4, 'ufrag: at least 4 characters (RFC 8839)');
    assert.ok(t.iceParameters.password.length >= 22, 'ice-pwd: at least 22 characters (RFC 8839)');
    assert.equal(t.iceState, 'new');
    assert.equal(t.iceSelectedTuple, undefined);
    assert.equal(t.dtlsState, 'new');
    assert.equal(t.dtlsRemoteCert, undefined);
    assert.equal(t.dtlsParameters.role, 'auto');
    const algorithms = t.dtlsParameters.fingerprints.map((f) => f.algorithm);
    assert.ok(algorithms.includes('sha-256'));
    for (const f of t.dtlsParameters.fingerprints) assert.match(f.value, /^([0-9A-F]{2}:)+[0-9A-F]{2}$/);
    t.close();
  });

  test('listenInfos udp + tcp with a portRange: host candidates in the range', async () => {
    const range = { min: 24500, max: 24519 };
    const t = await router.createWebRtcTransport({
      listenInfos: [{ ...UDP, portRange: range }, { ...TCP, portRange: range }],
    });
    assert.deepEqual(t.iceCandidates.map((c) => c.protocol), ['udp', 'tcp']);
    for (const c of t.iceCandidates) {
      assert.equal(c.type, 'host');
      assert.equal(c.address, '127.0.0.1');
      assert.equal(c.ip, '127.0.0.1');
      assert.ok(c.port >= range.min && c.port <= range.max, `port ${c.port}`);
      assert.ok(Number.isInteger(c.priority) && c.priority > 0 && c.priority < 2 ** 32);
      assert.equal(typeof c.foundation, 'string');
    }
    assert.equal(t.iceCandidates[0]!.tcpType, undefined);
    assert.equal(t.iceCandidates[1]!.tcpType, 'passive');
    assert.notEqual(t.iceCandidates[0]!.foundation, t.iceCandidates[1]!.foundation, 'foundations differ by protocol');
    t.close();
  });

  test('explicit port: used as given; a second transport on it fails', async () => {
    const port = await pickFreeUdpPort();
    const t = await router.createWebRtcTransport({ listenInfos: [{ ...UDP, port }] });
    assert.equal(t.iceCandidates[0]!.port, port);
    assert.equal(await udpPortFree(port), false, 'the worker holds the port');
    await assert.rejects(router.createWebRtcTransport({ listenInfos: [{ ...UDP, port }] }), Error);
    t.close();
    await waitUntil(() => udpPortFree(port), 5_000, `port ${port} is released after close()`);
  });

  test('announcedAddress (and the older announcedIp) is the candidate address', async () => {
    const t = await router.createWebRtcTransport({
      listenInfos: [
        { ...UDP, announcedAddress: '203.0.113.7' },
        { ...TCP, announcedAddress: 'sfu.example.com' },
        { ...UDP, announcedIp: '198.51.100.9' },
      ],
    });
    assert.deepEqual(t.iceCandidates.map((c) => c.address), ['203.0.113.7', 'sfu.example.com', '198.51.100.9']);
    assert.deepEqual(t.iceCandidates.map((c) => c.ip), ['203.0.113.7', 'sfu.example.com', '198.51.100.9']);
    t.close();
  });

  test('listenIps with enableUdp/enableTcp (the older form)', async () => {
    const udpOnly = await router.createWebRtcTransport({ listenIps: ['127.0.0.1'] });
    assert.deepEqual(udpOnly.iceCandidates.map((c) => c.protocol), ['udp']);

    const tcpOnly = await router.createWebRtcTransport({ listenIps: ['127.0.0.1'], enableUdp: false, enableTcp: true });
    assert.deepEqual(tcpOnly.iceCandidates.map((c) => c.protocol), ['tcp']);

    const both = await router.createWebRtcTransport({
      listenIps: [{ ip: '127.0.0.1', announcedIp: '192.0.2.1' }],
      enableUdp: true,
      enableTcp: true,
    });
    assert.deepEqual(both.iceCandidates.map((c) => [c.protocol, c.address]), [['udp', '192.0.2.1'], ['tcp', '192.0.2.1']]);
    for (const t of [udpOnly, tcpOnly, both]) t.close();
  });

  test('preferTcp / preferUdp order candidate priorities', async () => {
    const priority = (t: mediasoup.types.WebRtcTransport, protocol: string): number =>
      t.iceCandidates.find((c) => c.protocol === protocol)!.priority;

    const plain = await router.createWebRtcTransport({ listenInfos: [UDP, TCP] });
    assert.ok(priority(plain, 'udp') > priority(plain, 'tcp'), 'first listenInfo wins by default');

    const preferTcp = await router.createWebRtcTransport({ listenInfos: [UDP, TCP], preferTcp: true });
    assert.ok(priority(preferTcp, 'tcp') > priority(preferTcp, 'udp'), 'preferTcp puts TCP first');

    const preferUdp = await router.createWebRtcTransport({ listenInfos: [TCP, UDP], preferUdp: true });
    assert.ok(priority(preferUdp, 'udp') > priority(preferUdp, 'tcp'), 'preferUdp puts UDP first');

    const oldForm = await router.createWebRtcTransport({ listenIps: ['127.0.0.1'], enableTcp: true, preferTcp: true });
    assert.ok(priority(oldForm, 'tcp') > priority(oldForm, 'udp'));
    for (const t of [plain, preferTcp, preferUdp, oldForm]) t.close();
  });

  test('a failed listenInfo releases the sockets already bound for the others', async () => {
    const first = await pickFreeUdpPort();
    const taken = await router.createWebRtcTransport({ listenInfos: [UDP] });
    const takenPort = taken.iceCandidates[0]!.port;
    await assert.rejects(
      router.createWebRtcTransport({ listenInfos: [{ ...UDP, port: first }, { ...UDP, port: takenPort }] }),
      Error,
    );
    await waitUntil(() => udpPortFree(first), 5_000, `port ${first} of the failed transport is released`);
    taken.close();
  });

  // Bug (api/webrtc-transport.ts isIp): any non-empty string passes as a listen
  // ip, and the worker then tries every port of the range, each bind doing a
  // DNS lookup of the string (~95 ms per port here: 95 s for 1000 ports, over
  // an hour for the default range). mediasoup rejects a non-IP with TypeError.
  test('a listen ip that is not an IP address → TypeError, promptly', async () => {
    const w = await pool.create({ rtcMinPort: 24900, rtcMaxPort: 24999, logLevel: 'none' });
    try {
      const r = await w.createRouter();
      const isTypeError = (error: Error): boolean => {
        assert.ok(error instanceof TypeError, `${error.name}: ${error.message}`);
        return true;
      };
      for (const ip of ['not-an-ip', '1.2.3', '127.0.0.1:5000']) {
        const viaInfos = r.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip }] });
        await assert.rejects(withTimeout(viaInfos, 3_000, `listenInfos ip '${ip}'`), isTypeError);
        const viaIps = r.createWebRtcTransport({ listenIps: [ip] });
        await assert.rejects(withTimeout(viaIps, 3_000, `listenIps '${ip}'`), isTypeError);
      }
    } finally {
      w.close();
    }
  });

  const bad: [string, unknown][] = [
    ['no options', undefined],
    ['empty options', {}],
    ['empty listenInfos', { listenInfos: [] }],
    ['listenInfos not an array', { listenInfos: UDP }],
    ['unknown protocol', { listenInfos: [{ protocol: 'sctp', ip: '127.0.0.1' }] }],
    ['missing ip', { listenInfos: [{ protocol: 'udp' }] }],
    ['port above 65535', { listenInfos: [{ ...UDP, port: 70000 }] }],
    ['portRange min > max', { listenInfos: [{ ...UDP, portRange: { min: 24010, max: 24000 } }] }],
    ['empty listenIps', { listenIps: [] }],
    ['enableUdp and enableTcp both false', { listenIps: ['127.0.0.1'], enableUdp: false, enableTcp: false }],
    ['negative iceConsentTimeout', { listenInfos: [UDP], iceConsentTimeout: -1 }],
    ['unknown SRTP suite', { listenInfos: [UDP], srtpCryptoSuites: ['NULL_CIPHER'] }],
  ];
  for (const [name, options] of bad) {
    test(`bad options (${name}) → TypeError`, async () => {
      await assert.rejects(router.createWebRtcTransport(options as WebRtcTransportOptions), TypeError);
    });
  }
});

describe('WebRtcTransport methods', { timeout: 30_000 }, () => {
  test('restartIce() returns new credentials and updates iceParameters', async () => {
    const t = await router.createWebRtcTransport({ listenInfos: [UDP] });
    const before = { ...t.iceParameters };
    const after = await t.restartIce();
    assert.notEqual(after.usernameFragment, before.usernameFragment);
    assert.notEqual(after.password, before.password);
    assert.equal(after.iceLite, true);
    assert.deepEqual(t.iceParameters, after);
    t.close();
  });

  test('getStats() returns one webrtc-transport record', async () => {
    const t = await router.createWebRtcTransport({ listenInfos: [UDP] });
    const stats = await t.getStats();
    assert.ok(Array.isArray(stats));
    assert.equal(stats.length, 1);
    const [s] = stats;
    assert.equal(s!.type, 'webrtc-transport');
    assert.equal(s!.transportId, t.id);
    assert.ok(Math.abs(s!.timestamp - Date.now()) < 60_000, 'timestamp is wall-clock ms');
    for (const key of ['bytesReceived', 'bytesSent', 'rtpBytesReceived', 'rtpBytesSent', 'recvBitrate', 'sendBitrate'] as const) {
      assert.equal(s![key], 0, key);
    }
    assert.equal(s!.iceRole, 'controlled');
    assert.equal(s!.iceState, 'new');
    assert.equal(s!.dtlsState, 'new');
    assert.equal(s!.iceSelectedTuple, undefined);
    t.close();
  });

  test('connect() validates dtlsParameters with TypeError, and runs once', async () => {
    const t = await router.createWebRtcTransport({ listenInfos: [UDP] });
    const fingerprint = { algorithm: 'sha-256' as const, value: t.dtlsParameters.fingerprints[0]!.value };
    const badParameters: unknown[] = [
      undefined,
      {},
      { fingerprints: [] },
      { fingerprints: 'AB:CD' },
      { role: 'master', fingerprints: [fingerprint] },
      { fingerprints: [{ algorithm: 'sha-256' }] },
      { fingerprints: [{ algorithm: 'md5', value: 'AB:CD' }] },
    ];
    for (const dtlsParameters of badParameters) {
      await assert.rejects(t.connect({ dtlsParameters } as never), TypeError, JSON.stringify(dtlsParameters));
    }
    await assert.rejects(t.connect(undefined as never), TypeError);

    await t.connect({ dtlsParameters: { role: 'client', fingerprints: [fingerprint] } });
    await assert.rejects(t.connect({ dtlsParameters: { role: 'client', fingerprints: [fingerprint] } }), Error);
    assert.equal(t.closed, false);
    t.close();
  });

  test("close(): idempotent, observer 'close' once, states closed, methods throw InvalidStateError", async () => {
    const t = await router.createWebRtcTransport({ listenInfos: [UDP] });
    const observerClose = countEvents(t.observer, 'close');
    const routerClose = countEvents(t, 'routerclose');
    t.close();
    t.close();
    assert.equal(t.closed, true);
    assert.equal(observerClose.count, 1);
    assert.equal(routerClose.count, 0);
    assert.equal(t.iceState, 'closed');
    assert.equal(t.dtlsState, 'closed');
    await assert.rejects(t.restartIce(), mediasoup.InvalidStateError);
    await assert.rejects(t.connect({ dtlsParameters: t.dtlsParameters }), mediasoup.InvalidStateError);
    await assert.rejects(t.produce({ kind: 'audio', rtpParameters: { codecs: [] } }), mediasoup.InvalidStateError);
    await assert.rejects(t.consume({ producerId: 'x', rtpCapabilities: {} }), mediasoup.InvalidStateError);
    await assert.rejects(t.setMaxIncomingBitrate(1000), mediasoup.InvalidStateError);
    // The router forgot it: its other transports are unaffected.
    assert.equal(router.closed, false);
  });

  test("router.close() closes its transports with 'routerclose'", async () => {
    const r = await worker.createRouter({ mediaCodecs: SEED_CODECS });
    const a = await r.createWebRtcTransport({ listenInfos: [UDP] });
    const b = await r.createWebRtcTransport({ listenInfos: [TCP] });
    const port = a.iceCandidates[0]!.port;
    const counters = [a, b].map((t) => ({ routerClose: countEvents(t, 'routerclose'), observerClose: countEvents(t.observer, 'close') }));
    const routerObserverClose = countEvents(r.observer, 'close');
    const workerClose = countEvents(r, 'workerclose');
    r.close();
    r.close();
    assert.equal(r.closed, true);
    assert.equal(routerObserverClose.count, 1);
    assert.equal(workerClose.count, 0, "router.close() is not 'workerclose'");
    for (const [i, t] of [a, b].entries()) {
      assert.equal(t.closed, true);
      assert.equal(counters[i]!.routerClose.count, 1);
      assert.equal(counters[i]!.observerClose.count, 1);
    }
    await assert.rejects(r.createWebRtcTransport({ listenInfos: [UDP] }), mediasoup.InvalidStateError);
    await waitUntil(() => udpPortFree(port), 5_000, 'the closed router released its sockets');
    assert.equal(worker.closed, false);
  });
});
