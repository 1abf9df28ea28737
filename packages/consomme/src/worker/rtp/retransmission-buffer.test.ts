import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RetransmissionBuffer } from './retransmission-buffer.js';

const pkt = (n: number) => Buffer.from([n & 0xff, (n >> 8) & 0xff]);

test('stores and returns packets by sequence number', () => {
  const b = new RetransmissionBuffer();
  for (let s = 100; s < 110; s++) b.store(s, s * 3000, 1000 + s, pkt(s));
  assert.equal(b.size, 10);
  const item = b.get(105, 1200);
  assert.ok(item);
  assert.equal(item.seq, 105);
  assert.equal(item.timestamp, 315000);
  assert.equal(item.sentAtMs, 1105);
  assert.deepEqual(item.packet, pkt(105));
  assert.equal(b.get(99, 1200), undefined);
  assert.equal(b.get(110, 1200), undefined);
});

test('count limit evicts the oldest', () => {
  const b = new RetransmissionBuffer({ maxPackets: 5 });
  for (let s = 0; s < 20; s++) b.store(s, 0, 0, pkt(s));
  assert.equal(b.size, 5);
  assert.equal(b.get(14, 0), undefined);
  for (let s = 15; s < 20; s++) assert.ok(b.get(s, 0));
});

test('age limit: old packets are neither returned nor kept', () => {
  const b = new RetransmissionBuffer({ maxAgeMs: 1000 });
  b.store(1, 0, 0, pkt(1));
  b.store(2, 0, 500, pkt(2));
  assert.ok(b.get(1, 1000));
  assert.equal(b.get(1, 1001), undefined);
  b.store(3, 0, 1400, pkt(3)); // evicts 1 (1400 ms old)
  assert.equal(b.size, 2);
  b.store(4, 0, 5000, pkt(4)); // evicts 2 and 3
  assert.equal(b.size, 1);
});

test('wraparound of the sequence number', () => {
  const b = new RetransmissionBuffer({ maxPackets: 8 });
  for (let i = 0; i < 8; i++) b.store((65532 + i) & 0xffff, i, 0, pkt(i));
  for (let i = 0; i < 8; i++) assert.deepEqual(b.get((65532 + i) & 0xffff, 0)?.packet, pkt(i));
  b.store(4, 8, 0, pkt(8));
  assert.equal(b.get(65532, 0), undefined);
  assert.deepEqual(b.get(4, 0)?.packet, pkt(8));
});

test('a jump beyond the ring drops everything older', () => {
  const b = new RetransmissionBuffer({ maxPackets: 4 });
  b.store(1, 0, 0, pkt(1));
  b.store(2000, 0, 0, pkt(2000));
  assert.equal(b.size, 1);
  assert.equal(b.get(1, 0), undefined);
  assert.ok(b.get(2000, 0));
});

test('sequence numbers skipped on send are not found, and never alias', () => {
  const b = new RetransmissionBuffer({ maxPackets: 4 });
  b.store(0, 0, 0, pkt(0));
  b.store(2, 0, 0, pkt(2));
  b.store(5, 0, 0, pkt(5));
  assert.equal(b.get(1, 0), undefined);
  assert.equal(b.get(4, 0), undefined);
  assert.equal(b.get(0, 0), undefined); // outside the 4-packet window now
  assert.ok(b.get(2, 0));
});

test('resend throttle: once per max(rtt/2, floor)', () => {
  const b = new RetransmissionBuffer({ rttMs: 100, minResendIntervalMs: 10 });
  b.store(7, 0, 0, pkt(7));
  assert.ok(b.takeForResend(7, 10));
  assert.equal(b.takeForResend(7, 59), undefined); // within 50 ms
  const again = b.takeForResend(7, 60);
  assert.ok(again);
  assert.equal(again.resendCount, 2);
  assert.equal(again.lastResentAtMs, 60);
  b.setRtt(4);
  assert.equal(b.takeForResend(7, 69), undefined); // floor of 10 ms
  assert.ok(b.takeForResend(7, 70));
});

test('re-storing a sequence number resets its resend state', () => {
  const b = new RetransmissionBuffer();
  b.store(7, 0, 0, pkt(7));
  b.takeForResend(7, 0);
  b.store(7, 1, 1, pkt(70));
  assert.equal(b.get(7, 1)?.resendCount, 0);
  assert.equal(b.size, 1);
});

test('late store inside the window is kept', () => {
  const b = new RetransmissionBuffer({ maxPackets: 10 });
  b.store(10, 0, 0, pkt(10));
  b.store(8, 0, 0, pkt(8));
  assert.ok(b.get(8, 0));
  b.store(0, 0, 0, pkt(0)); // 10 behind: outside
  assert.equal(b.get(0, 0), undefined);
  b.clear();
  assert.equal(b.size, 0);
  assert.equal(b.get(10, 0), undefined);
});

// Model check against a Map over random send patterns with gaps and wrap.
test('property: agrees with a naive model', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 65535 }),
      fc.integer({ min: 1, max: 40 }),
      fc.array(fc.record({ skip: fc.integer({ min: 0, max: 5 }), dt: fc.integer({ min: 0, max: 30 }), probe: fc.integer({ min: 0, max: 60 }) }), { maxLength: 300, size: 'max' }),
      (start, maxPackets, steps) => {
        const maxAgeMs = 500;
        const b = new RetransmissionBuffer({ maxPackets, maxAgeMs });
        const model = new Map<number, { ext: number; at: number }>();
        let ext = start;
        let now = 0;
        for (const st of steps) {
          ext += 1 + st.skip;
          now += st.dt;
          b.store(ext & 0xffff, 0, now, pkt(ext));
          model.set(ext, { ext, at: now });
          const probeExt = ext - st.probe;
          const hit = b.get(probeExt & 0xffff, now);
          const m = model.get(probeExt);
          const expected = m !== undefined && ext - probeExt < maxPackets && now - m.at <= maxAgeMs;
          assert.equal(hit !== undefined, expected, `probe ${probeExt} newest ${ext}`);
          if (hit) assert.deepEqual(hit.packet, pkt(probeExt));
          assert.ok(b.size <= maxPackets);
        }
      },
    ),
    { numRuns: 3000 },
  );
});

// Late inserts and growing packet sizes move packets between layouts: contents must survive.
test('property: late inserts and growth keep every packet intact', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 65535 }),
      fc.integer({ min: 1, max: 300 }),
      fc.array(fc.record({ back: fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 200 })), size: fc.integer({ min: 1, max: 1500 }), dt: fc.integer({ min: 0, max: 20 }) }), { maxLength: 400, size: 'max' }),
      (start, maxPackets, steps) => {
        const maxAgeMs = 400;
        const b = new RetransmissionBuffer({ maxPackets, maxAgeMs });
        const model = new Map<number, { at: number; size: number }>();
        let newest = start;
        let now = 0;
        const body = (ext: number, size: number) => Buffer.alloc(size, ext & 0xff);
        for (const st of steps) {
          now += st.dt;
          const ext = st.back === 0 ? ++newest : newest - st.back;
          if (ext < start) continue;
          b.store(ext & 0xffff, ext, now, body(ext, st.size));
          if (newest - ext < maxPackets) model.set(ext, { at: now, size: st.size });
          let held = 0;
          for (const [e, m] of model) {
            const hit = b.get(e & 0xffff, now);
            const expected = newest - e < maxPackets && now - m.at <= maxAgeMs;
            assert.equal(hit !== undefined, expected, `packet ${e}, newest ${newest}`);
            if (hit) {
              held++;
              assert.equal(hit.timestamp, e >>> 0);
              assert.deepEqual(hit.packet, body(e, m.size));
            }
          }
          assert.ok(b.size >= held && b.size <= maxPackets, `size ${b.size}, live ${held}`);
        }
      },
    ),
    { numRuns: 200 },
  );
});

test('memory follows the stream: about 2 s of packets at their own size, not the count limit', () => {
  const video = new RetransmissionBuffer({ maxAgeMs: 2000 });
  const audio = new RetransmissionBuffer({ maxAgeMs: 1000 });
  const scratch = Buffer.alloc(1200, 1);
  // 60 s of 100 packets/s of video (1,200 bytes) and 50 packets/s of audio (100 bytes).
  for (let ms = 0; ms < 60_000; ms += 10) {
    const n = ms / 10;
    video.storeCopy(n & 0xffff, n * 900, ms, scratch, 1200);
    if (n % 2 === 0) audio.storeCopy((n / 2) & 0xffff, n * 480, ms, scratch, 100);
  }
  assert.equal(video.size, 201);
  assert.equal(audio.size, 51);
  // 256 positions of 1,216 bytes, and 64 of 128.
  assert.ok(video.memoryBytes <= 256 * (1216 + 37), `video: ${video.memoryBytes} bytes`);
  assert.ok(audio.memoryBytes <= 64 * (128 + 37), `audio: ${audio.memoryBytes} bytes`);
  video.clear();
  assert.equal(video.memoryBytes, 0);
});

test('storeCopy keeps a private copy in recycled memory', () => {
  const buffer = new RetransmissionBuffer({ maxPackets: 4, maxAgeMs: 1000 });
  const scratch = Buffer.alloc(1600);
  for (let seq = 0; seq < 20; seq++) {
    scratch.fill(seq, 0, 100);
    buffer.storeCopy(seq, seq * 10, seq, scratch, 100);
    // The caller reuses its scratch memory at once.
    scratch.fill(0xee, 0, 100);
    const item = buffer.get(seq, seq);
    assert.ok(item);
    assert.equal(item.packet.length, 100);
    assert.ok(item.packet.every((b) => b === seq), 'the stored copy is intact');
  }
  // Older packets were evicted; the four newest are intact despite recycling.
  assert.equal(buffer.get(15, 19), undefined);
  for (let seq = 16; seq < 20; seq++) assert.ok(buffer.get(seq, 19)!.packet.every((b) => b === seq));
  // A packet larger than the pooled size still works.
  const big = Buffer.alloc(3000, 7);
  buffer.storeCopy(20, 0, 20, big, 3000);
  assert.equal(buffer.get(20, 20)!.packet.length, 3000);
});
