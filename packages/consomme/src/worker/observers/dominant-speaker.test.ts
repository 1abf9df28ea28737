import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DominantSpeakerDetector } from './dominant-speaker.js';

/** Level of a speaker at time t (ms): -dBov (0 loudest, 127 silence), or undefined for no packet. */
type Voice = (t: number) => number | undefined;

const SILENCE = 127;
/** A typical voice level, and the room noise between words. */
const TALK = 25;
const NOISE = 65;

const silent: Voice = () => SILENCE;
const constant = (level: number): Voice => () => level;
/** Speech: ~180 ms syllables with ~60 ms gaps at the noise level, a 400 ms breath every 3 s. */
const talking: Voice = (t) => (t % 3000 > 2600 ? NOISE : t % 240 < 180 ? TALK : NOISE);
/** Switches between voices at the given times: [[fromMs, voice], ...]. */
const script = (...parts: [number, Voice][]): Voice => (t) => {
  let voice: Voice = silent;
  for (const [from, v] of parts) if (t >= from) voice = v;
  return voice(t);
};

/**
 * Replays a trace with a fake clock: one packet every 20 ms per speaker
 * (offset per speaker, as real senders are not aligned), a decision every
 * `decisionMs`. Returns the changes of dominant speaker with their times.
 */
function replay(
  voices: Record<string, Voice>,
  durationMs: number,
  { decisionMs = 300, start = 1_000_000 } = {},
): { t: number; id: string }[] {
  const detector = new DominantSpeakerDetector();
  for (const id of Object.keys(voices)) detector.addSpeaker(id);
  const changes: { t: number; id: string }[] = [];
  const ids = Object.keys(voices);
  for (let t = 0; t <= durationMs; t++) {
    ids.forEach((id, i) => {
      if ((t + i * 7) % 20 !== 0) return;
      const level = voices[id]!(t);
      if (level !== undefined) detector.onLevel(id, level, start + t);
    });
    if (t > 0 && t % decisionMs === 0) {
      const id = detector.decide(start + t);
      if (id !== undefined) changes.push({ t, id });
    }
  }
  return changes;
}

test('nobody is dominant while everyone is silent', () => {
  assert.deepEqual(replay({ a: silent, b: silent }, 10_000), []);
});

test('nobody is dominant with steady room noise below the floor', () => {
  assert.deepEqual(replay({ a: constant(80), b: constant(90) }, 10_000), []);
});

test('the one who speaks becomes dominant at the first decision', () => {
  const changes = replay({ a: silent, b: talking }, 5_000);
  assert.deepEqual(changes, [{ t: 300, id: 'b' }]);
});

test('a loud tone against silence is dominant, and stays so', () => {
  assert.deepEqual(replay({ a: constant(3), b: silent }, 30_000), [{ t: 300, id: 'a' }]);
});

test('a speaker who was silent takes over once the dominant one stops and they talk', () => {
  const changes = replay(
    {
      a: script([0, talking], [5000, silent]),
      b: script([0, silent], [5000, talking]),
    },
    12_000,
  );
  assert.equal(changes.length, 2, JSON.stringify(changes));
  assert.deepEqual(changes[0], { t: 300, id: 'a' });
  assert.equal(changes[1]!.id, 'b');
  // Persistence: not on the first syllable, but well within two seconds.
  assert.ok(changes[1]!.t > 5000 && changes[1]!.t <= 7000, `switched at ${changes[1]!.t}`);
});

test('swapping which of two tones is silent switches the dominant speaker each time', () => {
  const changes = replay(
    {
      a: script([0, constant(5)], [4000, silent], [8000, constant(5)]),
      b: script([0, silent], [4000, constant(5)], [8000, silent]),
    },
    12_000,
  );
  assert.deepEqual(changes.map((c) => c.id), ['a', 'b', 'a']);
  assert.ok(changes[1]!.t > 4000 && changes[1]!.t <= 6000, `switched at ${changes[1]!.t}`);
  assert.ok(changes[2]!.t > 8000 && changes[2]!.t <= 10_000, `switched at ${changes[2]!.t}`);
});

test('short bursts (coughs, "mm-hm") from another speaker do not take the floor', () => {
  // a starts; b makes a 300 ms sound every 1.7 s, sometimes landing in a's breath pauses.
  const burst: Voice = (t) => (t > 1000 && t % 1700 < 300 ? 10 : SILENCE);
  const changes = replay({ a: talking, b: burst }, 30_000);
  assert.deepEqual(changes, [{ t: 300, id: 'a' }]);
});

test('a burst from a second speaker right after a long monologue stops does not flap back and forth', () => {
  const changes = replay(
    {
      a: script([0, talking], [6000, silent], [6900, talking]),
      b: script([0, silent], [6100, constant(10)], [6500, silent]),
    },
    15_000,
  );
  assert.deepEqual(changes, [{ t: 300, id: 'a' }]);
});

test('two people talking at once: the one who held the floor keeps it', () => {
  const changes = replay({ a: talking, b: script([0, silent], [3000, talking]) }, 15_000);
  assert.deepEqual(changes, [{ t: 300, id: 'a' }]);
});

test('a speaker whose packets stop (paused, muted with DTX, gone) loses the floor to one who talks', () => {
  const changes = replay(
    {
      a: script([0, talking], [4000, () => undefined]),
      b: script([0, silent], [5000, talking]),
    },
    10_000,
  );
  assert.deepEqual(changes.map((c) => c.id), ['a', 'b']);
  // Within two seconds of b starting (b's breath pause at 5.6 s delays it in this trace).
  assert.ok(changes[1]!.t >= 5000 && changes[1]!.t <= 7000, `switched at ${changes[1]!.t}`);
});

test('a constant loud noise floor adapts away, a voice over it still counts', () => {
  // b sits in steady -40 dBov noise (above the absolute floor), a talks.
  const changes = replay({ a: script([0, silent], [2000, talking]), b: constant(40) }, 20_000);
  // b may be picked while nobody else talks, but a's speech must win afterwards.
  assert.equal(changes.at(-1)!.id, 'a', JSON.stringify(changes));
});

test('removing the dominant speaker lets the next decision pick another', () => {
  const detector = new DominantSpeakerDetector();
  detector.addSpeaker('a');
  detector.addSpeaker('b');
  let now = 0;
  for (; now < 1000; now += 20) {
    detector.onLevel('a', 5, now);
    detector.onLevel('b', 30, now);
  }
  assert.equal(detector.decide(now), 'a');
  detector.removeSpeaker('a');
  assert.equal(detector.dominant, undefined);
  detector.onLevel('a', 5, now); // unknown now: ignored
  detector.onLevel('b', 30, now);
  assert.equal(detector.decide(now), 'b');
  assert.equal(detector.decide(now + 300), undefined, 'no change, nothing to report');
});

test('scores rise with activity on every window', () => {
  const detector = new DominantSpeakerDetector();
  detector.addSpeaker('quiet');
  detector.addSpeaker('loud');
  detector.addSpeaker('silent');
  for (let now = 0; now < 3000; now += 20) {
    detector.onLevel('quiet', 55, now);
    detector.onLevel('loud', 5, now);
    detector.onLevel('silent', SILENCE, now);
  }
  const s = (id: string) => detector.scores(id, 3000)!;
  for (const w of ['immediate', 'medium', 'long'] as const) {
    assert.ok(s('loud')[w] >= s('quiet')[w], `${w}: loud ${s('loud')[w]} >= quiet ${s('quiet')[w]}`);
    assert.ok(s('quiet')[w] > s('silent')[w], `${w}: quiet ${s('quiet')[w]} > silent ${s('silent')[w]}`);
  }
});

test('property: any trace of levels, gaps and membership changes never throws, and the dominant speaker is always a member', () => {
  const step = fc.oneof(
    fc.record({ kind: fc.constant('level' as const), id: fc.integer({ min: 0, max: 3 }), level: fc.integer({ min: 0, max: 127 }), dt: fc.integer({ min: 0, max: 40 }) }),
    fc.record({ kind: fc.constant('gap' as const), dt: fc.integer({ min: 0, max: 10_000 }) }),
    fc.record({ kind: fc.constant('add' as const), id: fc.integer({ min: 0, max: 3 }) }),
    fc.record({ kind: fc.constant('remove' as const), id: fc.integer({ min: 0, max: 3 }) }),
    fc.constant({ kind: 'decide' as const }),
  );
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.array(step, { maxLength: 300 }), (start, steps) => {
      const detector = new DominantSpeakerDetector();
      const members = new Set<string>();
      let now = start;
      for (const s of steps) {
        switch (s.kind) {
          case 'level':
            now += s.dt;
            detector.onLevel(`p${s.id}`, s.level, now);
            break;
          case 'gap':
            now += s.dt;
            break;
          case 'add':
            detector.addSpeaker(`p${s.id}`);
            members.add(`p${s.id}`);
            break;
          case 'remove':
            detector.removeSpeaker(`p${s.id}`);
            members.delete(`p${s.id}`);
            break;
          case 'decide': {
            const before = detector.dominant;
            const changed = detector.decide(now);
            if (changed !== undefined) assert.notEqual(changed, before);
            else assert.equal(detector.dominant, before);
            break;
          }
        }
        const d = detector.dominant;
        assert.ok(d === undefined || members.has(d));
      }
    }),
    { numRuns: 2000 },
  );
});
