import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { inspectSctpPacket } from './packet.js';
import { writeSctpChecksum } from './crc32c.js';

// The property that matters: whatever the check lets through, werift's parser
// reads without throwing (or looping), and the packet handed on is the input.
const require = createRequire(import.meta.url);
const { parsePacket } = require('werift-sctp/lib/sctp/src/chunk.js') as { parsePacket: (b: Buffer) => [number, number, number, unknown[]] };

const KNOWN_TYPES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 14, 130, 192, 0x0d, 0x84, 0xc1];

function check(bytes: Buffer): void {
  const r = inspectSctpPacket(bytes);
  if (!r.ok) return;
  const [, , , chunks] = parsePacket(r.packet);
  assert.equal(chunks.length, r.chunkCount);
  if (r.packet !== bytes) assert.ok(r.packet.length < bytes.length, 'only skipped chunks are cut');
  else assert.equal(r.packet, bytes);
}

const chunkArb = fc
  .record({
    type: fc.constantFrom(...KNOWN_TYPES),
    flags: fc.integer({ min: 0, max: 255 }),
    body: fc.uint8Array({ maxLength: 40 }),
    lengthDelta: fc.oneof(fc.constant(0), fc.integer({ min: -8, max: 8 })),
  })
  .map(({ type, flags, body, lengthDelta }) => {
    const length = Math.max(0, Math.min(0xffff, body.length + 4 + lengthDelta));
    const head = Buffer.from([type, flags, length >> 8, length & 0xff]);
    const raw = Buffer.concat([head, body]);
    return Buffer.concat([raw, Buffer.alloc((4 - (raw.length % 4)) % 4)]);
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

test('fuzz: structured chunk sequences with wrong lengths never throw, and what passes werift parses', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.array(chunkArb, { minLength: 1, maxLength: 4 }), (tag, chunks) => {
      const header = Buffer.alloc(12);
      header.writeUInt16BE(5000, 0);
      header.writeUInt16BE(5000, 2);
      header.writeUInt32BE(tag, 4);
      const bytes = Buffer.concat([header, ...chunks]);
      writeSctpChecksum(bytes);
      check(bytes);
    }),
    { numRuns: 100_000 },
  );
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
