import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { NackGenerator } from './nack-generator.js';

// A fake clock: the generator only ever sees the numbers we pass.
function clock(start = 1000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

test('in-order stream: nothing to NACK', () => {
  const c = clock();
  const g = new NackGenerator();
  for (let s = 0; s < 100; s++) {
    const d = g.onPacket(s, false, c.now());
    assert.deepEqual(d.nack, []);
    assert.equal(d.keyFrameNeeded, false);
  }
  assert.equal(g.missingCount, 0);
  assert.equal(g.nextTimerAt(), undefined);
  assert.deepEqual(g.onTimer(c.advance(1000)).nack, []);
});

test('gap is NACKed at once, then every RTT, then given up with a key-frame request', () => {
  const c = clock();
  const g = new NackGenerator({ rttMs: 50, maxRetries: 3 });
  g.onPacket(10, false, c.now());
  const d = g.onPacket(13, false, c.now());
  assert.deepEqual(d.nack, [11, 12]);
  assert.equal(g.nextTimerAt(), c.now() + 50);
  assert.deepEqual(g.onTimer(c.advance(49)).nack, []);
  assert.deepEqual(g.onTimer(c.advance(1)).nack, [11, 12]); // retry 2
  assert.equal(g.onPacket(11, false, c.now()).recovered, true);
  assert.deepEqual(g.missingSeqs(), [12]);
  assert.deepEqual(g.onTimer(c.advance(50)).nack, [12]); // retry 3
  const last = g.onTimer(c.advance(50));
  assert.deepEqual(last.nack, []);
  assert.equal(last.keyFrameNeeded, true);
  assert.equal(g.missingCount, 0);
});

test('setRtt changes the retry spacing', () => {
  const c = clock();
  const g = new NackGenerator();
  g.setRtt(300);
  g.onPacket(1, false, c.now());
  g.onPacket(3, false, c.now());
  assert.deepEqual(g.onTimer(c.advance(299)).nack, []);
  assert.deepEqual(g.onTimer(c.advance(1)).nack, [2]);
  g.setRtt(-1); // ignored
  assert.equal(g.rttMs, 300);
});

test('gap across the 16-bit wrap', () => {
  const g = new NackGenerator();
  g.onPacket(65533, false, 0);
  assert.deepEqual(g.onPacket(2, false, 0).nack, [65534, 65535, 0, 1]);
  assert.equal(g.onPacket(0, false, 0).recovered, true);
  assert.deepEqual(g.missingSeqs(), [65534, 65535, 1]);
});

test('duplicates and reordered packets never produce NACKs', () => {
  const g = new NackGenerator();
  g.onPacket(5, false, 0);
  g.onPacket(6, false, 0);
  assert.deepEqual(g.onPacket(6, false, 0), { nack: [], keyFrameNeeded: false, recovered: false });
  assert.deepEqual(g.onPacket(4, false, 0).nack, []); // from before the first: not awaited
});

test('initialDelayMs holds a fresh gap for reordering', () => {
  const g = new NackGenerator({ initialDelayMs: 20, rttMs: 100 });
  g.onPacket(1, false, 0);
  assert.deepEqual(g.onPacket(4, false, 0).nack, []);
  g.onPacket(2, false, 5); // arrived reordered: never NACKed
  assert.deepEqual(g.onTimer(19).nack, []);
  assert.deepEqual(g.onTimer(20).nack, [3]);
  assert.deepEqual(g.onTimer(119).nack, []);
  assert.deepEqual(g.onTimer(120).nack, [3]);
});

test('overflow: entries before the last key frame are dropped silently', () => {
  const g = new NackGenerator({ maxMissing: 10 });
  g.onPacket(0, false, 0);
  g.onPacket(9, false, 0); // 8 missing: 1..8
  g.onPacket(10, true, 0); // key frame starts at 10
  g.onPacket(11, true, 0);
  const d = g.onPacket(16, false, 0); // 4 more: 12..15 → 12 > 10
  assert.deepEqual(d.nack, [12, 13, 14, 15]);
  assert.equal(d.keyFrameNeeded, false);
  assert.deepEqual(g.missingSeqs(), [12, 13, 14, 15]);
});

test('overflow with nothing superseded: clear and ask for a key frame', () => {
  const g = new NackGenerator({ maxMissing: 10 });
  g.onPacket(0, false, 0);
  g.onPacket(9, false, 0);
  const d = g.onPacket(14, false, 0);
  assert.equal(d.keyFrameNeeded, true);
  assert.deepEqual(d.nack, [10, 11, 12, 13]);
  assert.deepEqual(g.missingSeqs(), [10, 11, 12, 13]);
});

test('a gap bigger than the list: key frame, no NACK storm (unless it is one)', () => {
  const g = new NackGenerator({ maxMissing: 100 });
  g.onPacket(0, false, 0);
  const d = g.onPacket(500, false, 0);
  assert.deepEqual(d.nack, []);
  assert.equal(d.keyFrameNeeded, true);
  assert.equal(g.missingCount, 0);
  const k = g.onPacket(1000, true, 0);
  assert.equal(k.keyFrameNeeded, false);
});

test('given-up packets older than a received key frame need no key frame', () => {
  const g = new NackGenerator({ maxRetries: 1, rttMs: 10 });
  g.onPacket(0, false, 0);
  g.onPacket(2, false, 0); // 1 missing, NACKed once
  g.onPacket(3, true, 0); // key frame after it
  const d = g.onTimer(10);
  assert.equal(g.missingCount, 0);
  assert.equal(d.keyFrameNeeded, false);
});

test('packets too far behind are abandoned', () => {
  const g = new NackGenerator({ maxPacketAge: 100, maxMissing: 1000 });
  g.onPacket(0, false, 0);
  g.onPacket(2, false, 0); // 1 missing
  for (let s = 3; s <= 101; s++) assert.equal(g.onPacket(s, false, 0).keyFrameNeeded, false);
  assert.equal(g.onPacket(102, false, 0).keyFrameNeeded, true);
  assert.equal(g.missingCount, 0);
});

test('reset forgets the stream', () => {
  const g = new NackGenerator();
  g.onPacket(0, false, 0);
  g.onPacket(5, false, 0);
  g.reset();
  assert.equal(g.missingCount, 0);
  assert.deepEqual(g.onPacket(40000, false, 0).nack, []);
});

// Property: with a random loss pattern and local reordering, the generator
// NACKs exactly the sequence numbers that have not arrived (no false
// positives among delivered ones at the time of the NACK), and every lost
// packet is NACKed at least once.
test('property: NACKs are exactly the not-yet-received packets', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 65535 }),
      fc.array(fc.record({ lost: fc.boolean(), delay: fc.integer({ min: 0, max: 3 }) }), { minLength: 1, maxLength: 300, size: 'max' }),
      (start, pattern) => {
        const g = new NackGenerator({ maxMissing: 10_000 });
        // Build arrival order: each packet moves back by up to `delay` slots.
        const arrivals: number[] = [];
        pattern.forEach((p, i) => {
          if (i > 0 && p.lost) return;
          const pos = Math.max(1, arrivals.length - p.delay);
          arrivals.splice(i === 0 ? 0 : pos, 0, i);
        });
        const received = new Set<number>();
        const nacked = new Set<number>();
        let now = 0;
        for (const i of arrivals) {
          received.add(i);
          const d = g.onPacket((start + i) & 0xffff, false, now++);
          for (const s of d.nack) {
            const i2 = (s - start) & 0xffff;
            assert.ok(!received.has(i2), `NACKed ${i2} after it arrived`);
            nacked.add(i2);
          }
        }
        const last = Math.max(...arrivals);
        for (let i = 0; i < last; i++) {
          if (!received.has(i)) assert.ok(nacked.has(i), `never NACKed ${i}`);
        }
        // What is left awaited is exactly what never came.
        const awaited = new Set(g.missingSeqs().map((s) => (s - start) & 0xffff));
        for (let i = 0; i <= last; i++) assert.equal(awaited.has(i), !received.has(i));
      },
    ),
    { numRuns: 3000 },
  );
});
