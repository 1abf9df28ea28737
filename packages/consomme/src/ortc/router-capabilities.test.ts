import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UnsupportedError } from '../errors.js';
import { generateRouterRtpCapabilities } from './router-capabilities.js';
import { getSupportedRtpCapabilities } from './supported.js';
import type { RtpCodecCapability } from './types.js';

const VIDEO_FB = [
  { type: 'nack', parameter: '' },
  { type: 'nack', parameter: 'pli' },
  { type: 'ccm', parameter: 'fir' },
  { type: 'goog-remb', parameter: '' },
  { type: 'transport-cc', parameter: '' },
];

function brief(codecs: RtpCodecCapability[] | undefined): string[] {
  return (codecs ?? []).map((c) => `${c.preferredPayloadType} ${c.mimeType} ${JSON.stringify(c.parameters)}`);
}

describe('generateRouterRtpCapabilities', () => {
  it('seed-000 codec list: opus 100, VP8 101, RTX 102 like mediasoup', () => {
    const caps = generateRouterRtpCapabilities([
      { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
      { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: { 'x-google-start-bitrate': 1000 } },
    ]);
    const [opus, vp8, rtx, ...rest] = caps.codecs!;
    assert.equal(rest.length, 0);
    assert.deepEqual(opus, {
      kind: 'audio',
      mimeType: 'audio/opus',
      preferredPayloadType: 100,
      clockRate: 48000,
      channels: 2,
      parameters: {},
      rtcpFeedback: [
        { type: 'nack', parameter: '' },
        { type: 'transport-cc', parameter: '' },
      ],
    });
    assert.deepEqual(vp8, {
      kind: 'video',
      mimeType: 'video/VP8',
      preferredPayloadType: 101,
      clockRate: 90000,
      parameters: { 'x-google-start-bitrate': 1000 },
      rtcpFeedback: VIDEO_FB,
    });
    assert.deepEqual(rtx, {
      kind: 'video',
      mimeType: 'video/rtx',
      preferredPayloadType: 102,
      clockRate: 90000,
      parameters: { apt: 101 },
      rtcpFeedback: [],
    });
    assert.deepEqual(caps.headerExtensions, getSupportedRtpCapabilities().headerExtensions);
  });

  it('does not modify the given codecs', () => {
    const given = [{ kind: 'video', mimeType: 'video/vp8', clockRate: 90000 }] as RtpCodecCapability[];
    const copy = structuredClone(given);
    generateRouterRtpCapabilities(given);
    assert.deepEqual(given, copy);
  });

  it('canonical mimeType spelling, kind from the mimeType', () => {
    const caps = generateRouterRtpCapabilities([{ kind: 'audio', mimeType: 'VIDEO/vp8', clockRate: 90000 }]);
    assert.equal(caps.codecs![0]!.mimeType, 'video/VP8');
    assert.equal(caps.codecs![0]!.kind, 'video');
  });

  it('VP9 profiles and H264 variants each get their own payload type and RTX', () => {
    const caps = generateRouterRtpCapabilities([
      { kind: 'video', mimeType: 'video/VP9', clockRate: 90000, parameters: { 'profile-id': 2, 'x-google-start-bitrate': 1000 } },
      { kind: 'video', mimeType: 'video/VP9', clockRate: 90000 },
      {
        kind: 'video',
        mimeType: 'video/h264',
        clockRate: 90000,
        parameters: { 'packetization-mode': 1, 'profile-level-id': '4d0032', 'level-asymmetry-allowed': 1 },
      },
      { kind: 'video', mimeType: 'video/h264', clockRate: 90000, parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f' } },
      { kind: 'video', mimeType: 'video/H264', clockRate: 90000 },
    ]);
    assert.deepEqual(brief(caps.codecs), [
      '100 video/VP9 {"profile-id":2,"x-google-start-bitrate":1000}',
      '101 video/rtx {"apt":100}',
      '102 video/VP9 {"profile-id":0}',
      '103 video/rtx {"apt":102}',
      '104 video/H264 {"level-asymmetry-allowed":1,"packetization-mode":1,"profile-level-id":"4d0032"}',
      '105 video/rtx {"apt":104}',
      '106 video/H264 {"level-asymmetry-allowed":1,"packetization-mode":1,"profile-level-id":"42e01f"}',
      '107 video/rtx {"apt":106}',
      // No parameters: RFC 6184 defaults, packetization-mode 0 and Constrained Baseline.
      '108 video/H264 {"level-asymmetry-allowed":1,"packetization-mode":0,"profile-level-id":"42e01f"}',
      '109 video/rtx {"apt":108}',
    ]);
  });

  it('H264 profiles outside the supported set, or unparsable, are rejected', () => {
    for (const id of ['f4001f', 'zzzzzz', '123']) {
      assert.throws(
        () =>
          generateRouterRtpCapabilities([
            { kind: 'video', mimeType: 'video/H264', clockRate: 90000, parameters: { 'profile-level-id': id } },
          ]),
        UnsupportedError,
        id,
      );
    }
  });

  it('keeps given payload types, static ones for G.711, then allocates 100..127 and 96..99', () => {
    const caps = generateRouterRtpCapabilities([
      { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2, preferredPayloadType: 111 },
      { kind: 'audio', mimeType: 'audio/PCMU', clockRate: 8000 },
      { kind: 'audio', mimeType: 'audio/PCMA', clockRate: 8000, preferredPayloadType: 0 },
      { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, preferredPayloadType: 100 },
      { kind: 'video', mimeType: 'video/AV1', clockRate: 90000 },
    ]);
    assert.deepEqual(
      caps.codecs!.map((c) => `${c.preferredPayloadType} ${c.mimeType}`),
      // PCMU's static 0 is taken by PCMA, so PCMU gets a dynamic one.
      ['111 audio/opus', '101 audio/PCMU', '0 audio/PCMA', '100 video/VP8', '102 video/rtx', '103 video/AV1', '104 video/rtx'],
    );
  });

  it('falls back to 96..99 once 100..127 are used, then fails', () => {
    const many = (n: number): RtpCodecCapability[] =>
      Array.from({ length: n }, () => ({ kind: 'video' as const, mimeType: 'video/VP8', clockRate: 90000 }));
    const caps = generateRouterRtpCapabilities(many(16));
    const pts = caps.codecs!.map((c) => c.preferredPayloadType);
    assert.deepEqual(pts.slice(-4), [96, 97, 98, 99]);
    assert.throws(() => generateRouterRtpCapabilities(many(17)), UnsupportedError);
  });

  it('rejects duplicated or reserved payload types with TypeError', () => {
    assert.throws(
      () =>
        generateRouterRtpCapabilities([
          { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2, preferredPayloadType: 100 },
          { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, preferredPayloadType: 100 },
        ]),
      { name: 'TypeError', message: /mediaCodecs\[1\]\.preferredPayloadType: duplicated 100/ },
    );
    assert.throws(
      () => generateRouterRtpCapabilities([{ kind: 'video', mimeType: 'video/VP8', clockRate: 90000, preferredPayloadType: 72 }]),
      TypeError,
    );
  });

  it('rejects RTX, FEC, RED and unknown codecs with UnsupportedError', () => {
    for (const mimeType of ['video/rtx', 'video/ulpfec', 'video/flexfec-03', 'audio/red', 'video/FOO']) {
      assert.throws(
        () => generateRouterRtpCapabilities([{ kind: 'video', mimeType, clockRate: 90000 } as RtpCodecCapability]),
        UnsupportedError,
        mimeType,
      );
    }
  });

  it('opus needs 2 channels; multiopus needs a supported layout', () => {
    assert.throws(() => generateRouterRtpCapabilities([{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000 }]), UnsupportedError);
    const caps = generateRouterRtpCapabilities([
      {
        kind: 'audio',
        mimeType: 'audio/multiopus',
        clockRate: 48000,
        channels: 6,
        parameters: { num_streams: 4, coupled_streams: 2, channel_mapping: '0,4,1,2,3,5' },
      },
    ]);
    assert.equal(caps.codecs!.length, 1);
    assert.throws(
      () =>
        generateRouterRtpCapabilities([
          { kind: 'audio', mimeType: 'audio/multiopus', clockRate: 48000, channels: 6, parameters: { num_streams: 3, coupled_streams: 3 } },
        ]),
      UnsupportedError,
    );
  });

  it('rejects malformed codecs with TypeError naming the field', () => {
    assert.throws(() => generateRouterRtpCapabilities([{ kind: 'video', mimeType: 'vp8', clockRate: 90000 }]), {
      name: 'TypeError',
      message: /mediaCodecs\[0\]\.mimeType/,
    });
    assert.throws(
      () => generateRouterRtpCapabilities([{ kind: 'video', mimeType: 'video/VP8' } as unknown as RtpCodecCapability]),
      { name: 'TypeError', message: /mediaCodecs\[0\]\.clockRate/ },
    );
    assert.throws(() => generateRouterRtpCapabilities('x' as unknown as RtpCodecCapability[]), TypeError);
  });

  it('no codecs: empty codec list, all header extensions', () => {
    const caps = generateRouterRtpCapabilities();
    assert.deepEqual(caps.codecs, []);
    assert.equal(caps.headerExtensions!.length, 16);
  });
});
