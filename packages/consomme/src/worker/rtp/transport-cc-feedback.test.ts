import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { encodeTransportCc, parseTransportCc, type TransportCc } from '../../wire/rtcp/transport-cc.js';
import { parseRtcpCompound } from '../../wire/rtcp/compound.js';
import { TransportCcFeedback } from './transport-cc-feedback.js';

function parse(buffers: readonly Buffer[]): TransportCc[] {
  return buffers.map((b) => {
    const fb = parseTransportCc(b);
    assert.ok(fb, `parses: ${b.toString('hex')}`);
    return fb;
  });
}

/** Arrival time of each received status in µs, rebuilt from the reference time and the deltas. */
function arrivals(fb: TransportCc): Map<number, number> {
  const out = new Map<number, number>();
  let t = fb.referenceTime * 64_000;
  for (const p of fb.packets) {
    if (!p.received) continue;
    t += p.deltaUs;
    out.set(p.seq, t);
  }
  return out;
}

test('in-order packets: one feedback per period, reference time and deltas from the arrival times', () => {
  const g = new TransportCcFeedback({ senderSsrc: 9, intervalMs: 100 });
  assert.deepEqual(g.onTimer(0), [], 'nothing received: nothing to say');
  for (let i = 0; i < 8; i++) assert.equal(g.onPacket(1000 + i, 1000 + i * 10.3, 0xabc), false);
  assert.deepEqual(g.onTimer(50), [], 'the period has not passed');
  const [fb] = parse(g.onTimer(100));
  assert.ok(fb);
  assert.equal(fb.senderSsrc, 9);
  assert.equal(fb.mediaSsrc, 0xabc);
  assert.equal(fb.baseSequenceNumber, 1000);
  assert.equal(fb.packetStatusCount, 8);
  assert.equal(fb.referenceTime, 15, '1000 ms / 64 ms, floored');
  assert.equal(fb.feedbackPacketCount, 0);
  // 1000 ms is 40 ms past the reference (960 ms); then 10.3 ms apart, kept without drift in 250 µs steps.
  const times = [...arrivals(fb).values()];
  assert.deepEqual(times, [...Array(8)].map((_, i) => Math.floor((1000 + i * 10.3) * 4) * 250));
  assert.equal(fb.packets[0]!.deltaUs, 40_000);
  assert.deepEqual(g.onTimer(300), [], 'nothing new since');
  g.onPacket(1008, 310, 0xabc);
  const [next] = parse(g.onTimer(400));
  assert.equal(next!.baseSequenceNumber, 1008);
  assert.equal(next!.feedbackPacketCount, 1);
  assert.equal(g.packetsBuilt, 2);
});

test('losses are reported as not received, leading ones included', () => {
  const g = new TransportCcFeedback();
  g.onPacket(10, 0, 1);
  g.build(0);
  // 11 and 12 never arrive; 13, 15 do.
  g.onPacket(13, 5, 1);
  g.onPacket(15, 6, 1);
  const [fb] = parse(g.build(10));
  assert.equal(fb!.baseSequenceNumber, 11);
  assert.deepEqual(fb!.packets.map((p) => p.received), [false, false, true, false, true]);
});

test('reordering gives a negative delta; a late packet moves the next window back', () => {
  const g = new TransportCcFeedback();
  g.onPacket(1, 100, 1);
  g.onPacket(3, 101, 1);
  g.onPacket(2, 102, 1); // after 3
  const [fb] = parse(g.build(110));
  assert.deepEqual(fb!.packets.map((p) => [p.seq, p.deltaUs]), [[1, 100_000 - 64_000], [2, 2000], [3, -1000]]);
  g.onPacket(5, 120, 1);
  g.onPacket(4, 121, 1); // 4 was not in any feedback yet: nothing special
  g.build(130);
  g.onPacket(7, 140, 1);
  const [first] = parse(g.build(150));
  assert.equal(first!.baseSequenceNumber, 6, '6 missing so far');
  g.onPacket(6, 160, 1); // reported as lost already: it is reported again, now received
  const [again] = parse(g.build(170));
  assert.equal(again!.baseSequenceNumber, 6);
  assert.deepEqual(again!.packets.map((p) => p.received), [true, true]);
  assert.deepEqual([...arrivals(again!).entries()], [[6, 160_000], [7, 140_000]]);
});

test('sequence numbers wrap at 65535 inside one feedback', () => {
  const g = new TransportCcFeedback();
  for (const [i, seq] of [65534, 65535, 0, 1].entries()) g.onPacket(seq, i, 1);
  const [fb] = parse(g.build(10));
  assert.equal(fb!.baseSequenceNumber, 65534);
  assert.deepEqual(fb!.packets.map((p) => p.seq), [65534, 65535, 0, 1]);
});

test('a gap of more than 8.19 s starts a new feedback packet with its own reference time', () => {
  const g = new TransportCcFeedback();
  g.onPacket(1, 0, 1);
  g.onPacket(2, 9000, 1); // no build in between: a stalled timer, or a huge reordering
  const fbs = parse(g.build(9001));
  assert.equal(fbs.length, 2);
  assert.deepEqual(fbs.map((f) => [f.baseSequenceNumber, f.packetStatusCount, f.feedbackPacketCount]), [[1, 1, 0], [2, 1, 1]]);
  assert.equal(fbs[1]!.referenceTime, Math.floor(9000 / 64));
});

test('a large batch asks for feedback at once; the size cap splits a window', () => {
  const g = new TransportCcFeedback({ flushAtPackets: 10, maxPacketBytes: 64 });
  for (let i = 0; i < 9; i++) assert.equal(g.onPacket(i, i, 1), false);
  assert.equal(g.onPacket(9, 9, 1), true);
  for (let i = 10; i < 100; i++) g.onPacket(i, i * 40, 1); // 40 ms apart: small deltas
  const out = g.build(5000);
  assert.ok(out.length > 1, `split into ${out.length}`);
  for (const b of out) assert.ok(b.length <= 64, `${b.length} bytes`);
  const fbs = parse(out);
  assert.equal(fbs.reduce((n, f) => n + f.packetStatusCount, 0), 100);
  assert.ok(fbs.every((f, i) => f.baseSequenceNumber === (i === 0 ? 0 : fbs[i - 1]!.baseSequenceNumber + fbs[i - 1]!.packetStatusCount)));
});

test('duplicates keep their first arrival; a sender jumping far ahead is bounded', () => {
  const g = new TransportCcFeedback();
  g.onPacket(5, 10, 1);
  g.onPacket(5, 20, 1);
  const [fb] = parse(g.build(30));
  assert.deepEqual([...arrivals(fb!).entries()], [[5, 10_000]]);
  g.onPacket(30_000, 40, 1); // 29995 ahead
  const fbs = parse(g.build(50));
  const statuses = fbs.reduce((n, f) => n + f.packetStatusCount, 0);
  assert.ok(statuses <= 4096, `${statuses} statuses`);
  assert.equal(fbs.at(-1)!.packets.at(-1)!.seq, 30_000);
  assert.ok(fbs.every((f) => f.raw.length <= 1200));
});

// ---- property: random arrival traces ----

interface Trace {
  base: number;
  /** Per packet: lost, duplicated, how far it may be reordered, and the time to the next arrival. */
  packets: { lost: boolean; dup: boolean; shift: number; gapUs: number }[];
  timerEvery: number;
  maxPacketBytes: number;
}

const traceArb: fc.Arbitrary<Trace> = fc.record({
  // Near the wrap half of the time.
  base: fc.oneof(fc.integer({ min: 65_000, max: 65_535 }), fc.integer({ min: 0, max: 65_535 })),
  packets: fc.array(
    fc.record({
      lost: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
      dup: fc.integer({ min: 0, max: 30 }).map((n) => n === 0),
      shift: fc.oneof({ arbitrary: fc.constant(0), weight: 5 }, { arbitrary: fc.integer({ min: 0, max: 40 }), weight: 1 }),
      gapUs: fc.oneof(
        { arbitrary: fc.integer({ min: 0, max: 30_000 }), weight: 20 },
        { arbitrary: fc.integer({ min: 30_000, max: 300_000 }), weight: 2 },
        // Big gaps: beyond what one delta can carry.
        { arbitrary: fc.integer({ min: 8_000_000, max: 20_000_000 }), weight: 1 },
      ),
    }),
    { minLength: 1, maxLength: 400 },
  ),
  timerEvery: fc.integer({ min: 1, max: 60 }),
  maxPacketBytes: fc.constantFrom(64, 200, 1200),
});

test('property: every arrival is reported with its time, nothing else is received, and the bytes re-encode identically', () => {
  fc.assert(
    fc.property(traceArb, (trace) => {
      const g = new TransportCcFeedback({ flushAtPackets: 50, maxPacketBytes: trace.maxPacketBytes });
      // Delivery order: each packet may slip behind a few later ones.
      const order = trace.packets
        .map((p, i) => ({ i, key: i + p.shift, p }))
        .filter((x) => !x.p.lost)
        .sort((a, b) => a.key - b.key || a.i - b.i);
      const arrivedAt = new Map<number, number>(); // seq16 -> arrival µs (first)
      const reported = new Map<number, number>();
      const out: Buffer[] = [];
      let now = 1_000_000; // µs
      let expectCount = 0;
      const take = (buffers: readonly Buffer[]): void => {
        for (const b of buffers) {
          assert.ok(b.length <= trace.maxPacketBytes, `${b.length} > ${trace.maxPacketBytes}`);
          assert.equal(parseRtcpCompound(b)?.[0]?.type, 'transport-cc');
          const fb = parseTransportCc(b)!;
          assert.ok(encodeTransportCc(fb).equals(b), 're-encodes to the same bytes');
          assert.equal(fb.feedbackPacketCount, expectCount++ & 0xff);
          for (const [seq, t] of arrivals(fb)) {
            const real = arrivedAt.get(seq);
            assert.ok(real !== undefined, `seq ${seq} reported received but not delivered yet`);
            assert.equal(t, Math.floor(real / 250) * 250, `seq ${seq} arrival`);
            reported.set(seq, t);
          }
          out.push(b);
        }
      };
      order.forEach(({ i, p }, n) => {
        now += p.gapUs;
        const seq = (trace.base + i) & 0xffff;
        const copies = p.dup ? 2 : 1;
        for (let c = 0; c < copies; c++) {
          if (!arrivedAt.has(seq)) arrivedAt.set(seq, now);
          if (g.onPacket(seq, now / 1000, 7)) take(g.build(now / 1000));
        }
        if (n % trace.timerEvery === 0) take(g.onTimer(now / 1000));
      });
      take(g.build(now / 1000 + 1000));
      for (const seq of arrivedAt.keys()) assert.ok(reported.has(seq), `seq ${seq} was never reported received`);
    }),
    { numRuns: 800 },
  );
});
