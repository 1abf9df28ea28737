import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isRtxCodec, matchCodecs, reduceCodecs, reduceRtcpFeedback, type CodecLike } from './codecs.js';
import { parseScalabilityMode } from './scalability.js';
import type { RtpCodecParameters } from './types.js';

const h264 = (parameters: Record<string, string | number>): CodecLike => ({ mimeType: 'video/H264', clockRate: 90000, parameters });

describe('matchCodecs', () => {
  it('compares mimeType case-insensitively, clockRate and channels', () => {
    const opus = { mimeType: 'audio/opus', clockRate: 48000, channels: 2 };
    assert.equal(matchCodecs(opus, { ...opus, mimeType: 'AUDIO/OPUS' }), true);
    assert.equal(matchCodecs(opus, { ...opus, channels: 1 }), false);
    assert.equal(matchCodecs(opus, { ...opus, clockRate: 16000 }), false);
    assert.equal(matchCodecs(opus, { ...opus, mimeType: 'audio/PCMU' }), false);
  });

  // Table: [a params, b params, strict result]
  const H264_ROWS: [Record<string, string | number>, Record<string, string | number>, boolean, string][] = [
    [{ 'packetization-mode': 1, 'profile-level-id': '42e01f' }, { 'packetization-mode': 1, 'profile-level-id': '42e034' }, true, 'CB, other level'],
    [{ 'packetization-mode': 1, 'profile-level-id': '42e01f' }, { 'packetization-mode': '1', 'profile-level-id': '42c01f' }, true, 'CB spelled 42c0, mode as string'],
    [{ 'packetization-mode': 1, 'profile-level-id': '42e01f' }, { 'packetization-mode': 1, 'profile-level-id': '4d001f' }, false, 'CB vs Main'],
    [{ 'packetization-mode': 1, 'profile-level-id': '64001f' }, { 'packetization-mode': 1, 'profile-level-id': '640c1f' }, false, 'High vs Constrained High'],
    [{ 'packetization-mode': 1, 'profile-level-id': '42001f' }, { 'packetization-mode': 1, 'profile-level-id': '42e01f' }, false, 'Baseline vs CB'],
    [{ 'packetization-mode': 1, 'profile-level-id': '42e01f' }, { 'packetization-mode': 0, 'profile-level-id': '42e01f' }, false, 'mode 1 vs 0'],
    [{ 'profile-level-id': '42e01f' }, { 'packetization-mode': 0 }, true, 'defaults: mode 0, CB 3.1'],
    [{ 'packetization-mode': 1, 'profile-level-id': 'nothex' }, { 'packetization-mode': 1 }, false, 'unparsable profile'],
  ];
  for (const [a, b, expected, name] of H264_ROWS) {
    it(`H264 ${name}: strict ${expected}, loose true`, () => {
      assert.equal(matchCodecs(h264(a), h264(b), { strict: true }), expected);
      assert.equal(matchCodecs(h264(b), h264(a), { strict: true }), expected);
      assert.equal(matchCodecs(h264(a), h264(b)), true);
    });
  }

  it('H264 modify writes the answer level into both codecs', () => {
    // Without level-asymmetry-allowed on both sides the answer takes the lower level (RFC 6184 8.2.2).
    const a = h264({ 'packetization-mode': 1, 'profile-level-id': '42e034' });
    const b = h264({ 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 });
    assert.equal(matchCodecs(a, b, { strict: true, modify: true }), true);
    assert.equal(a.parameters!['profile-level-id'], '42e01f');
    assert.equal(b.parameters!['profile-level-id'], '42e01f');
    // With it on both sides the local (first) level stands.
    const c = h264({ 'packetization-mode': 1, 'profile-level-id': '42e034', 'level-asymmetry-allowed': 1 });
    const d = h264({ 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 });
    matchCodecs(c, d, { strict: true, modify: true });
    assert.equal(c.parameters!['profile-level-id'], '42e034');
  });

  it('H264 without modify leaves parameters alone', () => {
    const a = h264({ 'packetization-mode': 1, 'profile-level-id': '42e034' });
    matchCodecs(a, h264({ 'packetization-mode': 1, 'profile-level-id': '42e01f' }), { strict: true });
    assert.equal(a.parameters!['profile-level-id'], '42e034');
  });

  it('VP9 profile-id only counts when strict; absent means 0', () => {
    const vp9 = (p?: number | string): CodecLike => ({
      mimeType: 'video/VP9',
      clockRate: 90000,
      parameters: p === undefined ? {} : { 'profile-id': p },
    });
    assert.equal(matchCodecs(vp9(0), vp9(2), { strict: true }), false);
    assert.equal(matchCodecs(vp9(0), vp9(2)), true);
    assert.equal(matchCodecs(vp9(), vp9(0), { strict: true }), true);
    assert.equal(matchCodecs(vp9('2'), vp9(2), { strict: true }), true);
  });

  it('multiopus layouts must agree even when not strict', () => {
    const mo = (n: number, c: number): CodecLike => ({
      mimeType: 'audio/multiopus',
      clockRate: 48000,
      channels: 6,
      parameters: { num_streams: n, coupled_streams: c },
    });
    assert.equal(matchCodecs(mo(4, 2), mo(4, 2)), true);
    assert.equal(matchCodecs(mo(4, 2), mo(3, 3)), false);
  });
});

describe('codec helpers', () => {
  it('isRtxCodec', () => {
    assert.equal(isRtxCodec({ mimeType: 'video/rtx' }), true);
    assert.equal(isRtxCodec({ mimeType: 'AUDIO/RTX' }), true);
    assert.equal(isRtxCodec({ mimeType: 'video/VP8' }), false);
    assert.equal(isRtxCodec({ mimeType: 'video/rtxx' }), false);
    assert.equal(isRtxCodec(undefined), false);
  });

  it('reduceRtcpFeedback keeps common entries, treating absent parameter as empty', () => {
    const a = { mimeType: 'video/VP8', clockRate: 90000, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'goog-remb' }] };
    const b = { mimeType: 'video/VP8', clockRate: 90000, rtcpFeedback: [{ type: 'nack', parameter: '' }, { type: 'nack', parameter: 'pli' }] };
    assert.deepEqual(reduceRtcpFeedback(a, b), [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }]);
  });

  it('reduceCodecs picks a media codec and its RTX', () => {
    const codecs: RtpCodecParameters[] = [
      { mimeType: 'video/VP8', payloadType: 96, clockRate: 90000 },
      { mimeType: 'video/rtx', payloadType: 97, clockRate: 90000, parameters: { apt: 96 } },
      { mimeType: 'video/H264', payloadType: 102, clockRate: 90000, parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f' } },
      { mimeType: 'video/rtx', payloadType: 103, clockRate: 90000, parameters: { apt: 102 } },
    ];
    assert.deepEqual(reduceCodecs(codecs).map((c) => c.payloadType), [96, 97]);
    const cap = h264({ 'packetization-mode': 1, 'profile-level-id': '42e034' });
    assert.deepEqual(reduceCodecs(codecs, cap).map((c) => c.payloadType), [102, 103]);
    assert.throws(() => reduceCodecs(codecs, h264({ 'packetization-mode': 1, 'profile-level-id': '4d001f' })), TypeError);
  });
});

describe('parseScalabilityMode', () => {
  const ROWS: [string | undefined, number, number, boolean][] = [
    ['L1T3', 1, 3, false],
    ['L3T3_KEY', 3, 3, true],
    ['L2T2_KEY_SHIFT', 2, 2, true],
    ['S3T3', 3, 3, false],
    ['L2T1h', 2, 1, false],
    ['bogus', 1, 1, false],
    [undefined, 1, 1, false],
  ];
  for (const [mode, s, t, ksvc] of ROWS) {
    it(String(mode), () => assert.deepEqual(parseScalabilityMode(mode), { spatialLayers: s, temporalLayers: t, ksvc }));
  }
});
