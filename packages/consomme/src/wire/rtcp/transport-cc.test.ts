// The transport-cc serializer: the chunk examples of
// draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1.3-3.1.4 that use
// the -01 symbols (its run-length example 2 and 2-bit vector example 2 use
// symbol 3, reserved in -01, so they cannot be built), hand-checked packets,
// and a property test against the parser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseRtcpCompound, serializeRtcpCompound } from './compound.js';
import { buildTransportCc, encodeTransportCc, parseTransportCc, type TransportCcFields, type TransportCcPacketStatus } from './transport-cc.js';

const hex = (...parts: string[]): Buffer => Buffer.from(parts.join('').replace(/\s+/g, ''), 'hex');

/** Statuses from a list of deltas in 250 µs units (undefined: not received). */
function statuses(base: number, units: readonly (number | undefined)[]): TransportCcPacketStatus[] {
  return units.map((u, i) => ({ seq: (base + i) & 0xffff, received: u !== undefined, deltaUs: (u ?? 0) * 250 }));
}

function fields(base: number, units: readonly (number | undefined)[], extra: Partial<TransportCcFields> = {}): TransportCcFields {
  return { senderSsrc: 0x11111111, mediaSsrc: 0x22222222, baseSequenceNumber: base, referenceTime: 1, feedbackPacketCount: 7, packets: statuses(base, units), ...extra };
}

/** The chunk words of an encoded packet (before the deltas). */
function chunkWords(buf: Buffer, count: number): number[] {
  return [...Array(count)].map((_, i) => buf.readUInt16BE(20 + i * 2));
}

test('draft §3.1.3 example 1: 221 "not received" make one run-length chunk 0x00dd', () => {
  // 14 received packets first (a run of their own), since feedback with nothing received is pointless.
  const buf = encodeTransportCc(fields(10, [...Array<number>(14).fill(0), ...Array<undefined>(221).fill(undefined)]));
  assert.deepEqual(chunkWords(buf, 2), [0b0_01_0000000001110, 0b0_00_0000011011101]);
  assert.deepEqual(parseTransportCc(buf)?.packets.slice(14).every((p) => !p.received), true);
});

test('draft §3.1.4 example 1: a 1-bit vector 0x9f1c', () => {
  // 1x not received, 5x received, 3x not received, 3x received, 2x not received.
  const pattern = [undefined, 1, 1, 1, 1, 1, undefined, undefined, undefined, 1, 1, 1, undefined, undefined];
  const buf = encodeTransportCc(fields(0, pattern));
  assert.deepEqual(chunkWords(buf, 1), [0b1_0_01111100011100]);
  assert.equal(parseTransportCc(buf)?.packets.filter((p) => p.received).length, 8);
});

test('a packet field by field: run, 2-bit vector, negative and large deltas, zero padding', () => {
  // 14 small deltas (a run), then large, small, lost, negative: a 2-bit vector.
  const units = [...Array<number>(14).fill(4), 300, 3, undefined, -2];
  const buf = encodeTransportCc(fields(0xfff0, units, { referenceTime: -2, feedbackPacketCount: 255 }));
  const expected = hex(
    '8fcd000a', //          V=2 P=0 FMT=15 PT=205, length 10 words
    '11111111', '22222222', // sender and media SSRC
    'fff0', //              base 65520 (the statuses wrap past 65535)
    '0012', //              18 statuses
    'fffffe', //            reference time -2 (x 64 ms)
    'ff', //                feedback packet count 255
    '200e', //              run length: S=01 x14
    'e480', //              2-bit vector: 10 01 00 10, three unused slots
    '0404040404040404040404040404', // 14 x 1 ms
    '012c', //              300 x 250 µs: large
    '03', //                750 µs
    'fffe', //              -500 µs: large
    '00', //                zero padding to the word
  );
  assert.equal(buf.toString('hex'), expected.toString('hex'));
  const parsed = parseTransportCc(buf)!;
  assert.deepEqual(parsed.packets, fields(0xfff0, units).packets);
  assert.equal(parsed.referenceTime, -2);
  assert.equal(parsed.feedbackPacketCount, 255);
});

test('buildTransportCc gives a packet value that compounds serialize byte-exact', () => {
  const fb = buildTransportCc(fields(100, [1, undefined, 2]));
  assert.equal(fb.type, 'transport-cc');
  const compound = serializeRtcpCompound([fb]);
  assert.ok(compound.equals(fb.raw));
  assert.equal(parseRtcpCompound(compound)?.[0]?.type, 'transport-cc');
});

test('fields the format cannot carry are refused with RangeError', () => {
  const bad: [string, TransportCcFields][] = [
    ['no statuses', fields(0, [])],
    ['delta past +8191.75 ms', fields(0, [0x8000])],
    ['delta past -8192 ms', fields(0, [-0x8001])],
    ['delta not a multiple of 250 µs', { ...fields(0, [1]), packets: [{ seq: 0, received: true, deltaUs: 100 }] }],
    ['lost with a delta', { ...fields(0, [1]), packets: [{ seq: 0, received: false, deltaUs: 250 }] }],
    ['seq not base + index', { ...fields(0, [1]), packets: [{ seq: 5, received: true, deltaUs: 250 }] }],
    ['reference time past 24 bits', fields(0, [1], { referenceTime: 0x80_0000 })],
  ];
  for (const [name, f] of bad) assert.throws(() => encodeTransportCc(f), RangeError, name);
});

const statusArb = fc.oneof(
  { arbitrary: fc.constant<number | undefined>(undefined), weight: 2 },
  { arbitrary: fc.integer({ min: 0, max: 255 }), weight: 4 },
  { arbitrary: fc.integer({ min: -0x8000, max: 0x7fff }), weight: 1 },
);
const runs = fc.array(fc.tuple(statusArb, fc.integer({ min: 1, max: 40 })), { minLength: 1, maxLength: 30 });
const fieldsArb = fc
  .record({
    senderSsrc: fc.integer({ min: 0, max: 0xffff_ffff }),
    mediaSsrc: fc.integer({ min: 0, max: 0xffff_ffff }),
    base: fc.integer({ min: 0, max: 0xffff }),
    referenceTime: fc.integer({ min: -0x80_0000, max: 0x7f_ffff }),
    feedbackPacketCount: fc.integer({ min: 0, max: 255 }),
    // Runs of repeated statuses as well as mixed ones, so every chunk kind appears.
    units: fc.oneof(fc.array(statusArb, { minLength: 1, maxLength: 200 }), runs.map((r) => r.flatMap(([u, n]) => Array<number | undefined>(n).fill(u)))),
  })
  .map(({ base, units, ...rest }): TransportCcFields => ({ ...rest, baseSequenceNumber: base, packets: statuses(base, units) }));

test('property: parse(encode(x)) is x, and encode(parse(bytes)) gives the same bytes', () => {
  fc.assert(
    fc.property(fieldsArb, (f) => {
      const buf = encodeTransportCc(f);
      assert.equal(buf.length % 4, 0);
      assert.equal((buf.readUInt16BE(2) + 1) * 4, buf.length);
      const parsed = parseTransportCc(buf);
      assert.ok(parsed, 'parses');
      const { type: _t, raw: _r, packetStatusCount, ...back } = parsed;
      assert.equal(packetStatusCount, f.packets.length);
      assert.deepEqual(back, f);
      assert.ok(encodeTransportCc(parsed).equals(buf));
    }),
    { numRuns: 3000 },
  );
});
