import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SeqManager } from './seq-manager.js';

test('first packet maps to the initial output, then follows input', () => {
  const m = new SeqManager({ initialOutputSeq: 500 });
  assert.equal(m.input(1000), 500);
  assert.equal(m.input(1001), 501);
  assert.equal(m.input(1003), 503); // real loss stays a hole
  assert.equal(m.input(1002), 502); // reordered fills it
  assert.equal(m.maxOutputSeq, 503);
});

test('drops shift later packets down', () => {
  const m = new SeqManager();
  assert.equal(m.input(10), 0);
  m.drop(11);
  m.drop(12);
  assert.equal(m.input(13), 1);
  assert.equal(m.input(11), undefined); // a dropped packet coming again
  assert.equal(m.input(14), 2);
});

test('reordered packets around a drop keep their slot', () => {
  const m = new SeqManager();
  assert.equal(m.input(10), 0);
  m.drop(12);
  assert.equal(m.input(13), 2);
  assert.equal(m.input(11), 1);
});

test('late drop refuses only that packet and renumbers nothing', () => {
  const m = new SeqManager();
  m.input(10);
  assert.equal(m.input(12), 2);
  m.drop(11);
  assert.equal(m.input(11), undefined);
  assert.equal(m.input(13), 3);
});

test('sync after a pause continues the output', () => {
  const m = new SeqManager({ initialOutputSeq: 65534 });
  assert.equal(m.input(100), 65534);
  assert.equal(m.input(101), 65535);
  m.sync(20000);
  assert.equal(m.input(20000), 0);
  assert.equal(m.input(20001), 1);
  assert.equal(m.input(101), undefined); // from before the sync
  assert.equal(m.input(19999), undefined);
});

test('sync before anything, and drop before anything', () => {
  const a = new SeqManager({ initialOutputSeq: 7 });
  a.sync(300);
  assert.equal(a.input(300), 7);
  const b = new SeqManager({ initialOutputSeq: 7 });
  b.drop(300);
  assert.equal(b.input(301), 7);
});

test('drops folded out of the reorder window refuse packets older than them', () => {
  const m = new SeqManager({ maxReorder: 10 });
  m.input(0);
  m.drop(1);
  for (let s = 2; s <= 30; s++) assert.equal(m.input(s), s - 1);
  assert.equal(m.input(0), undefined); // older than a folded drop
  assert.equal(m.input(31), 30);
});

test('input sequence wraps', () => {
  const m = new SeqManager({ initialOutputSeq: 0 });
  for (let i = 0; i < 70000; i++) assert.equal(m.input((65000 + i) & 0xffff), i & 0xffff);
});

type Action = 'fwd' | 'drop' | 'sync' | 'skip';

interface Scenario {
  start: number;
  initial: number;
  arrivals: { ext: number; action: Action }[];
}

// Arrival order with bounded displacement, duplicates, and an action each.
const scenario = (maxDisplacement: number): fc.Arbitrary<Scenario> =>
  fc
    .record({
      start: fc.integer({ min: 0, max: 65535 }),
      initial: fc.integer({ min: 0, max: 65535 }),
      steps: fc.array(
        fc.record({
          delay: fc.integer({ min: 0, max: maxDisplacement }),
          dup: fc.integer({ min: 0, max: 19 }),
          action: fc.constantFrom<Action>('fwd', 'fwd', 'fwd', 'fwd', 'fwd', 'drop', 'drop', 'sync', 'skip'),
          // A duplicate (e.g. a retransmission) may be judged differently.
          dupAction: fc.constantFrom<Action>('fwd', 'drop', 'skip'),
        }),
        { minLength: 1, maxLength: 400, size: 'max' },
      ),
    })
    .map(({ start, initial, steps }) => {
      const order: { i: number; action: Action }[] = [];
      steps.forEach((s, i) => {
        order.splice(Math.max(0, order.length - s.delay), 0, { i, action: s.action });
        if (s.dup === 0) order.push({ i, action: s.dupAction }); // a late duplicate
      });
      return { start, initial, arrivals: order.map(({ i, action }) => ({ ext: start + i, action })) };
    });

// Reference model of the documented contract, on true extended numbers:
// within an epoch started by sync(S) with base output B,
//   out(e) = B + (e − S) − #{in-order drops d with S ≤ d < e},
// where an in-order drop is one of an input newer than every input seen in
// the epoch; late drops and pre-epoch inputs are refused.
// Drops more than maxReorder behind the newest input are folded: they keep
// shifting, but nothing at or before them can be placed any more.
function runModel(
  sc: Scenario,
  check: (ext: number, got: number | undefined, want: number | undefined, epoch: number) => void,
  maxReorder = 1000,
): void {
  const m = new SeqManager({ initialOutputSeq: sc.initial, maxReorder });
  let started = false;
  let S = 0;
  let B = sc.initial;
  let maxSeen = 0;
  let maxOut = sc.initial - 1;
  let inOrderDrops: number[] = [];
  let lateDrops = new Set<number>();
  let epoch = 0;
  let floor = -Infinity;
  let folded = 0;
  const fold = () => {
    const limit = maxSeen - maxReorder;
    while (inOrderDrops.length > 0 && (inOrderDrops[0] as number) < limit) {
      floor = Math.max(floor, inOrderDrops.shift() as number);
      folded++;
    }
    for (const d of lateDrops) if (d < limit) lateDrops.delete(d);
  };
  const startEpoch = (e: number) => {
    started = true;
    epoch++;
    floor = e - 1;
    folded = 0;
    S = e;
    B = maxOut + 1;
    maxSeen = e - 1;
    inOrderDrops = [];
    lateDrops = new Set();
  };
  for (const { ext, action } of sc.arrivals) {
    const seq = ext & 0xffff;
    if (action === 'skip') continue;
    if (action === 'drop') {
      if (!started) startEpoch(ext);
      m.drop(seq);
      if (ext > maxSeen) {
        inOrderDrops.push(ext);
        maxSeen = ext;
        fold();
      } else if (ext > floor) lateDrops.add(ext);
      continue;
    }
    if (action === 'sync' || !started) {
      if (action === 'sync') m.sync(seq);
      startEpoch(ext);
    }
    const got = m.input(seq);
    let want: number | undefined;
    if (ext > floor && !lateDrops.has(ext) && !inOrderDrops.includes(ext)) {
      want = B + (ext - S) - folded - inOrderDrops.filter((d) => d < ext).length;
    }
    if (ext > maxSeen) {
      maxSeen = ext;
      fold();
    }
    if (want !== undefined && want > maxOut) maxOut = want;
    check(ext, got, want === undefined ? undefined : want & 0xffff, epoch);
  }
}

test('property: matches the reference model (reordering, duplicates, drops, syncs, wrap)', () => {
  fc.assert(
    fc.property(scenario(8), (sc) => {
      runModel(sc, (ext, got, want) => assert.equal(got, want, `input ${ext}`));
    }),
    { numRuns: 20_000 },
  );
});

test('property: matches the reference model with a tiny reorder window (folding)', () => {
  fc.assert(
    fc.property(scenario(20), fc.integer({ min: 1, max: 30 }), (sc, maxReorder) => {
      runModel(sc, (ext, got, want) => assert.equal(got, want, `input ${ext}`), maxReorder);
    }),
    { numRuns: 10_000 },
  );
});

test('property: outputs are unique and order-preserving', () => {
  fc.assert(
    fc.property(scenario(20), (sc) => {
      // Output (unwrapped by construction: it never goes back more than the window) per input.
      const outByInput = new Map<string, number>();
      const inputByOut = new Map<number, number>();
      let lastOut: number | undefined;
      let maxOut = 0;
      let lastIn = 0;
      let lastEpoch = 0;
      runModel(sc, (ext, got, _want, epoch) => {
        if (got === undefined) return;
        // Order preserved inside an epoch; a new epoch continues after the previous output.
        const delta = (a: number, b: number) => ((a - b + 0x8000) & 0xffff) - 0x8000;
        if (lastOut !== undefined) {
          if (epoch !== lastEpoch) assert.equal(delta(got, maxOut), 1, 'new epoch must continue the output');
          else assert.equal(Math.sign(delta(got, lastOut)), Math.sign(ext - lastIn), `order broken at ${ext}`);
        }
        if (lastOut === undefined || delta(got, maxOut) > 0) maxOut = got;
        lastOut = got;
        lastIn = ext;
        lastEpoch = epoch;
        const key = `${epoch}:${ext}`;
        const prev = outByInput.get(key);
        if (prev !== undefined) assert.equal(got, prev, 'duplicate input changed output');
        const owner = inputByOut.get(got);
        if (owner !== undefined) assert.equal(owner, ext, `output ${got} given to ${owner} and ${ext}`);
        outByInput.set(key, got);
        inputByOut.set(got, ext);
      });
    }),
    { numRuns: 10_000 },
  );
});

test('property: in-order stream with drops and pauses yields a gapless output', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 65535 }),
      fc.integer({ min: 0, max: 65535 }),
      fc.array(fc.record({ action: fc.constantFrom<Action>('fwd', 'fwd', 'drop', 'skip', 'sync'), jump: fc.integer({ min: 0, max: 60000 }) }), { maxLength: 500, size: 'max' }),
      (start, initial, steps) => {
        const m = new SeqManager({ initialOutputSeq: initial });
        let expected = initial;
        let paused = false;
        let ext = start;
        for (const st of steps) {
          ext += 1;
          const seq = ext & 0xffff;
          if (st.action === 'skip') {
            paused = true;
            ext += st.jump; // a long pause: the input moves on a lot
            continue;
          }
          if (st.action === 'drop') {
            if (!paused) m.drop(seq);
            continue;
          }
          if (paused || st.action === 'sync') {
            m.sync(seq);
            paused = false;
          }
          assert.equal(m.input(seq), expected & 0xffff);
          expected++;
        }
      },
    ),
    { numRuns: 10_000 },
  );
});
