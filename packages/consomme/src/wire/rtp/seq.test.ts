import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  isSeqNewer,
  isTimestampNewer,
  seqAdd,
  seqDiff,
  SeqUnwrapper,
  timestampAdd,
  timestampDiff,
  TimestampUnwrapper,
} from './seq.js';

const seq = fc.integer({ min: 0, max: 0xffff });
const ts = fc.integer({ min: 0, max: 0xffff_ffff });

test('isSeqNewer: table', () => {
  const rows: [a: number, b: number, newer: boolean][] = [
    [1, 0, true],
    [0, 1, false],
    [0, 0xffff, true], // wrap
    [0xffff, 0, false],
    [0x7fff, 0, true], // just under half
    [0x8000, 0, true], // exactly half: the larger raw value wins
    [0, 0x8000, false],
    [5, 5, false],
  ];
  for (const [a, b, newer] of rows) assert.equal(isSeqNewer(a, b), newer, `${a} vs ${b}`);
});

test('seqDiff and isSeqNewer agree, antisymmetric, and invert seqAdd', () => {
  fc.assert(
    fc.property(seq, seq, (a, b) => {
      const d = seqDiff(a, b);
      assert.ok(d >= -0x8000 && d < 0x8000);
      assert.equal(seqAdd(b, d), a);
      if (a !== b) assert.notEqual(isSeqNewer(a, b), isSeqNewer(b, a));
      else assert.equal(isSeqNewer(a, b), false);
      if (d > 0) assert.ok(isSeqNewer(a, b));
      if (d < 0 && d !== -0x8000) assert.ok(!isSeqNewer(a, b));
    }),
    { numRuns: 20_000 },
  );
});

test('timestamp arithmetic: antisymmetric, inverts timestampAdd', () => {
  assert.equal(isTimestampNewer(0, 0xffff_ffff), true);
  assert.equal(isTimestampNewer(0x8000_0000, 0), true);
  assert.equal(isTimestampNewer(0, 0x8000_0000), false);
  assert.equal(timestampDiff(1, 0xffff_ffff), 2);
  fc.assert(
    fc.property(ts, ts, (a, b) => {
      const d = timestampDiff(a, b);
      assert.equal(timestampAdd(b, d), a);
      if (a !== b) assert.notEqual(isTimestampNewer(a, b), isTimestampNewer(b, a));
    }),
    { numRuns: 20_000 },
  );
});

/** A true counter walked forward with small steps, then locally shuffled. */
function reorderedWalk(start: number, steps: number[], swaps: number[]): number[] {
  const truth: number[] = [];
  let v = start;
  for (const s of steps) truth.push((v += s));
  for (const i of swaps) {
    const j = i % Math.max(1, truth.length - 1);
    const a = truth[j]!;
    truth[j] = truth[j + 1] ?? a;
    truth[j + 1] = a;
  }
  return truth;
}

test('SeqUnwrapper recovers the true counter under wrap and reorder', () => {
  fc.assert(
    fc.property(
      seq,
      fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 200 }),
      fc.array(fc.nat(), { maxLength: 50 }),
      (start, steps, swaps) => {
        const truth = reorderedWalk(start, steps, swaps);
        const u = new SeqUnwrapper();
        const first = truth[0]!;
        const offset = u.unwrap(first & 0xffff) - first;
        assert.equal(offset % 0x1_0000, 0);
        for (const t of truth) assert.equal(u.unwrap(t & 0xffff), t + offset);
        assert.equal(u.highest, Math.max(...truth) + offset);
      },
    ),
    { numRuns: 2_000 },
  );
});

test('SeqUnwrapper: first value lands in cycle 1, early reorder stays non-negative', () => {
  const u = new SeqUnwrapper();
  assert.equal(u.highest, undefined);
  assert.equal(u.unwrap(2), 0x1_0002);
  assert.equal(u.unwrap(0xfffe), 0xfffe); // reordered from before the wrap
  assert.equal(u.unwrap(3), 0x1_0003);
  assert.equal(u.peek(0x8003), 0x1_8003); // exactly half ahead counts as newer
  assert.equal(u.peek(0x8004), 0x8004);
  assert.equal(u.highest, 0x1_0003);
  u.reset();
  assert.equal(u.unwrap(7), 0x1_0007);
});

test('TimestampUnwrapper recovers the true counter under wrap and reorder', () => {
  fc.assert(
    fc.property(
      ts,
      fc.array(fc.integer({ min: 0, max: 90_000_000 }), { minLength: 1, maxLength: 200 }),
      fc.array(fc.nat(), { maxLength: 50 }),
      (start, steps, swaps) => {
        const truth = reorderedWalk(start, steps, swaps);
        const u = new TimestampUnwrapper();
        const first = truth[0]!;
        const offset = u.unwrap(first >>> 0) - first;
        for (const t of truth) assert.equal(u.unwrap(t % 0x1_0000_0000), t + offset);
      },
    ),
    { numRuns: 2_000 },
  );
});
