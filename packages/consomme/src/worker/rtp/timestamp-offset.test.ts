import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TimestampOffset } from './timestamp-offset.js';
import { timestampDiff } from '../../wire/rtp/seq.js';

test('passes timestamps through (plus the initial offset) until a sync', () => {
  const t = new TimestampOffset(90000, 10);
  assert.equal(t.lastOutputTimestamp, undefined);
  assert.equal(t.map(1000, 0), 1010);
  assert.equal(t.map(0xffffffff, 10), 9); // wraps
  assert.equal(t.offset, 10);
});

test('resume after a pause jumps by the wall-clock gap', () => {
  const t = new TimestampOffset(90000);
  t.map(3000, 0);
  t.map(6000, 33);
  // Paused 2 s; the producer's clock moved on by an unrelated amount.
  t.sync(5_000_000, 2033);
  assert.equal(t.map(5_000_000, 2033), 6000 + 180000);
  assert.equal(t.map(5_003_000, 2066), 6000 + 183000);
  assert.equal(t.lastOutputTimestamp, 189000);
});

test('sync with no elapsed time still moves one tick forward', () => {
  const t = new TimestampOffset(48000);
  t.map(100, 5);
  t.sync(77, 5);
  assert.equal(t.map(77, 5), 101);
});

test('sync before any output keeps the offset', () => {
  const t = new TimestampOffset(90000, 5);
  t.sync(1234, 100);
  assert.equal(t.map(1234, 100), 1239);
});

test('packets of the same frame do not move the time anchor', () => {
  const t = new TimestampOffset(1000); // 1 tick per ms for readability
  t.map(500, 0);
  t.map(500, 40); // same frame, later packet
  t.sync(9, 100);
  assert.equal(t.map(9, 100), 600); // 100 ms after the frame's first packet
});

test('property: output moves forward across syncs by about the wall-clock time', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 0xffffffff }),
      fc.array(fc.record({ dtMs: fc.integer({ min: 1, max: 5000 }), sync: fc.boolean(), jump: fc.integer({ min: 0, max: 0xffffffff }) }), { maxLength: 100, size: 'max' }),
      (start, steps) => {
        const t = new TimestampOffset(90000);
        let input = start;
        let now = 0;
        let prevOut = t.map(input, now);
        for (const st of steps) {
          now += st.dtMs;
          if (st.sync) {
            input = (input + st.jump) >>> 0;
            t.sync(input, now);
          } else input = (input + st.dtMs * 90) >>> 0;
          const out = t.map(input, now);
          assert.equal(timestampDiff(out, prevOut), st.dtMs * 90);
          prevOut = out;
        }
      },
    ),
    { numRuns: 5000 },
  );
});
