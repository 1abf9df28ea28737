import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UnsupportedError } from '../errors.js';
import {
  canConsume,
  generateRouterRtpCapabilities,
  getConsumableRtpParameters,
  getConsumerRtpParameters,
  getProducerRtpParametersMapping,
} from './negotiate.js';
import type { RtpCapabilities, RtpParameters } from './types.js';
import { validateRtpCapabilities, validateRtpParameters } from './validate.js';
import { producerType } from './producer.js';
import { parseScalabilityMode } from './scalability.js';

const ROUTER = generateRouterRtpCapabilities([
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
  { kind: 'video', mimeType: 'video/H264', clockRate: 90000, parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f' } },
]);
// opus 100 | VP8 101, rtx 102 | H264 103, rtx 104

const FB = [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'goog-remb' }, { type: 'transport-cc' }];

function producer(over: Partial<RtpParameters> = {}): RtpParameters {
  return validateRtpParameters({
    mid: '0',
    codecs: [
      { mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, rtcpFeedback: FB },
      { mimeType: 'video/rtx', payloadType: 97, clockRate: 90000, parameters: { apt: 96 } },
    ],
    headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 4 }],
    encodings: [{ ssrc: 11111111, rtx: { ssrc: 22222222 }, maxBitrate: 500000 }],
    rtcp: { cname: 'abc' },
    ...over,
  });
}

function remote(exts: string[], withRtx = true): RtpCapabilities {
  return validateRtpCapabilities({
    codecs: [
      { kind: 'video', mimeType: 'video/VP8', preferredPayloadType: 101, clockRate: 90000, rtcpFeedback: FB },
      ...(withRtx ? [{ kind: 'video', mimeType: 'video/rtx', preferredPayloadType: 102, clockRate: 90000, parameters: { apt: 101 } }] : []),
    ],
    headerExtensions: exts.map((uri) => {
      const router = ROUTER.headerExtensions!.find((e) => e.kind === 'video' && e.uri === uri)!;
      return { kind: 'video', uri, preferredId: router.preferredId };
    }),
  });
}

const consumableOf = (params: RtpParameters): RtpParameters =>
  getConsumableRtpParameters('video', params, ROUTER, getProducerRtpParametersMapping(params, ROUTER));

describe('getProducerRtpParametersMapping', () => {
  it('maps payload types to the router ones and SSRCs to a fresh consecutive block', () => {
    const params = producer({ encodings: [{ rid: 'a', scalabilityMode: 'L1T2' }, { rid: 'b' }] });
    const mapping = getProducerRtpParametersMapping(params, ROUTER);
    assert.deepEqual(mapping.codecs, [
      { payloadType: 96, mappedPayloadType: 101 },
      { payloadType: 97, mappedPayloadType: 102 },
    ]);
    const [a, b] = mapping.encodings;
    assert.deepEqual({ ...a, mappedSsrc: 0 }, { rid: 'a', scalabilityMode: 'L1T2', mappedSsrc: 0 });
    assert.equal(b!.mappedSsrc, a!.mappedSsrc + 1);
    assert.ok(b!.mappedSsrc <= 0xffffffff && a!.mappedSsrc > 0);
  });

  it('rejects codecs the router lacks, and H264 of another profile', () => {
    assert.throws(
      () => getProducerRtpParametersMapping(producer({ codecs: [{ mimeType: 'video/VP9', payloadType: 98, clockRate: 90000 }] }), ROUTER),
      UnsupportedError,
    );
    const main = producer({
      codecs: [{ mimeType: 'video/H264', payloadType: 98, clockRate: 90000, parameters: { 'packetization-mode': 1, 'profile-level-id': '4d001f' } }],
    });
    assert.throws(() => getProducerRtpParametersMapping(main, ROUTER), UnsupportedError);
    const cb = producer({
      codecs: [{ mimeType: 'video/H264', payloadType: 98, clockRate: 90000, parameters: { 'packetization-mode': 1, 'profile-level-id': '42e034' } }],
    });
    assert.deepEqual(getProducerRtpParametersMapping(cb, ROUTER).codecs, [{ payloadType: 98, mappedPayloadType: 103 }]);
    assert.equal(cb.codecs[0]!.parameters!['profile-level-id'], '42e034', 'producer parameters untouched');
  });

  it('rejects RTX whose apt names no media codec (TypeError)', () => {
    const params = producer();
    params.codecs[1]!.parameters = { apt: 55 };
    assert.throws(() => getProducerRtpParametersMapping(params, ROUTER), TypeError);
  });

  it('rejects RTX for a router codec without RTX (audio)', () => {
    const params = validateRtpParameters({
      codecs: [
        { mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2 },
        { mimeType: 'audio/rtx', payloadType: 112, clockRate: 48000, parameters: { apt: 111 } },
      ],
    });
    assert.throws(() => getProducerRtpParametersMapping(params, ROUTER), UnsupportedError);
  });
});

describe('getConsumableRtpParameters', () => {
  it('router payload types, producer fmtp, router feedback, mapped SSRCs, sendable extensions', () => {
    const params = producer();
    params.codecs[0]!.parameters = { 'x-foo': 1 };
    const mapping = getProducerRtpParametersMapping(params, ROUTER);
    const out = getConsumableRtpParameters('video', params, ROUTER, mapping);
    assert.deepEqual(
      out.codecs.map((c) => [c.mimeType, c.payloadType, c.parameters]),
      [
        ['video/VP8', 101, { 'x-foo': 1 }],
        ['video/rtx', 102, { apt: 101 }],
      ],
    );
    assert.deepEqual(out.codecs[0]!.rtcpFeedback, ROUTER.codecs![1]!.rtcpFeedback);
    assert.deepEqual(out.encodings, [{ ssrc: mapping.encodings[0]!.mappedSsrc, maxBitrate: 500000, dtx: false }]);
    assert.deepEqual(out.rtcp, { cname: 'abc', reducedSize: true });
    const uris = out.headerExtensions!.map((e) => e.uri);
    assert.ok(uris.includes('urn:3gpp:video-orientation'));
    assert.ok(!uris.some((u) => u.includes('stream-id') || u.includes('dependency-descriptor') || u.includes('audio-level')));
  });

  it('keeps the dependency descriptor for AV1 producers only', () => {
    const dd = 'https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension';
    const caps = generateRouterRtpCapabilities([{ kind: 'video', mimeType: 'video/AV1', clockRate: 90000 }]);
    const av1 = caps.codecs!.find((c) => c.mimeType === 'video/AV1')!;
    const params: RtpParameters = {
      codecs: [{ mimeType: 'video/AV1', payloadType: 45, clockRate: 90000 }],
      headerExtensions: [{ uri: dd, id: 12 }],
      encodings: [{ ssrc: 1111, scalabilityMode: 'L3T3_KEY' }],
    };
    const mapping = getProducerRtpParametersMapping(params, caps);
    const out = getConsumableRtpParameters('video', params, caps, mapping);
    assert.equal(out.codecs[0]!.payloadType, av1.preferredPayloadType);
    assert.deepEqual(out.headerExtensions!.filter((e) => e.uri === dd).map((e) => e.id), [8]);
    assert.equal(out.encodings![0]!.scalabilityMode, 'L3T3_KEY');
  });
});

describe('getConsumerRtpParameters', () => {
  const TCC = 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01';
  const AST = 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time';
  const types = (p: RtpParameters): string[] => p.codecs[0]!.rtcpFeedback!.map((f) => `${f.type}${f.parameter ? ' ' + f.parameter : ''}`);

  const CC_ROWS: [string[], string[]][] = [
    [[TCC, AST], ['nack', 'nack pli', 'transport-cc']],
    [[AST], ['nack', 'nack pli', 'goog-remb']],
    [[], ['nack', 'nack pli']],
  ];
  for (const [exts, expected] of CC_ROWS) {
    it(`congestion feedback with extensions [${exts.map((e) => e.split('/').pop()).join(', ')}]`, () => {
      const out = getConsumerRtpParameters({ consumableRtpParameters: consumableOf(producer()), remoteRtpCapabilities: remote(exts) });
      assert.deepEqual(types(out), expected);
      const inRouterOrder = ROUTER.headerExtensions!.filter((e) => e.kind === 'video' && exts.includes(e.uri)).map((e) => e.uri);
      assert.deepEqual(out.headerExtensions!.map((e) => e.uri), inRouterOrder);
    });
  }

  it('RTX only when enabled and the endpoint has it; plain NACK goes without RTX', () => {
    const consumable = consumableOf(producer());
    const withRtx = getConsumerRtpParameters({ consumableRtpParameters: consumable, remoteRtpCapabilities: remote([TCC]) });
    assert.deepEqual(withRtx.codecs.map((c) => c.payloadType), [101, 102]);
    assert.equal(withRtx.encodings![0]!.rtx!.ssrc, withRtx.encodings![0]!.ssrc! + 1);
    assert.equal(withRtx.encodings![0]!.maxBitrate, 500000);
    for (const out of [
      getConsumerRtpParameters({ consumableRtpParameters: consumable, remoteRtpCapabilities: remote([TCC]), enableRtx: false }),
      getConsumerRtpParameters({ consumableRtpParameters: consumable, remoteRtpCapabilities: remote([TCC], false) }),
    ]) {
      assert.deepEqual(out.codecs.map((c) => c.payloadType), [101]);
      assert.equal(out.encodings![0]!.rtx, undefined);
    }
    const noRtx = getConsumerRtpParameters({ consumableRtpParameters: consumable, remoteRtpCapabilities: remote([TCC]), enableRtx: false });
    assert.deepEqual(types(noRtx), ['nack pli', 'transport-cc']);
  });

  it('pipe keeps one encoding per producer layer', () => {
    const consumable = consumableOf(producer({ encodings: [{ rid: 'a', scalabilityMode: 'L1T3' }, { rid: 'b', scalabilityMode: 'L1T3' }] }));
    const out = getConsumerRtpParameters({ consumableRtpParameters: consumable, remoteRtpCapabilities: remote([TCC]), pipe: true });
    assert.equal(out.encodings!.length, 2);
    assert.equal(out.encodings![1]!.ssrc, out.encodings![0]!.ssrc! + 1);
    assert.equal(out.encodings![0]!.scalabilityMode, 'L1T3');
    assert.equal(out.encodings![1]!.rtx!.ssrc, out.encodings![0]!.rtx!.ssrc + 1);
  });

  it('canConsume false and UnsupportedError when no media codec fits; inputs untouched', () => {
    const consumable = consumableOf(producer());
    const opusOnly = validateRtpCapabilities({ codecs: [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 }] });
    const rtxOnly = validateRtpCapabilities({ codecs: [{ kind: 'video', mimeType: 'video/rtx', clockRate: 90000, parameters: { apt: 101 } }] });
    for (const caps of [opusOnly, rtxOnly, {}]) {
      assert.equal(canConsume(consumable, caps), false);
      assert.throws(() => getConsumerRtpParameters({ consumableRtpParameters: consumable, remoteRtpCapabilities: caps }), UnsupportedError);
    }
    const before = structuredClone(consumable);
    getConsumerRtpParameters({ consumableRtpParameters: consumable, remoteRtpCapabilities: remote([TCC]) });
    assert.deepEqual(consumable, before);
    assert.equal(canConsume(consumable, remote([])), true);
  });
});

describe('producerType', () => {
  it('one AV1 or VP9 encoding with layers is svc; VP8 with temporal layers only is a one-stream simulcast', () => {
    const mode = (m: string) => parseScalabilityMode(m);
    assert.equal(producerType('video', 1, mode('L3T3_KEY'), 'video/AV1'), 'svc');
    assert.equal(producerType('video', 1, mode('L1T3'), 'video/AV1'), 'svc');
    assert.equal(producerType('video', 1, mode('L3T3_KEY'), 'video/VP9'), 'svc');
    assert.equal(producerType('video', 1, mode('L1T3'), 'video/VP8'), 'simulcast');
    assert.equal(producerType('video', 3, mode('L1T3'), 'video/AV1'), 'simulcast');
    assert.equal(producerType('video', 1, mode('L1T1'), 'video/AV1'), 'simple');
    assert.equal(producerType('audio', 1, mode('L3T3'), 'audio/opus'), 'simple');
  });
});
