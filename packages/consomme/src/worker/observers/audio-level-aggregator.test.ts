import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AudioLevelAggregator, type AudioLevelReport } from './audio-level-aggregator.js';

/**
 * A trace: per interval, the levels (-dBov, 0 loudest .. 127 silence) each
 * producer sent. Returns what every tick reported.
 */
function run(aggregator: AudioLevelAggregator, intervals: Record<string, number[]>[]): (AudioLevelReport | undefined)[] {
  return intervals.map((interval) => {
    for (const [id, levels] of Object.entries(interval)) for (const level of levels) aggregator.add(id, level);
    return aggregator.tick();
  });
}

const repeat = (level: number, n = 50): number[] => new Array<number>(n).fill(level);

test('volumes are averaged over the interval, loudest first, cut to maxEntries', () => {
  const agg = new AudioLevelAggregator({ maxEntries: 2, threshold: -80 });
  const [report] = run(agg, [{ a: [10, 20, 30], b: repeat(5), c: repeat(40), d: repeat(70) }]);
  assert.deepEqual(report, {
    type: 'volumes',
    volumes: [
      { producerId: 'b', volume: -5 },
      { producerId: 'a', volume: -20 },
    ],
  });
});

test('producers below the threshold are left out; full scale is 0, not -0', () => {
  const agg = new AudioLevelAggregator({ maxEntries: 10, threshold: -50 });
  const [report] = run(agg, [{ loud: repeat(0), quiet: repeat(60), silent: repeat(127) }]);
  assert.deepEqual(report, { type: 'volumes', volumes: [{ producerId: 'loud', volume: 0 }] });
  assert.ok(report?.type === 'volumes' && Object.is(report.volumes[0]!.volume, 0));
});

test('the threshold is inclusive', () => {
  const agg = new AudioLevelAggregator({ maxEntries: 1, threshold: -80 });
  assert.deepEqual(run(agg, [{ a: repeat(80) }]), [{ type: 'volumes', volumes: [{ producerId: 'a', volume: -80 }] }]);
});

test('silence is reported once when the loud period ends, and not before anyone was loud', () => {
  const agg = new AudioLevelAggregator({ maxEntries: 1, threshold: -80 });
  const reports = run(agg, [
    { a: repeat(127) }, // never loud yet: nothing
    {}, // no packets at all: nothing
    { a: repeat(20) },
    { a: repeat(20) },
    { a: repeat(127) }, // quiet again: one 'silence'
    { a: repeat(127) },
    {},
    { a: repeat(30) },
    {}, // the loud producer stopped sending: 'silence'
  ]);
  assert.deepEqual(reports, [
    undefined,
    undefined,
    { type: 'volumes', volumes: [{ producerId: 'a', volume: -20 }] },
    { type: 'volumes', volumes: [{ producerId: 'a', volume: -20 }] },
    { type: 'silence' },
    undefined,
    undefined,
    { type: 'volumes', volumes: [{ producerId: 'a', volume: -30 }] },
    { type: 'silence' },
  ]);
});

test('a short loud burst inside a quiet interval is averaged away', () => {
  const agg = new AudioLevelAggregator({ maxEntries: 1, threshold: -80 });
  // 5 packets at -10 dBov, 45 at silence: average -115 dBov.
  const [report] = run(agg, [{ a: [...repeat(10, 5), ...repeat(127, 45)] }]);
  assert.equal(report, undefined);
});

test('forget() drops a producer from the current interval; reset() drops everyone', () => {
  const agg = new AudioLevelAggregator({ maxEntries: 3, threshold: -80 });
  agg.add('a', 10);
  agg.add('b', 20);
  agg.forget('a');
  assert.deepEqual(agg.tick(), { type: 'volumes', volumes: [{ producerId: 'b', volume: -20 }] });
  agg.add('a', 10);
  agg.reset();
  assert.deepEqual(agg.tick(), { type: 'silence' });
});

test('averages round to whole dB', () => {
  const agg = new AudioLevelAggregator({ maxEntries: 1, threshold: -127 });
  run(agg, []);
  agg.add('a', 10);
  agg.add('a', 11);
  // 10.5 rounds to 11.
  assert.deepEqual(agg.tick(), { type: 'volumes', volumes: [{ producerId: 'a', volume: -11 }] });
});
