import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseRtcpCompound, rtcpCompoundByteLength, serializeRtcpCompound } from './compound.js';
import type { RtcpPacket } from './packet.js';
import type { SdesItemType } from './sdes.js';

const hex = (...parts: string[]): Buffer => Buffer.from(parts.join(''), 'hex');

// The vectors of compound.rfc.test.ts and transport-cc.rfc.test.ts, where each field is commented.
const seeds = [
  hex('81c8000c11111111e1b2c3d48000000000015f900000000a00000fa022222222', '05fffffe00010064', '00000020b2c3d48000010000'),
  hex('81c9000833333333222222220000000000', '00ffff000000000000000000000000deadbeef'),
  hex('81ca0006111111110110', '6162636465666768696a6b6c6d6e6f70', '0000'),
  hex('81cb0003111111110562796521210000'),
  hex('81cd00041111111122222222', '0064000501000000'),
  hex('81ce00021111111122222222'),
  hex('84ce0004111111110000000022222222', '07000000'),
  hex('8fce00051111111100000000', '52454d42010bd09022222222'),
  hex('afcd00081111111122222222', '00640014fffffe05', '2003c900a010', '0400fffffe010810', '0002'),
  hex('80cc00021111111174657374'),
];

const mutatedCompound = fc
  .tuple(
    fc.array(fc.constantFrom(...seeds), { minLength: 1, maxLength: 3 }),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
    fc.nat(12),
  )
  .map(([parts, edits, cut]) => {
    const b = Buffer.concat(parts);
    for (const [i, v] of edits) b[i % b.length] = v;
    return cut > 8 ? b.subarray(0, b.length - (cut - 8)) : b;
  });

const input = fc.oneof(
  { arbitrary: fc.uint8Array({ maxLength: 200 }).map((u) => Buffer.from(u)), weight: 1 },
  { arbitrary: mutatedCompound, weight: 3 },
);

test('parseRtcpCompound: never throws; what parses re-serializes identically', (t) => {
  let parsed = 0;
  fc.assert(
    fc.property(input, (buf) => {
      const packets = parseRtcpCompound(buf);
      if (packets === undefined) return;
      parsed++;
      assert.equal(rtcpCompoundByteLength(packets), buf.length);
      assert.ok(serializeRtcpCompound(packets).equals(buf));
    }),
    { numRuns: 100_000 },
  );
  t.diagnostic(`${parsed} of 100000 parsed`);
  // A floor: most mutated compounds still parse (random bytes almost never do).
  assert.ok(parsed > 30_000, `${parsed} of 100000 parsed`);
});

const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u8 = fc.integer({ min: 0, max: 255 });
const block = fc.record({
  ssrc: u32,
  fractionLost: u8,
  totalLost: fc.integer({ min: -0x80_0000, max: 0x7f_ffff }),
  highestSeq: u32,
  jitter: u32,
  lsr: u32,
  dlsr: u32,
});
const itemType = fc.constantFrom<SdesItemType>('cname', 'name', 'email', 'phone', 'loc', 'tool', 'note', 'priv');
const text = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 10 }));

const typed: fc.Arbitrary<RtcpPacket> = fc.oneof(
  fc.record({ type: fc.constant('sr' as const), ssrc: u32, ntpSeconds: u32, ntpFraction: u32, rtpTimestamp: u32, packetCount: u32, octetCount: u32, reports: fc.array(block, { maxLength: 3 }) }),
  fc.record({ type: fc.constant('rr' as const), ssrc: u32, reports: fc.array(block, { maxLength: 3 }) }),
  fc.record({
    type: fc.constant('sdes' as const),
    chunks: fc.array(fc.record({ ssrc: u32, items: fc.array(fc.record({ type: itemType, text }), { maxLength: 3 }) }), { maxLength: 3 }),
  }),
  fc.record({ type: fc.constant('bye' as const), ssrcs: fc.array(u32, { maxLength: 3 }), reason: text }, { requiredKeys: ['type', 'ssrcs'] }),
  fc.record({ type: fc.constant('nack' as const), senderSsrc: u32, mediaSsrc: u32, items: fc.array(fc.record({ pid: u16, blp: u16 }), { maxLength: 4 }) }),
  fc.record({ type: fc.constant('pli' as const), senderSsrc: u32, mediaSsrc: u32 }),
  fc.record({ type: fc.constant('fir' as const), senderSsrc: u32, mediaSsrc: u32, entries: fc.array(fc.record({ ssrc: u32, seqNr: u8 }), { maxLength: 3 }) }),
  fc
    .record({ senderSsrc: u32, mediaSsrc: u32, exponent: fc.integer({ min: 0, max: 63 }), mantissa: fc.integer({ min: 0, max: 0x3ffff }), ssrcs: fc.array(u32, { maxLength: 3 }) })
    .map(({ exponent, mantissa, ...r }) => ({ type: 'remb' as const, ...r, bitrate: mantissa * 2 ** exponent, exponent })),
);

test('typed packets: serialize then parse gives the same fields', () => {
  fc.assert(
    fc.property(fc.array(typed, { minLength: 1, maxLength: 3 }), (packets) => {
      const bytes = serializeRtcpCompound(packets);
      const back = parseRtcpCompound(bytes);
      // Through JSON: fast-check records have a null prototype, parsed ones do not.
      assert.deepEqual(back, JSON.parse(JSON.stringify(packets)));
    }),
    { numRuns: 10_000 },
  );
});
