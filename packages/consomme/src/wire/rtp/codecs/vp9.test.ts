// VP9 payload descriptors built by hand from RFC 9628 §4.2 and §4.2.1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isVp9KeyFrame, parseVp9Descriptor, serializeVp9Descriptor } from './vp9.js';
import type { Vp9Descriptor } from './vp9.js';

const hex = (...parts: string[]): Buffer => Buffer.from(parts.join('').replace(/\s+/g, ''), 'hex');

const KEY_WITH_SS = hex(
  'ae', //   I=1 P=0 L=1 F=0 B=1 E=1 V=1 Z=0
  '8001', // M=1 picture id 1
  '00', //   TID=0 U=0 SID=0 D=0
  '05', //   TL0PICIDX 5 (non-flexible mode)
  '38', //   SS: N_S=1 (two layers) Y=1 G=1
  '014000b4', // layer 0: 320x180
  '02800168', // layer 1: 640x360
  '01', //   N_G=1
  '04', //   TID=0 U=0 R=1
  '01', //   P_DIFF 1
  'aabb', // VP9 frame data
);
const FLEXIBLE_DELTA = hex(
  'f8', //   I=1 P=1 L=1 F=1 B=1 E=0 V=0 Z=0
  '05', //   M=0 picture id 5
  '33', //   TID=1 U=1 SID=1 D=1
  '03', //   P_DIFF 1, N=1 (another follows)
  '04', //   P_DIFF 2, N=0
  'cc',
);
const UPPER_LAYER_START = hex(
  '28', //   L=1 B=1 (no picture id)
  '02', //   TID=0 SID=1
  '00', //   TL0PICIDX 0
);

const rows: [name: string, payload: Buffer, expected: Partial<Vp9Descriptor>][] = [
  [
    'key frame with scalability structure',
    KEY_WITH_SS,
    {
      pictureIdBits: 15,
      pictureId: 1,
      spatialLayerId: 0,
      temporalLayerId: 0,
      tl0PicIdx: 5,
      startOfFrame: true,
      endOfFrame: true,
      descriptorLength: 17,
      isKeyFrame: true,
      scalabilityStructure: {
        spatialLayerCount: 2,
        resolutions: [
          { width: 320, height: 180 },
          { width: 640, height: 360 },
        ],
        pictureGroup: [{ temporalLayerId: 0, switchingUp: false, referenceDiffs: [1], reservedBits: 0 }],
        reservedBits: 0,
      },
    },
  ],
  [
    'flexible mode inter frame',
    FLEXIBLE_DELTA,
    {
      pictureIdBits: 7,
      pictureId: 5,
      interPicturePredicted: true,
      flexibleMode: true,
      temporalLayerId: 1,
      switchingUp: true,
      spatialLayerId: 1,
      interLayerDependency: true,
      tl0PicIdx: undefined,
      referenceDiffs: [1, 2],
      descriptorLength: 5,
      isKeyFrame: false,
    },
  ],
  ['start of spatial layer 1 is not a key frame', UPPER_LAYER_START, { spatialLayerId: 1, descriptorLength: 3, isKeyFrame: false }],
  ['B=1 without layer indices', hex('08'), { spatialLayerId: undefined, descriptorLength: 1, isKeyFrame: true }],
  ['not the first packet', hex('04'), { startOfFrame: false, isKeyFrame: false }],
];

test('VP9 descriptor table', () => {
  for (const [name, payload, expected] of rows) {
    const d = parseVp9Descriptor(payload);
    assert.ok(d, name);
    for (const [k, v] of Object.entries(expected)) assert.deepEqual(d[k as keyof Vp9Descriptor], v, `${name}: ${k}`);
    assert.equal(isVp9KeyFrame(payload), d.isKeyFrame, name);
    assert.ok(serializeVp9Descriptor(d).equals(payload.subarray(0, d.descriptorLength)), name);
  }
});

test('VP9 malformed descriptors are refused', () => {
  const bad = [
    '', //          empty
    '80', //        I=1 without picture id
    '8080', //      M=1 without the second byte
    '20', //        L=1 without layer byte
    '2000', //      non-flexible L=1 without TL0PICIDX
    '50010101', //  P=1 F=1: four P_DIFFs would be needed
    '02', //        V=1 without SS
    '0230', //      SS Y=1 without resolutions
    '020802', //    SS N_G=2 with nothing after
  ];
  for (const h of bad) assert.equal(parseVp9Descriptor(hex(h)), undefined, h);
});

const input = fc.oneof(
  fc.uint8Array({ maxLength: 24 }),
  fc
    .tuple(fc.constantFrom(KEY_WITH_SS, FLEXIBLE_DELTA, UPPER_LAYER_START), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.nat(24))
    .map(([seed, i, v, len]) => {
      const b = Uint8Array.from(seed);
      b[i % b.length] = v;
      return b.subarray(0, len);
    }),
);

test('VP9 fuzz: never throws; re-serializes identically; fast key test agrees', (t) => {
  let parsed = 0;
  fc.assert(
    fc.property(input, (payload) => {
      const d = parseVp9Descriptor(payload);
      if (d === undefined) return;
      parsed++;
      assert.ok(serializeVp9Descriptor(d).equals(Buffer.from(payload.subarray(0, d.descriptorLength))));
      assert.equal(isVp9KeyFrame(payload), d.isKeyFrame);
    }),
    { numRuns: 100_000 },
  );
  t.diagnostic(`${parsed} of 100000 parsed`);
  // A floor: the mutated half mostly parses.
  assert.ok(parsed > 20_000, `${parsed} of 100000 parsed`);
});
