import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SeqUnwrapper, extendSeq, isSeqNewer, isTsNewer, seqAdd, seqDiff, toSeq16, toTs32, tsAdd, tsDiff } from './seq-math.js';

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
  assert.equal(u.peek(1), undefined);
  for (let i = 0; i < 3 * 65536; i += 7) assert.equal(u.unwrap((60000 + i) & 0xffff), 60000 + i);
});

test('SeqUnwrapper: reordering does not move the anchor', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 65535 }), fc.array(fc.integer({ min: -500, max: 500 }), { maxLength: 200, size: 'max' }), (start, jitters) => {
      const u = new SeqUnwrapper();
      u.unwrap(start);
      // Packets arrive near a slowly advancing true position.
      let truth = start;
      for (const j of jitters) {
        truth += 300;
        const ext = truth + j;
        assert.equal(u.unwrap(ext & 0xffff), ext);
      }
    }),
    { numRuns: 2000 },
  );
});

test('timestamp helpers wrap at 2^32', () => {
  assert.equal(toTs32(-1), 0xffffffff);
  assert.equal(tsDiff(5, 0xfffffffb), 10);
  assert.equal(tsDiff(0xfffffffb, 5), -10);
  assert.ok(isTsNewer(5, 0xfffffffb));
  assert.equal(tsAdd(0xffffffff, 2), 1);
  assert.equal(tsAdd(10, 2.6), 13);
});
