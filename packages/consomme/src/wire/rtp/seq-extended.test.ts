import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SeqUnwrapper, extendSeq, isSeqNewer, isTimestampNewer, seqAdd, seqDiff, timestampAdd, timestampDiff, toSeq16, toTs32 } from './seq.js';

test('seqDiff across the wrap', () => {
  const rows: [number, number, number][] = [
    [1, 0, 1],
    [0, 65535, 1], // wrap forward
    [65535, 0, -1], // wrap backward
    [100, 65500, 136],
    [0, 32768, -32768], // exactly half: counts as behind
    [32767, 0, 32767],
  ];
  for (const [a, b, d] of rows) assert.equal(seqDiff(a, b), d, `${a} - ${b}`);
  assert.ok(isSeqNewer(0, 65535));
  assert.ok(!isSeqNewer(65535, 0));
  assert.equal(seqAdd(65535, 2), 1);
  assert.equal(seqAdd(0, -1), 65535);
  assert.equal(toSeq16(-1), 65535);
  assert.equal(toSeq16(2 ** 40 + 5), 5);
});

test('extendSeq picks the value nearest the reference', () => {
  assert.equal(extendSeq(2, 65535), 65538);
  assert.equal(extendSeq(65535, 65538), 65535);
  assert.equal(extendSeq(65535, 0), -1);
});

test('SeqUnwrapper: monotone stream over many wraps', () => {
  const u = new SeqUnwrapper();
  assert.equal(u.highest, undefined);
  // The first value lands in cycle 1 (2^16 + seq).
  for (let i = 0; i < 3 * 65536; i += 7) assert.equal(u.unwrap((60000 + i) & 0xffff), 65536 + 60000 + i);
});

test('SeqUnwrapper: reordering does not move the anchor', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 65535 }), fc.array(fc.integer({ min: -500, max: 500 }), { maxLength: 200, size: 'max' }), (start, jitters) => {
      const u = new SeqUnwrapper();
      const base = u.unwrap(start) - start;
      // Packets arrive near a slowly advancing true position.
      let truth = start;
      for (const j of jitters) {
        truth += 300;
        const ext = truth + j;
        assert.equal(u.unwrap(((ext % 65536) + 65536) % 65536), base + ext);
      }
    }),
    { numRuns: 2000 },
  );
});

test('timestamp helpers wrap at 2^32', () => {
  assert.equal(toTs32(-1), 0xffffffff);
  assert.equal(timestampDiff(5, 0xfffffffb), 10);
  assert.equal(timestampDiff(0xfffffffb, 5), -10);
  assert.ok(isTimestampNewer(5, 0xfffffffb));
  assert.equal(timestampAdd(0xffffffff, 2), 1);
  assert.equal(timestampAdd(10, 2.6), 13);
});
