// VP8 payload descriptors built by hand from RFC 7741 §4.2 and §4.3.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  isVp8KeyFrame,
  parseVp8Descriptor,
  rewriteVp8PictureId,
  rewriteVp8Tl0PicIdx,
  serializeVp8Descriptor,
} from './vp8.js';
import type { Vp8Descriptor } from './vp8.js';

const hex = (...parts: string[]): Buffer => Buffer.from(parts.join('').replace(/\s+/g, ''), 'hex');

const KEY_ALL_FIELDS = hex(
  '90', //   X=1 N=0 S=1 PID=0
  'e0', //   I=1 L=1 T=1 K=0
  '9234', // M=1 picture id 0x1234
  '56', //   TL0PICIDX 0x56
  'a0', //   TID=2 Y=1 KEYIDX (unused) 0
  '10', //   payload header: P=0 (key frame)
  '0203',
);
const SHORT_PID_DELTA = hex(
  '90', //   X=1 S=1 PID=0
  '80', //   I=1
  '7f', //   M=0 picture id 127
  '01', //   payload header: P=1 (inter frame)
);
const KEYIDX_ONLY = hex(
  '90', //   X=1 S=1 PID=0
  '10', //   K=1
  '3f', //   (TID/Y bits, ignored as T=0: 001) KEYIDX=31
  '9d', //   payload header: P=1
);
const NOT_START = hex(
  '23', //   X=0 N=1 S=0 PID=3
  '00', //   partition data (no payload header here)
);

const rows: [name: string, payload: Buffer, expected: Partial<Vp8Descriptor>][] = [
  [
    'key frame, every field',
    KEY_ALL_FIELDS,
    { pictureIdBits: 15, pictureId: 0x1234, tl0PicIdx: 0x56, temporalLayerId: 2, layerSync: true, keyIdx: undefined, descriptorLength: 6, isKeyFrame: true },
  ],
  ['7-bit picture id, inter frame', SHORT_PID_DELTA, { pictureIdBits: 7, pictureId: 127, descriptorLength: 3, isKeyFrame: false }],
  ['KEYIDX only', KEYIDX_ONLY, { keyIdx: 31, temporalLayerId: undefined, descriptorLength: 3, isKeyFrame: false }],
  ['non-reference, partition 3', NOT_START, { nonReference: true, startOfPartition: false, partitionIndex: 3, descriptorLength: 1, isKeyFrame: false }],
  ['S=1 PID=0 without payload byte', hex('10'), { descriptorLength: 1, isKeyFrame: false }],
];

test('VP8 descriptor table', () => {
  for (const [name, payload, expected] of rows) {
    const d = parseVp8Descriptor(payload);
    assert.ok(d, name);
    for (const [k, v] of Object.entries(expected)) assert.deepEqual(d[k as keyof Vp8Descriptor], v, `${name}: ${k}`);
    assert.equal(isVp8KeyFrame(payload), d.isKeyFrame, name);
    assert.ok(serializeVp8Descriptor(d).equals(payload.subarray(0, d.descriptorLength)), name);
  }
});

test('VP8 truncated descriptors are refused', () => {
  for (const h of ['', '80', '8080', '808080', '8040', '8020', '8010']) {
    assert.equal(parseVp8Descriptor(hex(h)), undefined, h);
    assert.equal(isVp8KeyFrame(hex(h)), false, h);
  }
});

test('VP8 in-place rewrite of picture id and TL0PICIDX keeps the width', () => {
  const p = Buffer.from(KEY_ALL_FIELDS);
  assert.ok(rewriteVp8PictureId(p, 0x8001)); // 15 bits kept: 0x0001
  assert.ok(rewriteVp8Tl0PicIdx(p, 0x1ff)); // 8 bits: 0xff
  assert.deepEqual(p, hex('90e0', '8001', 'ff', 'a0', '10', '0203'));
  const s = Buffer.from(SHORT_PID_DELTA);
  assert.ok(rewriteVp8PictureId(s, 0x1234));
  assert.equal(parseVp8Descriptor(s)?.pictureId, 0x34);
  assert.equal(rewriteVp8Tl0PicIdx(s, 1), false);
  assert.equal(rewriteVp8PictureId(Buffer.from(NOT_START), 1), false);
});

const input = fc.oneof(
  fc.uint8Array({ maxLength: 12 }),
  fc
    .tuple(fc.constantFrom(KEY_ALL_FIELDS, SHORT_PID_DELTA, KEYIDX_ONLY, NOT_START), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.nat(9))
    .map(([seed, i, v, len]) => {
      const b = Uint8Array.from(seed);
      b[i % b.length] = v;
      return b.subarray(0, len);
    }),
);

test('VP8 fuzz: never throws; re-serializes identically; fast key test agrees', (t) => {
  let parsed = 0;
  fc.assert(
    fc.property(input, fc.integer({ min: 0, max: 0xffff }), (payload, pid) => {
      const d = parseVp8Descriptor(payload);
      if (d === undefined) return;
      parsed++;
      assert.ok(Buffer.from(serializeVp8Descriptor(d)).equals(Buffer.from(payload.subarray(0, d.descriptorLength))));
      assert.equal(isVp8KeyFrame(payload), d.isKeyFrame);
      const copy = Uint8Array.from(payload);
      if (rewriteVp8PictureId(copy, pid)) {
        const after = parseVp8Descriptor(copy)!;
        assert.equal(after.pictureId, pid & (d.pictureIdBits === 15 ? 0x7fff : 0x7f));
        assert.equal(after.descriptorLength, d.descriptorLength);
      } else {
        assert.equal(d.pictureIdBits, 0);
      }
    }),
    { numRuns: 100_000 },
  );
  t.diagnostic(`${parsed} of 100000 parsed`);
  // A floor: the mutated half mostly parses.
  assert.ok(parsed > 20_000, `${parsed} of 100000 parsed`);
});
