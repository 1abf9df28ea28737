import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { allocateBitrate } from './allocator.js';
import type { AllocationResult, AllocatorConsumer } from './allocator.js';

/** A typical 3×3 simulcast producer, bps, cumulative in temporal; each spatial is its own stream. */
const SIMULCAST = [
  [100_000, 150_000, 200_000],
  [300_000, 450_000, 600_000],
  [900_000, 1_350_000, 1_800_000],
];
/** One temporal layer per spatial, for hysteresis cases. */
const THREE = [[100_000], [300_000], [900_000]];

function consumer(id: string, bitrates: number[][], more: Partial<AllocatorConsumer> = {}): AllocatorConsumer {
  return {
    id,
    priority: 1,
    preferredSpatial: 9,
    preferredTemporal: 9,
    bitrates,
    currentSpatial: -1,
    currentTemporal: -1,
    ...more,
  };
}

/** `id → [spatial, temporal]` for compact assertions. */
function picks(result: AllocationResult): Record<string, [number, number]> {
  const out: Record<string, [number, number]> = {};
  for (const [id, a] of result.layers) out[id] = [a.spatial, a.temporal];
  return out;
}

test('one consumer gets the highest layer that fits with 10% spare', () => {
  // Ladder: (0,0) (0,1) (0,2), then (1,2) and (2,2): frame rate before resolution.
  // 600 kbps / 1.1 = 545 kbps: (1,2) at 600 kbps does not fit, so full frame rate at the lowest size.
  const r = allocateBitrate(600_000, [consumer('a', SIMULCAST)]);
  assert.deepEqual(r.layers.get('a'), { spatial: 0, temporal: 2, bitrate: 200_000 });
  assert.equal(r.usedBitrate, 200_000);
  assert.deepEqual(picks(allocateBitrate(660_001, [consumer('a', SIMULCAST)])), { a: [1, 2] });
  assert.equal(r.desiredBitrate, 1_800_000);
  // Without headroom, (1,2) is taken exactly when the budget reaches its 600 kbps.
  assert.deepEqual(picks(allocateBitrate(599_999, [consumer('a', SIMULCAST)], { upSwitchHeadroom: 1 })), { a: [0, 2] });
  assert.deepEqual(picks(allocateBitrate(600_000, [consumer('a', SIMULCAST)], { upSwitchHeadroom: 1 })), { a: [1, 2] });
});

test('two consumers of the same priority share equally', () => {
  const r = allocateBitrate(1_200_000, [consumer('a', SIMULCAST), consumer('b', SIMULCAST)], { upSwitchHeadroom: 1 });
  assert.deepEqual(picks(r), { a: [1, 2], b: [1, 2] });
  assert.equal(r.usedBitrate, 1_200_000);
  // One step short of both: the tie goes to one of them, the other is one step behind, never more.
  const short = allocateBitrate(1_199_999, [consumer('a', SIMULCAST), consumer('b', SIMULCAST)], { upSwitchHeadroom: 1 });
  assert.deepEqual(picks(short), { a: [1, 2], b: [0, 2] });
});

test('priority 2 gets more than priority 1, and priority 1 still climbs', () => {
  // 'lo' sorts first by id: priority must win over id order.
  const r = allocateBitrate(
    1_200_000,
    [consumer('lo', SIMULCAST), consumer('vip', SIMULCAST, { priority: 2 })],
    { upSwitchHeadroom: 1 },
  );
  // Rounds: vip two steps, lo one step, ... until neither next step fits.
  assert.deepEqual(picks(r), { lo: [1, 2], vip: [1, 2] });
  const wide = allocateBitrate(2_200_000, [consumer('lo', SIMULCAST), consumer('vip', SIMULCAST, { priority: 2 })], { upSwitchHeadroom: 1 });
  assert.deepEqual(picks(wide), { lo: [0, 2], vip: [2, 2] });
});

test('preferred layers cap the allocation; below the preferred spatial every temporal layer is allowed', () => {
  const capped = allocateBitrate(10_000_000, [consumer('a', SIMULCAST, { preferredSpatial: 1, preferredTemporal: 1 })]);
  assert.deepEqual(capped.layers.get('a'), { spatial: 1, temporal: 1, bitrate: 450_000 });
  assert.equal(capped.desiredBitrate, 450_000);
  // Preferred (2,0) with only 1 Mbps: (1,2) is below (2,0), so full frame rate at the middle size.
  assert.deepEqual(
    picks(allocateBitrate(700_000, [consumer('a', SIMULCAST, { preferredSpatial: 2, preferredTemporal: 0 })])),
    { a: [1, 2] },
  );
  // A preferred spatial layer beyond the producer's is the highest one; the temporal cap then applies there.
  assert.deepEqual(
    picks(allocateBitrate(10_000_000, [consumer('a', SIMULCAST, { preferredSpatial: 7, preferredTemporal: 0 })])),
    { a: [2, 0] },
  );
});

test('an inactive top layer: the best active layer below the preferred one; inactive layers are skipped', () => {
  const noTop = [SIMULCAST[0]!, SIMULCAST[1]!, [0, 0, 0]];
  const r = allocateBitrate(10_000_000, [consumer('a', noTop, { preferredSpatial: 2, preferredTemporal: 2 })]);
  assert.deepEqual(r.layers.get('a'), { spatial: 1, temporal: 2, bitrate: 600_000 });
  assert.equal(r.desiredBitrate, 600_000);
  // Temporal layer 1 not sent: from (0,0) straight to (0,2).
  const gap = allocateBitrate(300_000, [consumer('a', [[100_000, 0, 200_000]])], { upSwitchHeadroom: 1 });
  assert.deepEqual(gap.layers.get('a'), { spatial: 0, temporal: 2, bitrate: 200_000 });
  // Nothing active at or below the preferred layers: the lowest active layer rather than black.
  const above = allocateBitrate(10_000_000, [consumer('a', [[0], [300_000], [900_000]], { preferredSpatial: 0 })]);
  assert.deepEqual(above.layers.get('a'), { spatial: 1, temporal: 0, bitrate: 300_000 });
});

test('a budget below the lowest layers still forwards every lowest layer', () => {
  const one = allocateBitrate(50_000, [consumer('a', SIMULCAST)]);
  assert.deepEqual(one.layers.get('a'), { spatial: 0, temporal: 0, bitrate: 100_000 });
  assert.equal(one.usedBitrate, 100_000);
  const zero = allocateBitrate(0, [consumer('a', SIMULCAST), consumer('b', SIMULCAST, { priority: 200 })]);
  assert.deepEqual(picks(zero), { a: [0, 0], b: [0, 0] });
  assert.equal(zero.usedBitrate, 200_000);
});

test('a consumer with no active layer gets nothing and costs nothing', () => {
  const r = allocateBitrate(
    400_000,
    [consumer('off', [[0, 0], [0, 0]]), consumer('none', []), consumer('a', SIMULCAST)],
    { upSwitchHeadroom: 1 },
  );
  assert.deepEqual(r.layers.get('off'), { spatial: -1, temporal: -1, bitrate: 0 });
  assert.deepEqual(r.layers.get('none'), { spatial: -1, temporal: -1, bitrate: 0 });
  assert.deepEqual(r.layers.get('a'), { spatial: 0, temporal: 2, bitrate: 200_000 });
  assert.deepEqual([...r.layers.keys()], ['off', 'none', 'a'], 'input order');
  const empty = allocateBitrate(1_000_000, []);
  assert.equal(empty.layers.size, 0);
  assert.equal(empty.usedBitrate, 0);
  assert.equal(empty.desiredBitrate, 0);
});

test('hysteresis: keeping the current layer needs only the bitrate, moving up needs 10% spare', () => {
  // At layer 2 with exactly 900 kbps available: stays.
  const stay = allocateBitrate(900_000, [consumer('a', THREE, { currentSpatial: 2, currentTemporal: 0 })]);
  assert.deepEqual(picks(stay), { a: [2, 0] });
  // At layer 1 with the same 900 kbps: does not go up (needs 990 kbps).
  const hold = allocateBitrate(900_000, [consumer('a', THREE, { currentSpatial: 1, currentTemporal: 0 })]);
  assert.deepEqual(picks(hold), { a: [1, 0] });
  assert.deepEqual(picks(allocateBitrate(989_999, [consumer('a', THREE, { currentSpatial: 1, currentTemporal: 0 })])), { a: [1, 0] });
  // (990 kbps itself is the boundary, where float rounding of 990k / 1.1 decides.)
  assert.deepEqual(picks(allocateBitrate(990_001, [consumer('a', THREE, { currentSpatial: 1, currentTemporal: 0 })])), { a: [2, 0] });
  // The headroom is an option.
  const noSpare = allocateBitrate(900_000, [consumer('a', THREE, { currentSpatial: 1, currentTemporal: 0 })], { upSwitchHeadroom: 1 });
  assert.deepEqual(picks(noSpare), { a: [2, 0] });
  // Below the current layer's bitrate it does go down.
  assert.deepEqual(picks(allocateBitrate(899_999, [consumer('a', THREE, { currentSpatial: 2, currentTemporal: 0 })])), { a: [1, 0] });
});

test('hysteresis: an estimate hovering around a layer does not flap', () => {
  /** Feeds each decision back as the current layers, as the transport does. */
  const run = (upSwitchHeadroom: number) => {
    let current = { currentSpatial: 2, currentTemporal: 0 };
    const seen: number[] = [];
    for (const bps of [960_000, 890_000, 960_000, 890_000, 960_000, 980_000, 1_000_000]) {
      const a = allocateBitrate(bps, [consumer('a', THREE, current)], { upSwitchHeadroom }).layers.get('a')!;
      seen.push(a.spatial);
      current = { currentSpatial: a.spatial, currentTemporal: a.temporal };
    }
    return seen;
  };
  assert.deepEqual(run(1.1), [2, 1, 1, 1, 1, 1, 2]);
  // Without headroom the same estimates flap between layers 1 and 2.
  assert.deepEqual(run(1), [2, 1, 2, 1, 2, 2, 2]);
});

test('equal priority: the consumer holding a layer keeps it against a peer with a smaller id', () => {
  const peers = (aCurrent: number, bCurrent: number) => [
    consumer('a', THREE, { currentSpatial: aCurrent, currentTemporal: 0 }),
    consumer('b', THREE, { currentSpatial: bCurrent, currentTemporal: 0 }),
  ];
  // 450 kbps holds one of them at layer 1 (400 kbps in all), and 400 kbps would fit 450 / 1.1 for either.
  assert.deepEqual(picks(allocateBitrate(450_000, peers(0, 1))), { a: [0, 0], b: [1, 0] });
  assert.deepEqual(picks(allocateBitrate(450_000, peers(1, 0))), { a: [1, 0], b: [0, 0] });
});

test('desiredBitrate is the sum at the preferred layers, whatever the budget', () => {
  const consumers = [
    consumer('a', SIMULCAST, { preferredSpatial: 1, preferredTemporal: 1 }),
    consumer('b', SIMULCAST),
    consumer('c', [[0]]),
  ];
  for (const bps of [0, 300_000, 1_000_000, 1e9]) {
    assert.equal(allocateBitrate(bps, consumers).desiredBitrate, 450_000 + 1_800_000);
  }
  const unlimited = allocateBitrate(Infinity, consumers);
  assert.deepEqual(picks(unlimited), { a: [1, 1], b: [2, 2], c: [-1, -1] });
  assert.equal(unlimited.usedBitrate, unlimited.desiredBitrate);
});

test('budget a consumer cannot use goes to the others; more budget can move it back (greedy, like mediasoup)', () => {
  // 'big' can only jump from 100 kbps to 1 Mbps; 'fine' climbs in 100 kbps steps.
  const big = consumer('big', [[100_000], [1_000_000]]);
  const fine = consumer('fine', [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => [n * 100_000]));
  const tight = allocateBitrate(1_000_000, [big, fine], { upSwitchHeadroom: 1 });
  assert.deepEqual(picks(tight), { big: [0, 0], fine: [8, 0] });
  assert.equal(tight.usedBitrate, 1_000_000);
  // 100 kbps more and the same-priority 'big' takes its step first in the round.
  const more = allocateBitrate(1_100_000, [big, fine], { upSwitchHeadroom: 1 });
  assert.deepEqual(picks(more), { big: [1, 0], fine: [0, 0] });
});

test('odd input is sanitized, not thrown on', () => {
  const odd = [
    consumer('neg', [[-5, NaN, 200_000]], { priority: NaN }),
    consumer('inf', [[Infinity, 100_000]], { priority: 1e9, preferredSpatial: NaN, preferredTemporal: NaN }),
    consumer('neg', SIMULCAST), // duplicate id: ignored
    null as unknown as AllocatorConsumer,
    consumer('bad', 'x' as unknown as number[][]),
    consumer('cur', THREE, { currentSpatial: NaN, currentTemporal: Infinity, priority: -3 }),
  ];
  const r = allocateBitrate(NaN, odd, { upSwitchHeadroom: NaN });
  assert.deepEqual(picks(r), { neg: [0, 2], inf: [0, 1], bad: [-1, -1], cur: [0, 0] });
  assert.equal(r.usedBitrate, 400_000);
  assert.equal(r.desiredBitrate, 200_000 + 100_000 + 900_000);
  // Priority 0 or negative is 1: such a consumer still climbs.
  assert.deepEqual(picks(allocateBitrate(10_000_000, [consumer('z', THREE, { priority: -3 })])), { z: [2, 0] });
  assert.deepEqual(picks(allocateBitrate(10_000_000, [consumer('z', THREE, { priority: 0.5 })])), { z: [2, 0] });
  // A headroom below 1 is 1: moving up is never easier than staying.
  const low = allocateBitrate(899_999, [consumer('a', THREE, { currentSpatial: 1, currentTemporal: 0 })], { upSwitchHeadroom: 0.5 });
  assert.deepEqual(picks(low), { a: [1, 0] });
});

// ---- properties -------------------------------------------------------------

/** Realistic input: integer bitrates (sums are exact), some layers inactive. */
const bitratesArb = fc.array(fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3_000_000 })), { maxLength: 4 }), {
  maxLength: 4,
});
const consumerArb = (id: string) =>
  fc.record({
    id: fc.constant(id),
    priority: fc.integer({ min: 1, max: 6 }),
    preferredSpatial: fc.integer({ min: -1, max: 4 }),
    preferredTemporal: fc.integer({ min: -1, max: 4 }),
    bitrates: bitratesArb,
    currentSpatial: fc.integer({ min: -1, max: 4 }),
    currentTemporal: fc.integer({ min: -1, max: 4 }),
  });
const consumersArb = fc
  .integer({ min: 0, max: 6 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => consumerArb(`c${i}`))));
const fresh = (c: AllocatorConsumer): AllocatorConsumer => ({ ...c, currentSpatial: -1, currentTemporal: -1 });
/** Mostly budgets in the range where consumers compete; some generous ones. */
const budgetArb = fc.oneof(fc.integer({ min: 0, max: 3_000_000 }), fc.integer({ min: 0, max: 15_000_000 }));
const headroomArb = fc.constantFrom(1, 1.1, 1.5);

/** Reference ladder, written independently of the allocator: active layers ≤ preferred (lexicographic). */
function ladder(c: AllocatorConsumer): { s: number; t: number; bps: number }[] {
  const active = c.bitrates.flatMap((row, s) => row.map((bps, t) => ({ s, t, bps }))).filter((l) => l.bps > 0);
  const ps = Math.min(c.preferredSpatial, c.bitrates.length - 1);
  const within = active.filter((l) => l.s < ps || (l.s === ps && l.t <= c.preferredTemporal));
  if (within.length === 0) return active.slice(0, 1);
  // Frame rate before resolution: every temporal rung of the lowest spatial layer, then each higher spatial layer's top one.
  const lowest = within[0]!.s;
  return within.filter((l) => l.s === lowest || !within.some((m) => m.s === l.s && m.t > l.t));
}

test('property: never throws on arbitrary input', () => {
  const num = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(NaN, Infinity, -Infinity, -1, 0));
  const anyConsumer = fc.record({
    id: fc.string({ maxLength: 2 }),
    priority: num,
    preferredSpatial: num,
    preferredTemporal: num,
    bitrates: fc.array(fc.array(num, { maxLength: 5 }), { maxLength: 5 }),
    currentSpatial: num,
    currentTemporal: num,
  });
  fc.assert(
    fc.property(num, fc.array(anyConsumer, { maxLength: 8 }), fc.option(num, { nil: undefined }), (bps, cs, h) => {
      const r = allocateBitrate(bps, cs, h === undefined ? {} : { upSwitchHeadroom: h });
      assert.equal(r.layers.size, new Set(cs.map((c) => c.id)).size);
      for (const a of r.layers.values()) {
        assert.ok(Number.isFinite(a.bitrate) && a.bitrate >= 0);
        assert.equal(a.spatial < 0, a.bitrate === 0);
      }
      assert.ok(Number.isFinite(r.usedBitrate) && Number.isFinite(r.desiredBitrate));
    }),
    { numRuns: 500 },
  );
});

test('property: each allocation is an active layer at or below the preferred layers (or the lowest active)', () => {
  fc.assert(
    fc.property(budgetArb, consumersArb, headroomArb, (bps, cs, h) => {
      const r = allocateBitrate(bps, cs, { upSwitchHeadroom: h });
      for (const c of cs) {
        const a = r.layers.get(c.id)!;
        const l = ladder(c);
        if (l.length === 0) {
          assert.deepEqual(a, { spatial: -1, temporal: -1, bitrate: 0 });
          continue;
        }
        assert.ok(
          l.some((x) => x.s === a.spatial && x.t === a.temporal && x.bps === a.bitrate),
          `${c.id} got (${a.spatial},${a.temporal}) outside its ladder`,
        );
      }
    }),
    { numRuns: 500 },
  );
});

test('property: when the lowest layers fit, the allocation fits', () => {
  fc.assert(
    fc.property(budgetArb, consumersArb, headroomArb, (bps, cs, h) => {
      const lowest = cs.reduce((sum, c) => sum + (ladder(c)[0]?.bps ?? 0), 0);
      fc.pre(lowest <= bps);
      const r = allocateBitrate(bps, cs, { upSwitchHeadroom: h });
      assert.ok(r.usedBitrate <= bps, `used ${r.usedBitrate} > available ${bps}`);
      assert.equal(r.usedBitrate, [...r.layers.values()].reduce((s, a) => s + a.bitrate, 0));
    }),
    { numRuns: 500 },
  );
});

test('property: the allocation is maximal, no consumer could take its next step', () => {
  fc.assert(
    fc.property(budgetArb, consumersArb, headroomArb, (bps, cs, h) => {
      const r = allocateBitrate(bps, cs, { upSwitchHeadroom: h });
      for (const c of cs) {
        const l = ladder(c);
        const a = r.layers.get(c.id)!;
        const i = l.findIndex((x) => x.s === a.spatial && x.t === a.temporal);
        const next = l[i + 1];
        if (next === undefined) continue;
        const above = c.currentSpatial < 0 || next.s > c.currentSpatial || (next.s === c.currentSpatial && next.t > c.currentTemporal);
        const limit = above ? bps / h : bps;
        assert.ok(r.usedBitrate - a.bitrate + next.bps > limit, `${c.id} could still step to (${next.s},${next.t})`);
      }
    }),
    { numRuns: 500 },
  );
});

test('property: without current layers, more budget never lowers a lone consumer', () => {
  fc.assert(
    fc.property(budgetArb, budgetArb, consumerArb('a'), headroomArb, (x, y, c, h) => {
      const [lo, hi] = x <= y ? [x, y] : [y, x];
      const a = allocateBitrate(lo, [fresh(c)], { upSwitchHeadroom: h }).layers.get('a')!;
      const b = allocateBitrate(hi, [fresh(c)], { upSwitchHeadroom: h }).layers.get('a')!;
      assert.ok(b.spatial > a.spatial || (b.spatial === a.spatial && b.temporal >= a.temporal));
    }),
    { numRuns: 500 },
  );
});

test('property: a higher priority never ends below a lower one on the same producer', () => {
  // Real layer bitrates rise along the ladder. With a ladder where a higher layer costs less than
  // a lower one, the greedy rounds can let the second consumer through a step the first just
  // failed, by the few bps its own cheaper layer saved; so this holds for rising ladders only.
  const rising = bitratesArb.map((rows) => {
    let sum = 0;
    return rows.map((row) => row.map((bps) => (bps === 0 ? 0 : (sum += bps))));
  });
  const base = consumerArb('hi').chain((c) => rising.map((bitrates) => ({ ...c, bitrates })));
  fc.assert(
    fc.property(budgetArb, base, fc.integer({ min: 1, max: 6 }), headroomArb, (bps, c, loPriority, h) => {
      const hi = fresh({ ...c, priority: Math.max(c.priority, loPriority) });
      const lo = fresh({ ...c, id: 'lo', priority: Math.min(c.priority, loPriority) });
      const r = allocateBitrate(bps, [lo, hi], { upSwitchHeadroom: h });
      const a = r.layers.get('hi')!;
      const b = r.layers.get('lo')!;
      assert.ok(a.spatial > b.spatial || (a.spatial === b.spatial && a.temporal >= b.temporal));
    }),
    { numRuns: 500 },
  );
});

test('property: deterministic and independent of input order', () => {
  const keys = fc.array(fc.nat(), { minLength: 6, maxLength: 6 });
  fc.assert(
    fc.property(budgetArb, consumersArb, headroomArb, keys, (bps, cs, h, key) => {
      const first = allocateBitrate(bps, cs, { upSwitchHeadroom: h });
      assert.deepEqual(allocateBitrate(bps, cs, { upSwitchHeadroom: h }), first);
      const shuffled = cs
        .map((c, i) => ({ c, k: key[i]!, i }))
        .sort((a, b) => a.k - b.k || b.i - a.i)
        .map((x) => x.c);
      const other = allocateBitrate(bps, shuffled, { upSwitchHeadroom: h });
      assert.deepEqual(Object.fromEntries(other.layers), Object.fromEntries(first.layers));
      assert.equal(other.usedBitrate, first.usedBitrate);
    }),
    { numRuns: 300 },
  );
});

test('property: unlimited budget gives every consumer its preferred (best available) layers', () => {
  fc.assert(
    fc.property(consumersArb, (cs) => {
      const r = allocateBitrate(Infinity, cs);
      for (const c of cs) {
        const top = ladder(c).at(-1);
        assert.deepEqual(r.layers.get(c.id), top ? { spatial: top.s, temporal: top.t, bitrate: top.bps } : { spatial: -1, temporal: -1, bitrate: 0 });
      }
      assert.equal(r.usedBitrate, r.desiredBitrate);
    }),
    { numRuns: 300 },
  );
});
