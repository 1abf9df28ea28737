import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseDcepMessage, serializeDcepMessage, serializeDcepOpen, type DcepOpen } from './message.js';
import type { DcepChannelType } from './channel-type.js';

const CHANNEL_TYPES: DcepChannelType[] = [
  'reliable',
  'reliable-unordered',
  'partial-reliable-rexmit',
  'partial-reliable-rexmit-unordered',
  'partial-reliable-timed',
  'partial-reliable-timed-unordered',
];

/** Returns whether the bytes parsed. */
function roundTrips(bytes: Uint8Array): boolean {
  const m = parseDcepMessage(bytes);
  if (m === undefined) return false;
  assert.deepEqual(serializeDcepMessage(m), Buffer.from(bytes));
  return true;
}

test('fuzz: random bytes never throw; what parses re-serializes identically', (t) => {
  let parsed = 0;
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      if (roundTrips(bytes)) parsed++;
    }),
    { numRuns: 100_000 },
  );
  t.diagnostic(`${parsed} of 100000 parsed`);
  // Random bytes rarely form a message (mostly the one-byte ACK, 0x02), but some must.
  assert.ok(parsed > 10, `${parsed} of 100000 parsed`);
});

test('fuzz: mutated valid OPEN messages never throw and round-trip', (t) => {
  let parsed = 0;
  const open = fc.record({
    channelType: fc.constantFrom(...CHANNEL_TYPES),
    priority: fc.integer({ min: 0, max: 0xffff }),
    reliabilityParameter: fc.integer({ min: 0, max: 0xffffffff }),
    label: fc.string({ maxLength: 20 }),
    protocol: fc.string({ maxLength: 20 }),
  });
  fc.assert(
    fc.property(open, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }), fc.nat(40), (o, flips, cut) => {
      const bytes = serializeDcepOpen(o)!;
      assert.deepEqual(parseDcepMessage(bytes), { type: 'open', ...o } satisfies DcepOpen);
      const mutated = Buffer.from(bytes);
      for (const [at, value] of flips) mutated[at % mutated.length] = value;
      if (roundTrips(mutated)) parsed++;
      roundTrips(mutated.subarray(0, Math.max(0, mutated.length - cut)));
    }),
    { numRuns: 100_000 },
  );
  t.diagnostic(`${parsed} of 100000 mutated OPEN messages parsed`);
  assert.ok(parsed > 30_000, `${parsed} of 100000 parsed`);
});
