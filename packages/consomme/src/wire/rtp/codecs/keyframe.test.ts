import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKeyFrame } from './keyframe.js';

const hex = (s: string): Buffer => Buffer.from(s, 'hex');

test('isKeyFrame dispatches on the MIME type', () => {
  const rows: [mime: string, payload: string, key: boolean][] = [
    ['video/VP8', '1010', true], //       X=0 S=1 PID=0, payload header P=0
    ['video/VP8', '1011', false], //      P=1
    ['video/vp8', '1010', true], //       case-insensitive
    ['video/VP9', '08', true], //         B=1 P=0
    ['video/VP9', '48', false], //        P=1
    ['video/H264', '6588', true], //      IDR
    ['video/h264', '4188', false], //     non-IDR
    ['video/AV1', '1800', true], //       N=1
    ['video/AV1', '1000', false], //      N=0
    ['audio/opus', '1010', false], //     not video
    ['video/H265', '2601', false], //     not supported
    ['video/VP8', '', false], //          empty payload
  ];
  for (const [mime, payload, key] of rows) assert.equal(isKeyFrame(mime, hex(payload)), key, `${mime} ${payload}`);
});
