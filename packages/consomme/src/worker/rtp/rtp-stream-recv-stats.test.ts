import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RtpStreamRecvStats } from './rtp-stream-recv-stats.js';

const make = () => new RtpStreamRecvStats({ ssrc: 0xdeadbeef, clockRate: 90000 });

test('in-order stream: nothing lost', () => {
  const s = make();
  assert.equal(s.buildReportBlock(0), undefined);
  for (let i = 0; i < 100; i++) assert.equal(s.onPacket(1000 + i, i * 2970, 1200, i * 33), 'new'); // 33 ms at 90 kHz
  assert.equal(s.packetsReceived, 100);
  assert.equal(s.bytesReceived, 120000);
  assert.equal(s.bitrate(99 * 33), 30 * 1200 * 8); // packets 70..99 fall in the 2300..3299 ms buckets
  assert.equal(new RtpStreamRecvStats({ clockRate: 48000 }).ssrc, 0);
  assert.deepEqual(s.buildReportBlock(4000), { ssrc: 0xdeadbeef, fractionLost: 0, totalLost: 0, highestSeq: 1099, jitter: 0, lsr: 0, dlsr: 0 });
});

test('loss: fraction per interval, cumulative total', () => {
  const s = make();
  for (let i = 0; i < 100; i++) if (i % 10 !== 5) s.onPacket(i, 0, 100, 0);
  let rb = s.buildReportBlock(0);
  assert.equal(rb?.fractionLost, Math.floor((10 * 256) / 100)); // A.3: (lost << 8) / expected
  assert.equal(rb?.totalLost, 10);
  for (let i = 100; i < 200; i++) s.onPacket(i, 0, 100, 0);
  assert.equal(s.fractionLost, 25);
  rb = s.buildReportBlock(0);
  assert.equal(rb?.fractionLost, 0);
  assert.equal(s.fractionLost, 0);
  assert.equal(rb?.totalLost, 10);
  assert.equal(s.cumulativeLost, 10);
});

test('extended highest seq counts cycles', () => {
  const s = make();
  for (let i = 0; i < 20; i++) s.onPacket((65530 + i) & 0xffff, 0, 1, 0);
  assert.equal(s.buildReportBlock(0)?.highestSeq, 0x1_000d); // cycle 1, seq 13
});

test('duplicates and retransmissions', () => {
  const s = make();
  s.onPacket(1, 0, 10, 0);
  s.onPacket(3, 0, 10, 0);
  assert.equal(s.onPacket(3, 0, 10, 0), 'duplicate');
  assert.equal(s.onPacket(2, 0, 10, 5, true), 'reordered'); // repaired by RTX
  assert.equal(s.onPacket(2, 0, 10, 6, true), 'duplicate');
  assert.equal(s.packetsReceived, 5);
  assert.equal(s.packetsDuplicated, 2);
  assert.equal(s.packetsRetransmitted, 2);
  assert.equal(s.packetsRepaired, 1);
  assert.equal(s.cumulativeLost, 0);
});

test('a late packet from before the first one widens the range', () => {
  const s = make();
  s.onPacket(10, 0, 1, 0);
  s.onPacket(11, 0, 1, 0);
  assert.equal(s.onPacket(8, 0, 1, 0), 'reordered');
  assert.equal(s.expected, 4);
  assert.equal(s.cumulativeLost, 1); // 9
});

test('too old to place', () => {
  const s = new RtpStreamRecvStats({ ssrc: 1, clockRate: 90000, maxMisorder: 16 });
  for (let i = 0; i < 40; i++) if (i !== 3) s.onPacket(i, 0, 1, 0);
  assert.equal(s.onPacket(3, 0, 1, 0), 'too-old');
  assert.equal(s.cumulativeLost, 1);
  assert.equal(s.onPacket(40, 0, 1, 0), 'new');
  assert.equal(s.expected, 41);
});

test('sender restart (A.1): a big jump is held until confirmed', () => {
  const s = make();
  for (let i = 0; i < 10; i++) s.onPacket(i, 0, 1, 0);
  assert.equal(s.onPacket(20000, 0, 1, 0), 'bad-seq');
  assert.equal(s.onPacket(20001, 0, 1, 0), 'new');
  assert.equal(s.onPacket(20002, 0, 1, 0), 'new');
  assert.equal(s.cumulativeLost, 0);
  assert.equal(s.expected, 13);
  // An isolated stray jump is not a restart.
  assert.equal(s.onPacket(50000, 0, 1, 0), 'bad-seq');
  assert.equal(s.onPacket(20003, 0, 1, 0), 'new');
});

test('jitter follows RFC 3550 A.8', () => {
  const s = make();
  const arrivals = [0, 20, 45, 60, 81, 100, 130, 140];
  // Reference: the A.8 recurrence in timestamp units.
  let j = 0;
  let prevTransit: number | undefined;
  arrivals.forEach((arrivalMs, i) => {
    const ts = 1000 + i * 1800; // 20 ms at 90 kHz
    s.onPacket(i, ts, 1, arrivalMs);
    const transit = arrivalMs * 90 - ts;
    if (prevTransit !== undefined) j += (Math.abs(transit - prevTransit) - j) / 16;
    prevTransit = transit;
  });
  assert.ok(Math.abs(s.jitter - j) < 1e-9);
  assert.equal(s.buildReportBlock(0)?.jitter, Math.floor(j));
  assert.ok(Math.abs(s.jitterMs - j / 90) < 1e-9);
});

test('jitter ignores retransmissions and same-frame packets, and the 32-bit wrap', () => {
  const s = make();
  s.onPacket(0, 0xffffff00, 1, 0);
  s.onPacket(1, 0xffffff00, 1, 7); // same frame, paced
  s.onPacket(2, (0xffffff00 + 1800) >>> 0, 1, 20);
  s.onPacket(1, 0, 1, 500, true);
  assert.equal(s.jitter, 0);
});

test('LSR/DLSR from the last SR', () => {
  const s = make();
  s.onPacket(0, 0, 1, 0);
  s.onSenderReport(0x12345678, 0x9abcdef0, 777, 1000);
  assert.deepEqual(s.lastSenderReport, { ntpSeconds: 0x12345678, ntpFraction: 0x9abcdef0, rtpTimestamp: 777, arrivalMs: 1000 });
  const rb = s.buildReportBlock(1500);
  assert.equal(rb?.lsr, 0x56789abc);
  assert.equal(rb?.dlsr, 0x8000); // 0.5 s in 1/65536 s
});

test('score: perfect stream → 10; heavy loss drags it down; silence → 0', () => {
  const s = make();
  assert.equal(s.score, 0);
  let seq = 0;
  const interval = (lossEvery: number) => {
    for (let i = 0; i < 100; i++, seq++) if (lossEvery === 0 || i % lossEvery !== 0) s.onPacket(seq & 0xffff, seq * 3000, 1, seq * 10);
    return s.updateScore();
  };
  assert.equal(interval(0), 10);
  for (let k = 0; k < 8; k++) interval(5); // 20 % loss
  assert.equal(s.score, 4);
  for (let k = 0; k < 8; k++) interval(0);
  assert.equal(s.score, 10);
  assert.equal(s.updateScore(), 8); // one silent interval: (8·0 + (7+…+1)·10) / 36
  for (let k = 0; k < 8; k++) s.updateScore();
  assert.equal(s.score, 0);
});

test('score credits repaired packets half', () => {
  const s = make();
  for (let i = 0; i < 100; i++) if (i % 10 !== 1) s.onPacket(i, i * 3000, 1, i * 10);
  for (let i = 1; i < 100; i += 10) s.onPacket(i, i * 3000, 1, 2000, true);
  // 10 % repaired → 5 % effective loss → 8.
  assert.equal(s.updateScore(), 8);
});

test('property: counters stay consistent under loss, reordering and duplication', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 65535 }),
      fc.array(fc.record({ lost: fc.boolean(), dup: fc.boolean(), delay: fc.integer({ min: 0, max: 5 }) }), { minLength: 1, maxLength: 300, size: 'max' }),
      (start, steps) => {
        const s = make();
        const order: number[] = [];
        steps.forEach((st, i) => {
          if (i > 0 && st.lost) return;
          order.splice(i === 0 ? 0 : Math.max(1, order.length - st.delay), 0, i);
          if (st.dup) order.push(i);
        });
        for (const i of order) s.onPacket((start + i) & 0xffff, i * 3000, 1, i * 33);
        const unique = new Set(order);
        const highest = Math.max(...order);
        assert.equal(s.packetsReceived, order.length);
        assert.equal(s.packetsDuplicated, order.length - unique.size);
        assert.equal(s.expected, highest + 1);
        assert.equal(s.cumulativeLost, highest + 1 - unique.size);
        const rb = s.buildReportBlock(0);
        assert.equal(rb?.highestSeq, start + highest);
        assert.ok(rb !== undefined && rb.fractionLost >= 0 && rb.fractionLost <= 255);
      },
    ),
    { numRuns: 3000 },
  );
});
