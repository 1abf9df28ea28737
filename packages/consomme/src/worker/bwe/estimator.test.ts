import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SendSideBwe, type TransportCcView } from './estimator.js';
import { simulate } from './test-link.js';

test('defaults: 600 kbps start, 30 kbps floor, no ceiling; trace info like mediasoup', () => {
  const bwe = new SendSideBwe({ now: 0 });
  assert.equal(bwe.estimate, 600_000);
  bwe.setDesiredBitrate(1_000_000);
  const info = bwe.traceInfo();
  assert.deepEqual(
    { ...info },
    {
      type: 'transport-cc',
      desiredBitrate: 1_000_000,
      effectiveDesiredBitrate: 1_000_000,
      minBitrate: 30_000,
      maxBitrate: 0,
      startBitrate: 600_000,
      maxPaddingBitrate: 1_500_000,
      availableBitrate: 600_000,
      ackedBitrate: undefined,
      delaySignal: 'normal',
      lossFraction: 0,
      rttMs: 100,
    },
  );
  assert.equal(bwe.state.estimate, 600_000);
  assert.equal(bwe.state.rateControl, 'hold');
});

test('initial probes come first from nextProbe', () => {
  const bwe = new SendSideBwe({ initialBitrate: 400_000, now: 1000 });
  const first = bwe.nextProbe(1000);
  const second = bwe.nextProbe(1110);
  assert.deepEqual([first?.targetBps, second?.targetBps], [1_200_000, 2_400_000]);
  assert.deepEqual(first, { id: 1, targetBps: 1_200_000, durationMs: 100, minPackets: 5, minBytes: 15_000 });
  assert.equal(bwe.nextProbe(1220), undefined);
});

test('min/max clamps: the estimate stays inside; setMaxBitrate lowers at once; 0 removes it', () => {
  const bwe = new SendSideBwe({ initialBitrate: 5_000_000, minBitrate: 100_000, maxBitrate: 2_000_000, now: 0 });
  assert.equal(bwe.estimate, 2_000_000, 'start clamped');
  bwe.setMaxBitrate(800_000);
  assert.equal(bwe.estimate, 800_000);
  assert.equal(bwe.traceInfo().maxBitrate, 800_000);
  bwe.setMaxBitrate(0);
  assert.equal(bwe.estimate, 800_000, 'no jump back up without evidence');
  bwe.setMinBitrate(900_000);
  assert.equal(bwe.estimate, 900_000, 'raising the floor raises the estimate');
  assert.throws(() => bwe.setMaxBitrate(500_000), TypeError, 'max below min');
  assert.throws(() => bwe.setMinBitrate(-1), TypeError);
  assert.throws(() => bwe.setDesiredBitrate(Number.NaN), TypeError);
  assert.throws(() => new SendSideBwe({ minBitrate: 10, maxBitrate: 5, now: 0 }), TypeError);
  assert.throws(() => new SendSideBwe({ initialBitrate: 0, now: 0 }), TypeError);
});

test('closed loop: a max bitrate caps the estimate on an ample link, a min bitrate holds it up on a tiny one', () => {
  const capped = simulate({ link: { capacityBps: 20e6, propagationMs: 20, queueBytes: 200_000 }, bwe: { maxBitrate: 1_500_000 }, durationMs: 8000 });
  assert.ok(capped.samples.every((s) => s.estimate <= 1_500_000));
  assert.equal(capped.samples.at(-1)!.estimate, 1_500_000, 'reaches the ceiling');
  assert.ok(capped.probes.every((p) => p.cluster.targetBps <= 1_500_000), 'probes respect it too');
  let lowered: number | undefined;
  simulate({
    link: { capacityBps: 20e6, propagationMs: 20, queueBytes: 200_000 },
    durationMs: 4000,
    onTick: (t, _link, bwe) => {
      if (t === 3000) {
        bwe.setMaxBitrate(400_000);
        lowered = bwe.estimate;
      }
    },
  });
  assert.equal(lowered, 400_000, 'setMaxBitrate lowers the estimate at once');
  const floor = simulate({ link: { capacityBps: 100_000, propagationMs: 20, queueBytes: 20_000 }, bwe: { minBitrate: 200_000 }, durationMs: 8000 });
  assert.ok(floor.samples.every((s) => s.estimate >= 200_000));
  assert.equal(floor.samples.at(-1)!.estimate, 200_000, 'held at the floor');
});

test('robustness: arbitrary feedback never throws and keeps the estimate finite within [min, max]', () => {
  const status = fc.record({ received: fc.boolean(), deltaUs: fc.integer({ min: -0x8000, max: 0x7fff }).map((u) => u * 250) });
  const feedbackArb = fc.record({
    // Mostly near the sequence numbers the bursts use, so that feedback matches sent packets.
    baseSequenceNumber: fc.oneof(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 0xffff })),
    referenceTime: fc.integer({ min: -0x80_0000, max: 0x7f_ffff }),
    statuses: fc.array(status, { minLength: 1, maxLength: 60 }),
  });
  const step = fc.oneof(
    fc.record({ kind: fc.constant('send' as const), seq: fc.integer({ min: 0, max: 0xffff }), size: fc.integer({ min: 1, max: 1500 }), dt: fc.nat(50), probe: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }) }),
    fc.record({ kind: fc.constant('burst' as const), count: fc.integer({ min: 1, max: 80 }), dt: fc.nat(5) }),
    fc.record({ kind: fc.constant('feedback' as const), fb: feedbackArb, dt: fc.nat(200), repeat: fc.boolean() }),
    fc.record({ kind: fc.constant('probe' as const), dt: fc.nat(100) }),
    fc.record({ kind: fc.constant('rtt' as const), ms: fc.integer({ min: 0, max: 20_000 }), dt: fc.nat(10) }),
    fc.record({ kind: fc.constant('desired' as const), bps: fc.integer({ min: 0, max: 50_000_000 }), dt: fc.nat(10) }),
  );
  fc.assert(
    fc.property(fc.integer({ min: 30_000, max: 500_000 }), fc.integer({ min: 0, max: 20_000_000 }), fc.array(step, { maxLength: 120 }), (min, maxRaw, steps) => {
      const max = maxRaw === 0 ? 0 : Math.max(min, maxRaw);
      const bwe = new SendSideBwe({ minBitrate: min, maxBitrate: max, now: 0 });
      let now = 0;
      let seq = 0;
      const check = (): void => {
        const e = bwe.estimate;
        assert.ok(Number.isFinite(e) && e >= min && (max === 0 || e <= max), `estimate ${e} outside [${min}, ${max}]`);
      };
      for (const s of steps) {
        now += s.dt;
        if (s.kind === 'send') bwe.onPacketSent(s.seq, s.size, now, s.probe);
        else if (s.kind === 'burst') for (let i = 0; i < s.count; i++) bwe.onPacketSent(seq++ & 0xffff, 1200, now);
        else if (s.kind === 'probe') bwe.nextProbe(now);
        else if (s.kind === 'rtt') bwe.onRtt(s.ms);
        else if (s.kind === 'desired') bwe.setDesiredBitrate(s.bps);
        else {
          const fb: TransportCcView = {
            baseSequenceNumber: s.fb.baseSequenceNumber,
            referenceTime: s.fb.referenceTime,
            packets: s.fb.statuses.map((p, i) => ({ seq: (s.fb.baseSequenceNumber + i) & 0xffff, received: p.received, deltaUs: p.received ? p.deltaUs : 0 })),
          };
          bwe.onTransportCcFeedback(fb, now);
          if (s.repeat) bwe.onTransportCcFeedback(fb, now + 1);
        }
        check();
      }
      const info = bwe.traceInfo();
      assert.ok(Object.values(info).every((v) => typeof v === 'string' || v === undefined || Number.isFinite(v)));
    }),
    { numRuns: 300, seed: 20240611 },
  );
});

test('robustness: feedback that matches what was sent, with mangled arrival times, stays within bounds', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ lost: fc.boolean(), deltaUnits: fc.integer({ min: -400, max: 4000 }) }), { minLength: 5, maxLength: 300 }),
      fc.integer({ min: 0, max: 0xffff }),
      fc.integer({ min: 1, max: 30 }),
      (statuses, firstSeq, chunk) => {
        const bwe = new SendSideBwe({ now: 0, maxBitrate: 3_000_000 });
        bwe.setDesiredBitrate(2_000_000);
        statuses.forEach((_, i) => bwe.onPacketSent((firstSeq + i) & 0xffff, 1000, i * 3));
        // Feedback in chunks, in reverse order, each sent twice.
        const chunks: TransportCcView[] = [];
        for (let start = 0; start < statuses.length; start += chunk) {
          const part = statuses.slice(start, start + chunk);
          chunks.push({
            baseSequenceNumber: (firstSeq + start) & 0xffff,
            referenceTime: start,
            packets: part.map((p, i) => ({ seq: (firstSeq + start + i) & 0xffff, received: !p.lost, deltaUs: p.lost ? 0 : p.deltaUnits * 250 })),
          });
        }
        let now = statuses.length * 3;
        for (const c of chunks.reverse()) {
          bwe.onTransportCcFeedback(c, (now += 10));
          bwe.onTransportCcFeedback(c, (now += 10));
          bwe.nextProbe(now);
          assert.ok(bwe.estimate >= 30_000 && bwe.estimate <= 3_000_000);
        }
      },
    ),
    { numRuns: 200, seed: 7 },
  );
});
