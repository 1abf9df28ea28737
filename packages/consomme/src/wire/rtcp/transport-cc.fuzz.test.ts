// Fuzz of the transport-cc feedback parser. A parsed packet re-serializes as
// a copy of its bytes (several chunk spellings carry the same statuses), so the
// byte check alone proves little; the check that matters is on the fields:
// what parses, encoded again (encodeTransportCc's one spelling), parses to the
// same fields, and that encoding is stable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { encodeTransportCc, parseTransportCc, serializeTransportCcInto, transportCcByteLength, type TransportCc, type TransportCcFields } from './transport-cc.js';

const RUNS = 120_000;

/** The fields of a parsed packet, without its bytes. */
function fieldsOf(p: TransportCc): TransportCcFields & { packetStatusCount: number } {
  const { type: _type, raw: _raw, ...fields } = p;
  return fields;
}

const u8 = fc.integer({ min: 0, max: 255 });

/** Feedback built by the encoder: every chunk kind, both delta sizes, lost packets. */
const encoded = fc
  .record({
    senderSsrc: fc.integer({ min: 0, max: 0xffff_ffff }),
    mediaSsrc: fc.integer({ min: 0, max: 0xffff_ffff }),
    base: fc.integer({ min: 0, max: 0xffff }),
    referenceTime: fc.integer({ min: -0x80_0000, max: 0x7f_ffff }),
    feedbackPacketCount: u8,
    runs: fc.array(
      fc.tuple(
        fc.oneof(fc.constant<number | undefined>(undefined), fc.integer({ min: 0, max: 255 }), fc.integer({ min: -0x8000, max: 0x7fff })),
        fc.integer({ min: 1, max: 20 }),
      ),
      { minLength: 1, maxLength: 8 },
    ),
  })
  .map(({ base, runs, ...rest }) => {
    const units = runs.flatMap(([u, n]) => Array<number | undefined>(n).fill(u));
    const packets = units.map((u, i) => ({ seq: (base + i) & 0xffff, received: u !== undefined, deltaUs: (u ?? 0) * 250 }));
    return encodeTransportCc({ ...rest, baseSequenceNumber: base, packets });
  });

/**
 * Encoded feedback with a few bytes overwritten (status count, chunk words and
 * deltas included), cut short or lengthened, or given RTCP padding (P=1 and
 * the count in the last byte, as libwebrtc sends it).
 */
const mutated = fc
  .tuple(
    encoded,
    fc.array(fc.tuple(fc.nat(), u8), { maxLength: 2 }),
    fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -6, max: 6 }) }),
    fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 4 }) }),
  )
  .map(([buf, edits, resize, pad]) => {
    let b = Buffer.from(buf);
    for (const [at, value] of edits) b[at % b.length] = value;
    if (resize < 0) b = b.subarray(0, Math.max(0, b.length + resize));
    else if (resize > 0) b = Buffer.concat([b, Buffer.alloc(resize)]);
    if (pad > 0 && b.length > 0) {
      b = Buffer.concat([b, Buffer.alloc(pad)]);
      b[0]! |= 0x20;
      b[b.length - 1] = pad;
    }
    return b;
  });

/** A 20-byte header with a small status count, then random chunk words and deltas. */
const structured = fc
  .tuple(fc.uint8Array({ minLength: 12, maxLength: 12 }), fc.integer({ min: 0, max: 40 }), fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.uint8Array({ maxLength: 60 }))
  .map(([head, count, rest, body]) => {
    const b = Buffer.concat([Buffer.from(head), Buffer.alloc(4), Buffer.from(rest), Buffer.from(body)]);
    b.writeUInt16BE(count, 14);
    return b;
  });

const input = fc.oneof(
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 120 }).map((a) => Buffer.from(a)) },
  { weight: 2, arbitrary: structured },
  { weight: 4, arbitrary: mutated },
  { weight: 1, arbitrary: encoded },
);

test('parseTransportCc: never throws; what parses keeps its fields through encode and parse', (t) => {
  let parsed = 0;
  let empty = 0;
  fc.assert(
    fc.property(input, (buf) => {
      const original = Buffer.from(buf);
      const p = parseTransportCc(buf);
      if (p === undefined) return;
      parsed++;
      // The packet itself re-serializes to the same bytes.
      const out = Buffer.alloc(transportCcByteLength(p));
      assert.equal(serializeTransportCcInto(p, out, 0), original.length);
      assert.ok(out.equals(original));
      assert.equal(p.packets.length, p.packetStatusCount);
      if (p.packetStatusCount === 0) {
        // Feedback about no packets parses, but the encoder never writes one.
        empty++;
        assert.throws(() => encodeTransportCc(p), RangeError);
        return;
      }
      const encodedAgain = encodeTransportCc(p);
      const back = parseTransportCc(encodedAgain);
      assert.ok(back, 'the encoding parses');
      assert.deepEqual(fieldsOf(back), fieldsOf(p));
      assert.ok(encodeTransportCc(back).equals(encodedAgain), 'the encoding is stable');
    }),
    { numRuns: RUNS },
  );
  t.diagnostic(`${parsed} of ${RUNS} parsed (${empty} with no statuses)`);
  // A floor, so that a generator which drifts into unparseable input fails here.
  assert.ok(parsed > 40_000, `${parsed} of ${RUNS} parsed`);
});
