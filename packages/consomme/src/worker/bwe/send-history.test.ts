import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTransportCc, parseTransportCc, type TransportCcPacketStatus } from '../../wire/rtcp/transport-cc.js';
import { TransportCcFeedback } from '../rtp/transport-cc-feedback.js';
import { SendHistory, type TransportCcView } from './send-history.js';

/** A feedback from (seq, arrival µs | undefined) pairs, consecutive from `base`. */
function feedback(base: number, referenceTime: number, arrivalsUs: readonly (number | undefined)[]): TransportCcView {
  let previous = referenceTime * 64_000;
  const packets: TransportCcPacketStatus[] = arrivalsUs.map((a, i) => {
    const seq = (base + i) & 0xffff;
    if (a === undefined) return { seq, received: false, deltaUs: 0 };
    const deltaUs = a - previous;
    previous = a;
    return { seq, received: true, deltaUs };
  });
  return buildTransportCc({ senderSsrc: 1, mediaSsrc: 2, baseSequenceNumber: base, referenceTime, feedbackPacketCount: 0, packets });
}

test('matches received and lost packets; arrival = reference × 64 ms + cumulative deltas', () => {
  const h = new SendHistory();
  h.onPacketSent(100, 1000, 10);
  h.onPacketSent(101, 500, 12, 7);
  h.onPacketSent(102, 1200, 15);
  // Reference 2 (128 ms); 101 lost; 102 arrives before 100 (a negative delta).
  const fb = feedback(100, 2, [130_000, undefined, 129_250]);
  const results = h.onFeedback(fb);
  assert.equal(results.length, 3);
  const [a, b, c] = results;
  assert.deepEqual(a, { seq: a!.seq, sizeBytes: 1000, sendTimeMs: 10, arrivalTimeMs: 130 });
  assert.deepEqual(b, { seq: a!.seq + 1, sizeBytes: 500, sendTimeMs: 12, arrivalTimeMs: undefined, probeClusterId: 7 });
  assert.deepEqual(c, { seq: a!.seq + 2, sizeBytes: 1200, sendTimeMs: 15, arrivalTimeMs: 129.25 });
});

test('sequence numbers wrap from 65535 to 0 and stay monotonic once extended', () => {
  const h = new SendHistory();
  for (let i = 0; i < 6; i++) h.onPacketSent((65533 + i) & 0xffff, 100 + i, i);
  const results = h.onFeedback(feedback(65533, 0, [1000, 2000, 3000, 4000, 5000, 6000]));
  assert.deepEqual(results.map((r) => r.sizeBytes), [100, 101, 102, 103, 104, 105]);
  for (let i = 1; i < results.length; i++) assert.equal(results[i]!.seq, results[i - 1]!.seq + 1);
  // A feedback that starts right after the wrap is found too.
  h.onPacketSent(3, 200, 10);
  const late = h.onFeedback(feedback(2, 0, [undefined, 9000]));
  assert.deepEqual(late.map((r) => [r.sizeBytes, r.arrivalTimeMs]), [[200, 9]]);
});

test('duplicate and overlapping feedback never counts a packet twice', () => {
  const h = new SendHistory();
  for (let i = 0; i < 4; i++) h.onPacketSent(10 + i, 100, i);
  const fb = feedback(10, 0, [1000, undefined, 3000]);
  assert.equal(h.onFeedback(fb).length, 3);
  assert.deepEqual(h.onFeedback(fb), [], 'the same feedback again says nothing new');
  // The receiver re-reports after reordering: 11 did arrive after all, 13 is new.
  const again = h.onFeedback(feedback(10, 0, [1000, 4000, 3000, 5000]));
  assert.deepEqual(again.map((r) => [r.seq & 0xffff, r.arrivalTimeMs]), [[11, 4], [13, 5]]);
  // A later "lost" for packets already received or already reported lost is ignored.
  assert.deepEqual(h.onFeedback(feedback(10, 0, [undefined, undefined, undefined, undefined])), []);
});

test('statuses for packets never sent, or not sent yet, are ignored', () => {
  const h = new SendHistory();
  assert.deepEqual(h.onFeedback(feedback(5, 0, [1000])), [], 'nothing sent yet');
  h.onPacketSent(20, 100, 0);
  h.onPacketSent(21, 100, 1);
  // 18, 19 were never sent; 22, 23 are ahead of the highest sent.
  const results = h.onFeedback(feedback(18, 0, [500, 750, 1000, 2000, 3000, 4000]));
  assert.deepEqual(results.map((r) => [r.seq & 0xffff, r.arrivalTimeMs]), [[20, 1], [21, 2]]);
});

test('memory is bounded: overwritten and too old packets are forgotten', () => {
  const h = new SendHistory();
  h.onPacketSent(0, 100, 0);
  for (let i = 1; i <= 1 << 14; i++) h.onPacketSent(i & 0xffff, 100, i * 0.01);
  assert.deepEqual(h.onFeedback(feedback(0, 0, [1000])), [], 'slot reused by a newer packet');

  const old = new SendHistory();
  old.onPacketSent(1, 100, 0);
  old.onPacketSent(2, 100, 10_001);
  const results = old.onFeedback(feedback(1, 0, [1000, 2000]));
  assert.deepEqual(results.map((r) => r.seq & 0xffff), [2], 'sent more than 10 s before the newest');
});

test('the 24-bit reference time is unwrapped across feedbacks', () => {
  const h = new SendHistory();
  h.onPacketSent(1, 100, 0);
  h.onPacketSent(2, 100, 64);
  const [first] = h.onFeedback(feedback(1, 0x7f_ffff, [0x7f_ffff * 64_000]));
  // The next reference wraps to the most negative value: 64 ms later, not 298 hours earlier.
  const [second] = h.onFeedback(feedback(2, -0x80_0000, [-0x80_0000 * 64_000]));
  assert.equal(second!.arrivalTimeMs! - first!.arrivalTimeMs!, 64);
});

test('reads the feedback of the SFU receiver side as sent on the wire', () => {
  const h = new SendHistory();
  const receiver = new TransportCcFeedback();
  for (let i = 0; i < 10; i++) {
    const seq = (65530 + i) & 0xffff;
    h.onPacketSent(seq, 1000, i * 5);
    if (i !== 4) receiver.onPacket(seq, 5000 + i * 7, 9);
  }
  const buffers = receiver.build(6000);
  const results = buffers.flatMap((b) => h.onFeedback(parseTransportCc(b)!));
  assert.equal(results.length, 10);
  assert.equal(results[4]!.arrivalTimeMs, undefined);
  const received = results.filter((r) => r.arrivalTimeMs !== undefined);
  // Arrival spacing survives (250 µs resolution): 7 ms apart, 14 across the lost one.
  const gaps = received.slice(1).map((r, i) => r.arrivalTimeMs! - received[i]!.arrivalTimeMs!);
  assert.deepEqual(gaps, [7, 7, 7, 14, 7, 7, 7, 7]);
});
