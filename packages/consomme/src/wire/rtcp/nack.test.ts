import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { nackItemsFromSeqs, nackItemsToSeqs } from './nack.js';

test('nackItemsFromSeqs packs runs into PID + BLP', () => {
  const rows: [seqs: number[], items: { pid: number; blp: number }[]][] = [
    [[], []],
    [[100], [{ pid: 100, blp: 0 }]],
    [[100, 101, 103, 116], [{ pid: 100, blp: 0b1000_0000_0000_0101 }]],
    [[100, 117], [{ pid: 100, blp: 0 }, { pid: 117, blp: 0 }]],
    [[0xfffe, 0xffff, 0, 1], [{ pid: 0xfffe, blp: 0b111 }]], // across the wrap
    [[5, 3, 4, 4], [{ pid: 3, blp: 0b11 }]], // any order, duplicates
  ];
  for (const [seqs, items] of rows) assert.deepEqual(nackItemsFromSeqs(seqs), items, String(seqs));
});

test('nackItemsToSeqs expands BLP across the wrap', () => {
  assert.deepEqual(nackItemsToSeqs([{ pid: 0xffff, blp: 0b101 }]), [0xffff, 0, 2]);
});

test('from -> to gives back the same set', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffff }), fc.uniqueArray(fc.integer({ min: 0, max: 2000 }), { maxLength: 100 }), (base, offs) => {
      const seqs = offs.map((o) => (base + o) & 0xffff);
      const back = nackItemsToSeqs(nackItemsFromSeqs(seqs));
      assert.deepEqual([...back].sort((a, b) => a - b), [...seqs].sort((a, b) => a - b));
    }),
    { numRuns: 5_000 },
  );
});
