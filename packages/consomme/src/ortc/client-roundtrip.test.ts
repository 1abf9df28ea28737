import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeMediaStreamTrack } from 'fake-mediastreamtrack';
import { Device, FakeHandler, ortc as clientOrtc, testFakeParameters, types as clientTypes } from 'mediasoup-client';
import { RemoteSdp } from 'mediasoup-client/handlers/sdp/RemoteSdp';
import {
  canConsume,
  generateRouterRtpCapabilities,
  getConsumableRtpParameters,
  getConsumerRtpParameters,
  getProducerRtpParametersMapping,
  validateRtpCapabilities,
  validateRtpParameters,
} from './index.js';
import type { MediaKind, RtpCapabilities, RtpCodecCapability, RtpParameters } from './types.js';

/*
 * The real mediasoup-client (unmodified) against our negotiation: device.load
 * with our router capabilities, produce through its FakeHandler, map the
 * producer, and consume the result through the client's own validation.
 */

const fbVideo = [
  { type: 'goog-remb' },
  { type: 'transport-cc' },
  { type: 'ccm', parameter: 'fir' },
  { type: 'nack' },
  { type: 'nack', parameter: 'pli' },
];
const v = (pt: number, mimeType: string, parameters: Record<string, string | number> = {}) => ({
  kind: 'video' as const,
  mimeType,
  preferredPayloadType: pt,
  clockRate: 90000,
  parameters,
  rtcpFeedback: fbVideo,
});
const rtx = (pt: number, apt: number) => ({ kind: 'video' as const, mimeType: 'video/rtx', preferredPayloadType: pt, clockRate: 90000, parameters: { apt }, rtcpFeedback: [] });
const h264 = (mode: number, id: string) => ({ 'level-asymmetry-allowed': 1, 'packetization-mode': mode, 'profile-level-id': id });

/** What Chrome 12x offers in SDP, as mediasoup-client's Chrome111 handler extracts it. */
const CHROME_CAPS = {
  codecs: [
    { kind: 'audio', mimeType: 'audio/opus', preferredPayloadType: 111, clockRate: 48000, channels: 2, parameters: { minptime: 10, useinbandfec: 1 }, rtcpFeedback: [{ type: 'transport-cc' }] },
    { kind: 'audio', mimeType: 'audio/red', preferredPayloadType: 63, clockRate: 48000, channels: 2, parameters: {}, rtcpFeedback: [] },
    { kind: 'audio', mimeType: 'audio/G722', preferredPayloadType: 9, clockRate: 8000, channels: 1, rtcpFeedback: [] },
    { kind: 'audio', mimeType: 'audio/PCMU', preferredPayloadType: 0, clockRate: 8000, channels: 1, rtcpFeedback: [] },
    { kind: 'audio', mimeType: 'audio/PCMA', preferredPayloadType: 8, clockRate: 8000, channels: 1, rtcpFeedback: [] },
    { kind: 'audio', mimeType: 'audio/telephone-event', preferredPayloadType: 126, clockRate: 8000, channels: 1, rtcpFeedback: [] },
    v(96, 'video/VP8'), rtx(97, 96),
    v(98, 'video/VP9', { 'profile-id': 0 }), rtx(99, 98),
    v(100, 'video/VP9', { 'profile-id': 2 }), rtx(101, 100),
    v(102, 'video/H264', h264(1, '42001f')), rtx(103, 102),
    v(104, 'video/H264', h264(0, '42001f')), rtx(105, 104),
    v(106, 'video/H264', h264(1, '42e01f')), rtx(107, 106),
    v(108, 'video/H264', h264(0, '42e01f')), rtx(109, 108),
    v(127, 'video/H264', h264(1, '4d001f')), rtx(125, 127),
    v(112, 'video/H264', h264(1, '64001f')), rtx(113, 112),
    v(45, 'video/AV1'), rtx(46, 45),
    { kind: 'video', mimeType: 'video/ulpfec', preferredPayloadType: 116, clockRate: 90000, rtcpFeedback: [] },
  ],
  headerExtensions: [
    { kind: 'audio', uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', preferredId: 1 },
    { kind: 'audio', uri: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time', preferredId: 2 },
    { kind: 'audio', uri: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01', preferredId: 3 },
    { kind: 'audio', uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', preferredId: 4 },
    { kind: 'video', uri: 'urn:ietf:params:rtp-hdrext:toffset', preferredId: 14 },
    { kind: 'video', uri: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time', preferredId: 2 },
    { kind: 'video', uri: 'urn:3gpp:video-orientation', preferredId: 13 },
    { kind: 'video', uri: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01', preferredId: 3 },
    { kind: 'video', uri: 'http://www.webrtc.org/experiments/rtp-hdrext/playout-delay', preferredId: 5 },
    { kind: 'video', uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', preferredId: 4 },
    { kind: 'video', uri: 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id', preferredId: 10 },
    { kind: 'video', uri: 'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id', preferredId: 11 },
    { kind: 'video', uri: 'https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension', preferredId: 12 },
  ],
} as unknown as clientTypes.RtpCapabilities;

type NativeCaps = clientTypes.RtpCapabilities;

function factory(native: () => NativeCaps) {
  return FakeHandler.createFactory({
    generateNativeRtpCapabilities: native,
    generateNativeSctpCapabilities: testFakeParameters.generateNativeSctpCapabilities,
    generateLocalDtlsParameters: testFakeParameters.generateLocalDtlsParameters,
  });
}

async function loadDevice(routerCaps: RtpCapabilities, native: () => NativeCaps = () => structuredClone(CHROME_CAPS)): Promise<Device> {
  const device = new Device({ handlerFactory: factory(native) });
  await device.load({ routerRtpCapabilities: structuredClone(routerCaps) as clientTypes.RtpCapabilities });
  return device;
}

async function produce(
  device: Device,
  kind: MediaKind,
  options: { encodings?: clientTypes.RtpEncodingParameters[]; codec?: clientTypes.RtpCodecCapability } = {},
): Promise<RtpParameters> {
  const transport = device.createSendTransport(structuredClone(testFakeParameters.generateTransportRemoteParameters()));
  transport.on('connect', (_params, callback) => callback());
  let sent: RtpParameters | undefined;
  transport.on('produce', ({ rtpParameters }, callback) => {
    sent = JSON.parse(JSON.stringify(rtpParameters)) as RtpParameters;
    callback({ id: 'producer-1' });
  });
  await transport.produce({ track: new FakeMediaStreamTrack({ kind }) as unknown as MediaStreamTrack, ...options });
  assert.ok(sent);
  return sent;
}

/** Everything the server does between transport.produce() and transport.consume(). */
function serverSide(kind: MediaKind, sent: RtpParameters, routerCaps: RtpCapabilities, remoteCaps: unknown): RtpParameters {
  const rtpParameters = validateRtpParameters(structuredClone(sent));
  const mapping = getProducerRtpParametersMapping(rtpParameters, routerCaps);
  const consumable = getConsumableRtpParameters(kind, rtpParameters, routerCaps, mapping);
  const caps = validateRtpCapabilities(structuredClone(remoteCaps));
  assert.equal(canConsume(consumable, caps), true);
  const consumer = getConsumerRtpParameters({ consumableRtpParameters: consumable, remoteRtpCapabilities: caps, enableRtx: kind === 'video' });
  consumer.mid = '0';
  return consumer;
}

async function consumeWithClient(device: Device, kind: MediaKind, rtpParameters: RtpParameters): Promise<void> {
  const wire = JSON.parse(JSON.stringify(rtpParameters)) as clientTypes.RtpParameters;
  // The checks mediasoup-client's consume() runs, called directly for clear failures.
  const copy = structuredClone(wire);
  clientOrtc.validateAndNormalizeRtpParameters(copy);
  assert.equal(clientOrtc.canReceive(copy, device.recvRtpCapabilities), true);
  const transport = device.createRecvTransport(structuredClone(testFakeParameters.generateTransportRemoteParameters()));
  transport.on('connect', (_params, callback) => callback());
  const consumer = await transport.consume({ id: 'consumer-1', producerId: 'producer-1', kind, rtpParameters: wire });
  assert.equal(consumer.kind, kind);
}

const SEED_000: RtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: { 'x-google-start-bitrate': 1000 } },
];
const ALL_VIDEO: RtpCodecCapability[] = [
  ...SEED_000,
  { kind: 'video', mimeType: 'video/VP9', clockRate: 90000, parameters: { 'profile-id': 2 } },
  { kind: 'video', mimeType: 'video/H264', clockRate: 90000, parameters: h264(1, '4d0032') },
  { kind: 'video', mimeType: 'video/H264', clockRate: 90000, parameters: h264(1, '42e01f') },
  { kind: 'video', mimeType: 'video/AV1', clockRate: 90000 },
];

describe('mediasoup-client round trip', () => {
  it('device.load accepts our capabilities, with the client fake parameters too', async () => {
    const caps = generateRouterRtpCapabilities(SEED_000);
    for (const native of [() => structuredClone(CHROME_CAPS), () => testFakeParameters.generateNativeRtpCapabilities()]) {
      const device = await loadDevice(caps, native);
      assert.equal(device.canProduce('audio'), true);
      assert.equal(device.canProduce('video'), true);
    }
  });

  it('audio: opus producer to opus consumer', async () => {
    const caps = generateRouterRtpCapabilities(SEED_000);
    const device = await loadDevice(caps);
    const sent = await produce(device, 'audio');
    const consumer = serverSide('audio', sent, caps, device.rtpCapabilities);
    assert.deepEqual(consumer.codecs.map((c) => [c.mimeType, c.payloadType]), [['audio/opus', 100]]);
    // Producer parameters travel to consumers.
    assert.deepEqual(consumer.codecs[0]!.parameters, { minptime: 10, useinbandfec: 1 });
    // Chrome's opus lists only transport-cc, and the router never sends that
    // extension on audio (recvonly there), so no congestion feedback is left:
    // the same result as with mediasoup.
    assert.deepEqual(consumer.codecs[0]!.rtcpFeedback, []);
    assert.equal(consumer.encodings!.length, 1);
    assert.equal(consumer.encodings![0]!.rtx, undefined);
    assert.deepEqual(
      consumer.headerExtensions!.map((e) => [e.uri, e.id]),
      [
        ['urn:ietf:params:rtp-hdrext:sdes:mid', 1],
        ['http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time', 4],
        ['urn:ietf:params:rtp-hdrext:ssrc-audio-level', 10],
      ],
    );
    assert.deepEqual(consumer.rtcp, { cname: sent.rtcp!.cname, reducedSize: true });
    await consumeWithClient(device, 'audio', consumer);
  });

  const VIDEO_CASES: [string, (caps: RtpCapabilities) => RtpCodecCapability | undefined][] = [
    ['VP8', () => undefined],
    ['VP9 profile 2', (caps) => caps.codecs!.find((c) => c.mimeType === 'video/VP9')],
    ['H264 Main', (caps) => caps.codecs!.find((c) => c.parameters?.['profile-level-id'] === '4d0032')],
    ['H264 Constrained Baseline', (caps) => caps.codecs!.find((c) => c.parameters?.['profile-level-id'] === '42e01f')],
    ['AV1', (caps) => caps.codecs!.find((c) => c.mimeType === 'video/AV1')],
  ];
  for (const [name, pick] of VIDEO_CASES) {
    it(`video: ${name} producer to consumer, with RTX`, async () => {
      const caps = generateRouterRtpCapabilities(ALL_VIDEO);
      const device = await loadDevice(caps);
      const routerCodec = pick(caps);
      const codec = routerCodec && device.rtpCapabilities.codecs!.find((c) => c.preferredPayloadType === routerCodec.preferredPayloadType);
      const sent = await produce(device, 'video', codec ? { codec } : {});
      const consumer = serverSide('video', sent, caps, device.rtpCapabilities);
      const expectedPt = routerCodec?.preferredPayloadType ?? caps.codecs![1]!.preferredPayloadType;
      assert.equal(consumer.codecs[0]!.payloadType, expectedPt);
      assert.equal(consumer.codecs[1]!.mimeType, 'video/rtx');
      assert.deepEqual(consumer.codecs[1]!.parameters, { apt: expectedPt });
      // transport-cc negotiated, so goog-remb goes.
      assert.deepEqual(consumer.codecs[0]!.rtcpFeedback!.map((f) => `${f.type} ${f.parameter}`).sort(), [
        'ccm fir',
        'nack ',
        'nack pli',
        'transport-cc ',
      ]);
      const enc = consumer.encodings![0]!;
      assert.equal(enc.rtx!.ssrc, enc.ssrc! + 1);
      assert.ok(!consumer.headerExtensions!.some((e) => e.uri.includes('stream-id')));
      // The dependency descriptor goes to AV1 consumers only (under the router's id), as the layers' frame numbering.
      const dd = consumer.headerExtensions!.filter((e) => e.uri.includes('dependency-descriptor')).map((e) => e.id);
      assert.deepEqual(dd, name === 'AV1' ? [8] : []);
      await consumeWithClient(device, 'video', consumer);
    });
  }

  it('simulcast: three layers become one L3T3 encoding with the top bitrate', async () => {
    const caps = generateRouterRtpCapabilities(SEED_000);
    const device = await loadDevice(caps);
    const sent = await produce(device, 'video', {
      encodings: [
        { rid: 'r0', maxBitrate: 100000, scalabilityMode: 'L1T3' },
        { rid: 'r1', maxBitrate: 300000, scalabilityMode: 'L1T3' },
        { rid: 'r2', maxBitrate: 900000, scalabilityMode: 'L1T3' },
      ],
    });
    const rtpParameters = validateRtpParameters(structuredClone(sent));
    const mapping = getProducerRtpParametersMapping(rtpParameters, caps);
    assert.equal(mapping.encodings.length, 3);
    assert.deepEqual(mapping.encodings.map((e) => e.mappedSsrc - mapping.encodings[0]!.mappedSsrc), [0, 1, 2]);
    assert.deepEqual(mapping.codecs, [
      { payloadType: 96, mappedPayloadType: 101 },
      { payloadType: 97, mappedPayloadType: 102 },
    ]);
    const consumer = serverSide('video', sent, caps, device.rtpCapabilities);
    assert.equal(consumer.encodings![0]!.scalabilityMode, 'L3T3');
    assert.equal(consumer.encodings![0]!.maxBitrate, 900000);
    await consumeWithClient(device, 'video', consumer);
  });

  it('H264 Main producer cannot be consumed by a Constrained-Baseline-only endpoint', async () => {
    const caps = generateRouterRtpCapabilities(ALL_VIDEO);
    const device = await loadDevice(caps);
    const main = caps.codecs!.find((c) => c.parameters?.['profile-level-id'] === '4d0032')!;
    const codec = device.rtpCapabilities.codecs!.find((c) => c.preferredPayloadType === main.preferredPayloadType)!;
    const sent = await produce(device, 'video', { codec });
    const rtpParameters = validateRtpParameters(structuredClone(sent));
    const consumable = getConsumableRtpParameters('video', rtpParameters, caps, getProducerRtpParametersMapping(rtpParameters, caps));
    const baselineOnly = structuredClone(CHROME_CAPS) as unknown as RtpCapabilities;
    baselineOnly.codecs = baselineOnly.codecs!.filter((c) => c.mimeType === 'video/H264' && c.parameters?.['profile-level-id'] === '42e01f');
    assert.equal(canConsume(consumable, baselineOnly), false);
    assert.throws(() => getConsumerRtpParameters({ consumableRtpParameters: consumable, remoteRtpCapabilities: baselineOnly }), {
      name: 'UnsupportedError',
    });
  });

  it('consumer parameters render into the SDP offer mediasoup-client gives the browser', async () => {
    const caps = generateRouterRtpCapabilities(ALL_VIDEO);
    const device = await loadDevice(caps);
    const main = caps.codecs!.find((c) => c.parameters?.['profile-level-id'] === '4d0032')!;
    const codec = device.rtpCapabilities.codecs!.find((c) => c.preferredPayloadType === main.preferredPayloadType)!;
    const consumer = serverSide('video', await produce(device, 'video', { codec }), caps, device.rtpCapabilities);
    const remote = testFakeParameters.generateTransportRemoteParameters();
    const sdp = new RemoteSdp({
      iceParameters: remote.iceParameters,
      iceCandidates: remote.iceCandidates,
      dtlsParameters: remote.dtlsParameters,
    });
    sdp.receive({
      mid: consumer.mid!,
      kind: 'video',
      offerRtpParameters: JSON.parse(JSON.stringify(consumer)) as clientTypes.RtpParameters,
      streamId: 's',
      trackId: 't',
    });
    const text = sdp.getSdp();
    const pt = main.preferredPayloadType!;
    const rtxPt = consumer.codecs[1]!.payloadType;
    const { ssrc, rtx } = consumer.encodings![0]!;
    for (const line of [
      `a=rtpmap:${pt} H264/90000`,
      `a=rtpmap:${rtxPt} rtx/90000`,
      `a=fmtp:${rtxPt} apt=${pt}`,
      `a=rtcp-fb:${pt} transport-cc`,
      `a=ssrc-group:FID ${ssrc} ${rtx!.ssrc}`,
      'a=extmap:5 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
      'a=rtcp-rsize',
    ]) {
      assert.ok(text.includes(line), `missing ${line} in\n${text}`);
    }
    assert.match(text, new RegExp(`a=fmtp:${pt} .*profile-level-id=4d00`));
  });
});
