import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { inspectSctpPacket } from './packet.js';
import { writeSctpChecksum } from './crc32c.js';

// The properties that matter: whatever the check lets through, werift's parser
// reads without throwing (or looping), the packet handed on is the input (or
// the input without skipped chunks), and werift writes back the same bytes.
const require = createRequire(import.meta.url);
interface WeriftChunk {
  readonly bytes: Buffer;
}
const { parsePacket } = require('werift-sctp/lib/sctp/src/chunk.js') as {
  parsePacket: (b: Buffer) => [number, number, number, WeriftChunk[]];
};

/** Chunks whose body is TLV parameters after a fixed prefix (RFC 9260 §3.2.1). */
const PARAM_PREFIX = new Map([
  [1, 16],
  [2, 16],
  [4, 0],
  [5, 0],
  [6, 0],
  [9, 0],
  [130, 0],
]);

const pad4 = (n: number): number => (n + 3) & ~3;

/**
 * What werift's serializer writes for a packet the check accepted. It is the
 * input but for three normalizations, all of which leave the meaning alone:
 *  - every chunk is followed by zero padding to a 4-byte boundary (RFC 9260
 *    §3.2: the sender pads with zeros, the receiver ignores the padding), also
 *    the last chunk of the packet, and padding bytes that were not zero become zero;
 *  - in a chunk of parameters, the padding between parameters is zeroed and
 *    the chunk length leaves out the last parameter's padding (RFC 9260 §3.2:
 *    the length counts the padding of every parameter but the last);
 *  - a SACK loses any bytes after its announced gap blocks and duplicate TSNs.
 */
function normalize(packet: Buffer): Buffer {
  const parts: Buffer[] = [packet.subarray(0, 12)];
  let pos = 12;
  while (pos + 4 <= packet.length) {
    const type = packet[pos]!;
    const length = packet.readUInt16BE(pos + 2);
    let body = packet.subarray(pos + 4, pos + length);
    const prefix = PARAM_PREFIX.get(type);
    if (prefix !== undefined) body = Buffer.concat([body.subarray(0, prefix), normalizeParams(body.subarray(prefix))]);
    else if (type === 3) body = body.subarray(0, 12 + 4 * (body.readUInt16BE(8) + body.readUInt16BE(10)));
    const head = Buffer.from([type, packet[pos + 1]!, (body.length + 4) >> 8, (body.length + 4) & 0xff]);
    parts.push(head, body, Buffer.alloc(pad4(body.length) - body.length));
    pos += pad4(length);
  }
  const out = Buffer.concat(parts);
  writeSctpChecksum(out);
  return out;
}

function normalizeParams(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let pos = 0; pos + 4 <= body.length; pos += pad4(body.readUInt16BE(pos + 2))) {
    const length = body.readUInt16BE(pos + 2);
    if (parts.length > 0) parts.push(Buffer.alloc(pad4(parts.at(-1)!.length) - parts.at(-1)!.length));
    parts.push(body.subarray(pos, pos + length));
  }
  return Buffer.concat(parts);
}

/** Accepted packets werift wrote back with no normalization needed. */
const counts = { identical: 0 };

/** Returns whether the packet passed the check (and so reached werift). */
function check(bytes: Buffer): boolean {
  const r = inspectSctpPacket(bytes);
  if (!r.ok) return false;
  const [, , tag, chunks] = parsePacket(r.packet);
  assert.equal(chunks.length, r.chunkCount);
  assert.equal(tag, r.verificationTag);
  if (r.packet !== bytes) assert.ok(r.packet.length < bytes.length, 'only skipped chunks are cut');
  const again = Buffer.concat([r.packet.subarray(0, 12), ...chunks.map((c) => c.bytes)]);
  writeSctpChecksum(again);
  assert.deepEqual(again, normalize(r.packet), 'werift writes back the packet it read');
  if (again.equals(r.packet)) counts.identical++;
  return true;
}

// --- Chunk generators: every field within its rules, so most packets pass --

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const bytes = (minLength: number, maxLength: number): fc.Arbitrary<Buffer> =>
  fc.uint8Array({ minLength, maxLength }).map((a) => Buffer.from(a));

function chunk(type: number, flags: number, body: Buffer): Buffer {
  const head = Buffer.from([type, flags, (body.length + 4) >> 8, (body.length + 4) & 0xff]);
  return Buffer.concat([head, body, Buffer.alloc(pad4(body.length) - body.length)]);
}

function words(...fields: Array<[value: number, size: 2 | 4]>): Buffer {
  const b = Buffer.alloc(fields.reduce((n, [, size]) => n + size, 0));
  let o = 0;
  for (const [value, size] of fields) o = size === 2 ? b.writeUInt16BE(value, o) : b.writeUInt32BE(value, o);
  return b;
}

function tlv(type: number, value: Buffer): Buffer {
  return Buffer.concat([words([type, 2], [value.length + 4, 2]), value]);
}

/** Parameters padded between one another; `padLast` also pads the last (some senders do). */
const params = (param: fc.Arbitrary<Buffer>, minLength: number, maxLength: number): fc.Arbitrary<Buffer> =>
  fc.tuple(fc.array(param, { minLength, maxLength }), fc.boolean()).map(([list, padLast]) => {
    const padded = list.map((p, i) => (i < list.length - 1 || padLast ? Buffer.concat([p, Buffer.alloc(pad4(p.length) - p.length)]) : p));
    return Buffer.concat(padded);
  });

const anyParam = fc.tuple(u16, bytes(0, 12)).map(([type, value]) => tlv(type, value));
const cookie = bytes(1, 24).map((value) => tlv(7, value));

const dataChunk = fc
  .tuple(u8, u32, u16, u16, u32, bytes(1, 40))
  .map(([flags, tsn, sid, ssn, ppid, data]) => chunk(0, flags, Buffer.concat([words([tsn, 4], [sid, 2], [ssn, 2], [ppid, 4]), data])));

const initFields = fc.tuple(
  fc.integer({ min: 1, max: 0xffff_ffff }),
  fc.integer({ min: 1500, max: 0xffff_ffff }),
  fc.integer({ min: 1, max: 0xffff }),
  fc.integer({ min: 1, max: 0xffff }),
  u32,
);
const initHead = ([tag, rwnd, os, mis, tsn]: [number, number, number, number, number]): Buffer =>
  words([tag, 4], [rwnd, 4], [os, 2], [mis, 2], [tsn, 4]);
const initChunk = fc.tuple(u8, initFields, params(anyParam, 0, 3)).map(([f, init, p]) => chunk(1, f, Buffer.concat([initHead(init), p])));
const initAckChunk = fc
  .tuple(u8, initFields, params(fc.oneof(anyParam, cookie), 0, 2), params(cookie, 1, 1))
  .map(([f, init, p, c]) => chunk(2, f, Buffer.concat([initHead(init), p.length % 4 === 0 ? p : Buffer.concat([p, Buffer.alloc(pad4(p.length) - p.length)]), c])));

/** Gap blocks ascending and apart (start >= 1, start <= end, start > previous end). */
const gapBlocks = fc.array(fc.tuple(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 50 })), { maxLength: 4 }).map((steps) => {
  let end = 0;
  return steps.map(([gap, width]): [number, number] => {
    const start = end + gap;
    end = start + width;
    return [start, end];
  });
});
const sackChunk = fc
  .tuple(u8, u32, u32, gapBlocks, fc.array(u32, { maxLength: 3 }))
  .map(([f, cum, rwnd, gaps, dups]) =>
    chunk(3, f, Buffer.concat([words([cum, 4], [rwnd, 4], [gaps.length, 2], [dups.length, 2]), ...gaps.map(([s, e]) => words([s, 2], [e, 2])), ...dups.map((d) => words([d, 4]))])),
  );

const paramsChunk = (type: number, min: number): fc.Arbitrary<Buffer> =>
  fc.tuple(u8, params(anyParam, min, 3)).map(([f, p]) => chunk(type, f, p));

/** RFC 6525 §4: the parameter types the check constrains, with valid lengths, and others. */
const reconfigParam = fc.oneof(
  fc.tuple(u32, u32, u32, fc.array(u16, { maxLength: 4 })).map(([req, resp, last, sids]) =>
    tlv(13, Buffer.concat([words([req, 4], [resp, 4], [last, 4]), ...sids.map((s) => words([s, 2]))])),
  ),
  fc.tuple(u32, u32, fc.option(fc.tuple(u32, u32), { nil: undefined })).map(([seq, result, tsns]) =>
    tlv(16, Buffer.concat([words([seq, 4], [result, 4]), tsns === undefined ? Buffer.alloc(0) : words([tsns[0], 4], [tsns[1], 4])])),
  ),
  fc.tuple(u32, u16).map(([seq, n]) => tlv(17, words([seq, 4], [n, 2], [0, 2]))),
  anyParam,
);
const reconfigChunk = fc.tuple(u8, params(reconfigParam, 1, 2)).map(([f, p]) => chunk(130, f, p));

const forwardTsnChunk = fc
  .tuple(u8, u32, fc.array(fc.tuple(u16, u16), { maxLength: 4 }))
  .map(([f, cum, streams]) => chunk(192, f, Buffer.concat([words([cum, 4]), ...streams.map(([s, n]) => words([s, 2], [n, 2]))])));

const validChunk = fc.oneof(
  { weight: 4, arbitrary: dataChunk },
  { weight: 3, arbitrary: sackChunk },
  { weight: 1, arbitrary: initAckChunk },
  { weight: 1, arbitrary: paramsChunk(4, 1) },
  { weight: 1, arbitrary: paramsChunk(5, 1) },
  { weight: 1, arbitrary: paramsChunk(6, 0) },
  { weight: 1, arbitrary: paramsChunk(9, 0) },
  { weight: 1, arbitrary: fc.tuple(u8, u32).map(([f, cum]) => chunk(7, f, words([cum, 4]))) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(8, 11, 14), u8).map(([type, f]) => chunk(type, f, Buffer.alloc(0))) },
  { weight: 1, arbitrary: fc.tuple(u8, bytes(1, 40)).map(([f, c]) => chunk(10, f, c)) },
  { weight: 2, arbitrary: reconfigChunk },
  { weight: 2, arbitrary: forwardTsnChunk },
  // Unknown types with the "skip" bit (1x), which the check cuts out.
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(0x84, 0xc1, 0xff), u8, bytes(0, 12)).map(([type, f, b]) => chunk(type, f, b)) },
);

function sctpPacket(tag: number, src: number, dst: number, chunks: Buffer[]): Buffer {
  const packet = Buffer.concat([words([src, 2], [dst, 2], [tag, 4], [0, 4]), ...chunks]);
  writeSctpChecksum(packet);
  return packet;
}

/** INIT travels alone with a zero tag (RFC 9260 §6.10); everything else with any tag. */
const validPacket = fc.oneof(
  { weight: 1, arbitrary: fc.tuple(u16, u16, initChunk).map(([src, dst, c]) => sctpPacket(0, src, dst, [c])) },
  { weight: 12, arbitrary: fc.tuple(u32, u16, u16, fc.array(validChunk, { minLength: 1, maxLength: 4 })).map(([tag, src, dst, cs]) => sctpPacket(tag, src, dst, cs)) },
);

/** A few bytes after the common header rewritten, the first chunk's length moved, or the end cut; checksum fixed. */
const mutatedPacket = fc
  .tuple(
    validPacket,
    fc.constantFrom('bytes', 'bytes', 'length', 'cut'),
    fc.array(fc.tuple(fc.nat(), u8), { minLength: 1, maxLength: 3 }),
    fc.integer({ min: -8, max: 8 }),
    fc.integer({ min: 1, max: 7 }),
  )
  .map(([packet, kind, edits, lengthDelta, cut]) => {
    const b = Buffer.from(packet);
    if (kind === 'bytes') for (const [at, value] of edits) b[12 + (at % (b.length - 12))] = value;
    if (kind === 'length') b.writeUInt16BE(Math.max(0, b.readUInt16BE(14) + lengthDelta), 14);
    const out = kind === 'cut' ? b.subarray(0, Math.max(12, b.length - cut)) : b;
    writeSctpChecksum(out);
    return out;
  });

test('fuzz: random bytes with a valid checksum never throw, and what passes werift parses', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 12, maxLength: 200 }), (arr) => {
      const bytes = Buffer.from(arr);
      writeSctpChecksum(bytes);
      check(bytes);
      inspectSctpPacket(bytes.subarray(0, bytes.length - 1));
    }),
    { numRuns: 100_000 },
  );
});

const CHUNK_RUNS = 120_000;

test('fuzz: well-formed and mutated chunk sequences reach werift, which parses them and writes them back', (t) => {
  const identicalBefore = counts.identical;
  let passed = 0;
  fc.assert(
    fc.property(fc.oneof({ weight: 9, arbitrary: validPacket }, { weight: 1, arbitrary: mutatedPacket }), (bytes) => {
      if (check(bytes)) passed++;
    }),
    { numRuns: CHUNK_RUNS },
  );
  const identical = counts.identical - identicalBefore;
  t.diagnostic(`${passed} of ${CHUNK_RUNS} passed the check and reached werift's parser; ${identical} came back byte for byte without normalization`);
  // Floors: a generator that drifts into packets the check refuses fails here.
  assert.ok(passed >= 100_000, `${passed} of ${CHUNK_RUNS} reached werift`);
  assert.ok(identical >= passed / 2, `${identical} of ${passed} written back unchanged`);
});

test('packets without a valid checksum are always rejected', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 16, maxLength: 100 }), (arr) => {
      const bytes = Buffer.from(arr);
      writeSctpChecksum(bytes);
      bytes[8]! ^= 0x01;
      assert.deepEqual(inspectSctpPacket(bytes), { ok: false, problem: 'bad-checksum' });
    }),
    { numRuns: 10_000 },
  );
});
