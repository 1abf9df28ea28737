import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RtpPacket } from './packet.js';

const hex = (...parts: string[]): Buffer => Buffer.from(parts.join(''), 'hex');

/** Well-formed packets with RFC 8285 elements of either form, CSRCs and padding. */
const wellFormed = fc
  .record({
    twoByte: fc.boolean(),
    csrcs: fc.nat(3),
    elements: fc.array(fc.record({ id: fc.integer({ min: 1, max: 14 }), value: fc.uint8Array({ minLength: 1, maxLength: 16 }) }), {
      maxLength: 4,
    }),
    gap: fc.nat(3),
    withExtension: fc.boolean(),
    payload: fc.uint8Array({ maxLength: 20 }),
    padding: fc.nat(4),
    seed: fc.uint8Array({ minLength: 12, maxLength: 12 }),
  })
  .map((r) => {
    const parts: Buffer[] = [];
    const head = Buffer.from(r.seed);
    head[0] = 0x80 | (r.padding > 0 ? 0x20 : 0) | (r.withExtension ? 0x10 : 0) | r.csrcs;
    parts.push(head, Buffer.alloc(r.csrcs * 4, 7));
    if (r.withExtension) {
      const body: number[] = [];
      for (const e of r.elements) {
        if (r.twoByte) body.push(e.id, e.value.length, ...e.value);
        else body.push((e.id << 4) | (e.value.length - 1), ...e.value);
        for (let i = 0; i < r.gap; i++) body.push(0);
      }
      while (body.length % 4 !== 0) body.push(0);
      const h = Buffer.alloc(4);
      h.writeUInt16BE(r.twoByte ? 0x1000 : 0xbede, 0);
      h.writeUInt16BE(body.length / 4, 2);
      parts.push(h, Buffer.from(body));
    }
    parts.push(Buffer.from(r.payload));
    if (r.padding > 0) {
      const pad = Buffer.alloc(r.padding);
      pad[r.padding - 1] = r.padding;
      parts.push(pad);
    }
    return Buffer.concat(parts);
  });

const seeds = [
  hex('80e0123400000001deadbeef', 'aabbcc'),
  hex('a208ffffffffffff00000002', '0000001100000022', '0102', '000003'),
  hex('906f00010000000011223344', 'bede0002', '22123456', '10ff', '0000', 'c0ffee'),
  hex('9060abcd1234567801020304', '10000002', '0100', '0f03616263', '00', '99'),
];

/** Valid packets with a few bytes overwritten and maybe truncated. */
const mutated = fc
  .tuple(
    fc.oneof(fc.constantFrom(...seeds), wellFormed),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
    fc.nat(8),
  )
  .map(([seed, edits, cut]) => {
    const b = Buffer.from(seed);
    for (const [i, v] of edits) if (b.length > 0) b[i % b.length] = v;
    return cut > 5 ? b.subarray(0, Math.max(0, b.length - cut)) : b;
  });

const input = fc.oneof(
  { arbitrary: fc.uint8Array({ maxLength: 200 }).map((u) => Buffer.from(u)), weight: 1 },
  { arbitrary: wellFormed, weight: 2 },
  { arbitrary: mutated, weight: 3 },
);

const IDENTITY = Uint8Array.from({ length: 256 }, (_, i) => i);

test('RtpPacket.parse: never throws; what parses re-serializes identically and stays coherent', (t) => {
  let parsed = 0;
  fc.assert(
    fc.property(input, fc.integer({ min: 1, max: 20 }), fc.uint8Array({ maxLength: 18 }), (buf, setId, setValue) => {
      const original = Buffer.from(buf);
      const p = RtpPacket.parse(buf);
      if (p === undefined) return;
      parsed++;
      assert.ok(p.serialize().equals(original));
      assert.equal(p.headerLength + p.payloadLength + p.paddingLength, p.byteLength);
      const ids = p.getExtensionIds();
      const values = new Map<number, Buffer>();
      for (const id of ids) {
        const v = p.getExtension(id);
        assert.ok(v !== undefined);
        if (!values.has(id)) values.set(id, Buffer.from(v));
      }
      // Identity remap is a no-op on the bytes.
      const c = p.clone();
      c.remapExtensions(IDENTITY);
      if (p.extensionForm !== 'one-byte' || ids.every((id) => id <= 14)) assert.ok(c.buffer.equals(original));
      // setExtension leaves a parseable packet carrying the value and every other element.
      const s = p.clone();
      if (s.setExtension(setId, setValue)) {
        const again = RtpPacket.parse(s.buffer);
        assert.ok(again !== undefined);
        assert.deepEqual(again.getExtension(setId), Buffer.from(setValue));
        for (const [id, v] of values) if (id !== setId) assert.deepEqual(again.getExtension(id), v);
        assert.ok(again.payload.equals(p.payload));
        assert.equal(again.paddingLength, p.paddingLength);
        assert.equal(again.sequenceNumber, p.sequenceNumber);
      }
    }),
    { numRuns: 100_000 },
  );
  t.diagnostic(`${parsed} of 100000 parsed`);
  // A floor: a third of the inputs are well-formed by construction.
  assert.ok(parsed > 30_000, `${parsed} of 100000 parsed`);
});
