// AV1 aggregation headers built by hand from the AV1 RTP specification
// §4.4 (aggregation header) and §4.3 (OBU elements).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isAv1KeyFrame, parseAv1Descriptor, serializeAv1Descriptor } from './av1.js';
import type { Av1Descriptor } from './av1.js';

const hex = (...parts: string[]): Buffer => Buffer.from(parts.join('').replace(/\s+/g, ''), 'hex');

const NEW_SEQUENCE = hex(
  '18', //   Z=0 Y=0 W=1 N=1
  '0a0b0000002446', // one OBU, no length field: header 0x0a = sequence header (type 1)
);
const TWO_SIZED = hex(
  '00', //     Z=0 Y=0 W=0 N=0: every element has a LEB128 length
  '02', '3210', // element 1: 2 bytes, OBU type 6 (frame)
  '01', 'ff', //   element 2: 1 byte
);
const CONTINUATION = hex(
  '90', //   Z=1 Y=0 W=1 N=0
  'aabb', // rest of an OBU from the previous packet
);
const LONG_LEB = hex(
  '60', //   Z=0 Y=1 W=2
  '8101', // LEB128 129
  '30'.repeat(129),
  'ee', //   last element, no length
);

const rows: [name: string, payload: Buffer, expected: Partial<Av1Descriptor>][] = [
  ['new coded video sequence', NEW_SEQUENCE, { newCodedVideoSequence: true, elementCountField: 1, elementCount: 1, firstObuType: 1, isKeyFrame: true }],
  ['two sized elements', TWO_SIZED, { elementCountField: 0, elementCount: 2, firstObuType: 6, isKeyFrame: false }],
  ['continuation', CONTINUATION, { continuation: true, firstObuType: undefined, elementCount: 1, isKeyFrame: false }],
  ['two-byte LEB128', LONG_LEB, { continues: true, elementCountField: 2, elementCount: 2, firstObuType: 6 }],
];

test('AV1 descriptor table', () => {
  for (const [name, payload, expected] of rows) {
    const d = parseAv1Descriptor(payload);
    assert.ok(d, name);
    for (const [k, v] of Object.entries(expected)) assert.deepEqual(d[k as keyof Av1Descriptor], v, `${name}: ${k}`);
    assert.equal(isAv1KeyFrame(payload), d.isKeyFrame, name);
    assert.ok(serializeAv1Descriptor(d).equals(payload.subarray(0, 1)), name);
  }
});

test('AV1 malformed payloads are refused', () => {
  const bad = [
    '', //         empty
    '18', //       header only
    '20 02aabb', // W=2 but a single element
    '00 05aa', //  length past the end
    '00 80', //    unterminated LEB128
  ];
  for (const h of bad) assert.equal(parseAv1Descriptor(hex(h)), undefined, h);
});

const input = fc.oneof(
  fc.uint8Array({ maxLength: 24 }),
  fc
    .tuple(fc.constantFrom(NEW_SEQUENCE, TWO_SIZED, CONTINUATION), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.nat(10))
    .map(([seed, i, v, len]) => {
      const b = Uint8Array.from(seed);
      b[i % b.length] = v;
      return b.subarray(0, len);
    }),
);

test('AV1 fuzz: never throws; re-serializes identically; fast key test agrees', (t) => {
  let parsed = 0;
  fc.assert(
    fc.property(input, (payload) => {
      const d = parseAv1Descriptor(payload);
      if (d === undefined) return;
      parsed++;
      assert.ok(serializeAv1Descriptor(d).equals(Buffer.from(payload.subarray(0, 1))));
      assert.equal(isAv1KeyFrame(payload), d.isKeyFrame);
    }),
    { numRuns: 100_000 },
  );
  t.diagnostic(`${parsed} of 100000 parsed`);
  // A floor: the mutated half mostly parses.
  assert.ok(parsed > 20_000, `${parsed} of 100000 parsed`);
});
