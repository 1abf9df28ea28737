// H.264 payloads built by hand from RFC 6184 §5.6 (single NAL unit),
// §5.7.1 (STAP-A) and §5.8 (FU-A).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isH264KeyFrame, parseH264Descriptor, serializeH264Descriptor } from './h264.js';
import type { H264Descriptor } from './h264.js';

const hex = (...parts: string[]): Buffer => Buffer.from(parts.join('').replace(/\s+/g, ''), 'hex');

const IDR = hex(
  '65', //   F=0 NRI=3 type 5 (IDR slice)
  '8884',
);
const NON_IDR = hex(
  '41', //   NRI=2 type 1 (non-IDR slice)
  '9a',
);
const STAP_A_SPS_PPS = hex(
  '78', //       NRI=3 type 24 (STAP-A)
  '0004', //     NALU 1 size 4
  '6742c01f', // SPS (type 7)
  '0002', //     NALU 2 size 2
  '68ce', //     PPS (type 8)
);
const FU_A_IDR_START = hex(
  '7c', //   FU indicator: NRI=3 type 28 (FU-A)
  '85', //   FU header: S=1 E=0 type 5
  'b800',
);
const FU_A_IDR_MIDDLE = hex('7c', '05', 'aa'); // S=0 E=0 type 5
const FU_A_END = hex('7c', '45', 'aa'); //        S=0 E=1 type 5

const rows: [name: string, payload: Buffer, expected: Partial<H264Descriptor>][] = [
  ['IDR', IDR, { packetization: 'single-nal', nri: 3, nalTypes: [5], isKeyFrame: true, descriptorLength: 1 }],
  ['non-IDR slice', NON_IDR, { packetization: 'single-nal', nri: 2, nalTypes: [1], isKeyFrame: false }],
  ['STAP-A with SPS and PPS', STAP_A_SPS_PPS, { packetization: 'stap-a', nalTypes: [7, 8], isKeyFrame: true }],
  ['FU-A IDR start', FU_A_IDR_START, { packetization: 'fu-a', nalTypes: [5], startOfNal: true, endOfNal: false, descriptorLength: 2, isKeyFrame: true }],
  ['FU-A IDR middle', FU_A_IDR_MIDDLE, { startOfNal: false, isKeyFrame: false }],
  ['FU-A end', FU_A_END, { startOfNal: false, endOfNal: true, isKeyFrame: false }],
  ['SPS alone', hex('6742'), { nalTypes: [7], isKeyFrame: true }],
  ['STAP-B is not modelled', hex('79', '0000', '0001', '65'), { packetization: 'other', nalTypes: [], isKeyFrame: false }],
];

test('H.264 descriptor table', () => {
  for (const [name, payload, expected] of rows) {
    const d = parseH264Descriptor(payload);
    assert.ok(d, name);
    for (const [k, v] of Object.entries(expected)) assert.deepEqual(d[k as keyof H264Descriptor], v, `${name}: ${k}`);
    assert.equal(isH264KeyFrame(payload), d.isKeyFrame, name);
    assert.ok(serializeH264Descriptor(d).equals(payload.subarray(0, d.descriptorLength)), name);
  }
});

test('H.264 malformed payloads are refused', () => {
  const bad = [
    '', //             empty
    '78', //           STAP-A without units
    '78 0005 6742', // STAP-A unit past the end
    '78 0000', //      STAP-A unit of size 0
    '78 00', //        STAP-A truncated size
    '7c85', //         FU-A without data
  ];
  for (const h of bad) assert.equal(parseH264Descriptor(hex(h)), undefined, h);
});

const input = fc.oneof(
  fc.uint8Array({ maxLength: 24 }),
  fc
    .tuple(fc.constantFrom(IDR, NON_IDR, STAP_A_SPS_PPS, FU_A_IDR_START, FU_A_END), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.nat(14))
    .map(([seed, i, v, len]) => {
      const b = Uint8Array.from(seed);
      b[i % b.length] = v;
      return b.subarray(0, len);
    }),
);

test('H.264 fuzz: never throws; re-serializes identically; fast key test agrees', (t) => {
  let parsed = 0;
  fc.assert(
    fc.property(input, (payload) => {
      const d = parseH264Descriptor(payload);
      if (d === undefined) return;
      parsed++;
      assert.ok(serializeH264Descriptor(d).equals(Buffer.from(payload.subarray(0, d.descriptorLength))));
      assert.equal(isH264KeyFrame(payload), d.isKeyFrame);
    }),
    { numRuns: 100_000 },
  );
  t.diagnostic(`${parsed} of 100000 parsed`);
  // A floor: the mutated half mostly parses.
  assert.ok(parsed > 20_000, `${parsed} of 100000 parsed`);
});
