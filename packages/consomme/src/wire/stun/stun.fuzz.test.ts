import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  StunMessageBuilder,
  formatIp,
  getErrorCode,
  getFingerprint,
  getIceControlled,
  getIceControlling,
  getMappedAddress,
  getMessageIntegrity,
  getPriority,
  getSoftware,
  getUnknownAttributes,
  getUsername,
  getXorMappedAddress,
  hasUseCandidate,
  isStun,
  parseIp,
  parseStun,
  serializeStun,
  verifyFingerprint,
  verifyMessageIntegrity,
} from './index.js';
import type { StunClass } from './index.js';

const KEY = Buffer.from('VOkJxbRl1RmTxUk/WvJxBt');

// RFC 5769 §2.1, the richest valid message to mutate.
const SEED = Buffer.from(
  '000100582112a442b7e7a701bc34d686fa87dfae8022001053545' +
    '54e20746573742063 6c69656e74002400046e0001ff80290008932ff9b151263b36000600096576746a3a68367659202020' +
    '000800149aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a280280004e57a3bcf',
  'hex',
);

const classes: StunClass[] = ['request', 'indication', 'successResponse', 'errorResponse'];
const attrTypes = fc.oneof(
  fc.constantFrom(0x0001, 0x0006, 0x0008, 0x0009, 0x000a, 0x0020, 0x0024, 0x0025, 0x8022, 0x8028, 0x8029, 0x802a),
  fc.integer({ min: 0, max: 0xffff }),
);

/** Well-formed messages from the builder, with random (sometimes non-zero) padding. */
const built = fc
  .record({
    cls: fc.constantFrom(...classes),
    method: fc.integer({ min: 0, max: 0xfff }),
    tid: fc.uint8Array({ minLength: 12, maxLength: 12 }),
    attrs: fc.array(
      fc.record({ type: attrTypes, value: fc.uint8Array({ maxLength: 24 }), pad: fc.uint8Array({ minLength: 3, maxLength: 3 }) }),
      { maxLength: 6 },
    ),
    mi: fc.boolean(),
    fp: fc.boolean(),
  })
  .map(({ cls, method, tid, attrs, mi, fp }) => {
    const b = new StunMessageBuilder(cls, method, Buffer.from(tid));
    for (const a of attrs) {
      const padLength = (4 - (a.value.length % 4)) % 4;
      b.add(a.type, Buffer.from(a.value), padLength > 0 ? Buffer.from(a.pad.subarray(0, padLength)) : undefined);
    }
    return b.build(mi ? { integrityKey: KEY, fingerprint: fp } : { fingerprint: fp });
  });

/** A STUN header with a consistent length in front of random attribute bytes. */
const headed = fc
  .record({ type: fc.integer({ min: 0, max: 0x3fff }), words: fc.integer({ min: 0, max: 40 }), seed: fc.uint8Array({ maxLength: 180 }) })
  .map(({ type, words, seed }) => {
    const buf = Buffer.alloc(20 + words * 4);
    buf.writeUInt16BE(type, 0);
    buf.writeUInt16BE(words * 4, 2);
    buf.writeUInt32BE(0x2112a442, 4);
    Buffer.from(seed).copy(buf, 8);
    return buf;
  });

const mutate = (base: fc.Arbitrary<Buffer>): fc.Arbitrary<Buffer> =>
  fc
    .record({
      base,
      flips: fc.array(fc.record({ at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }), { maxLength: 4 }),
      cut: fc.option(fc.nat(), { nil: undefined }),
    })
    .map(({ base: b, flips, cut }) => {
      const out = Buffer.from(b);
      for (const f of flips) if (out.length > 0) out[f.at % out.length] = out[f.at % out.length]! ^ f.xor;
      return cut === undefined ? out : out.subarray(0, cut % (out.length + 1));
    });

const inputs = fc.oneof(
  fc.uint8Array({ maxLength: 200 }).map((u) => Buffer.from(u)),
  headed,
  built,
  mutate(built),
  mutate(fc.constant(SEED)),
);

test('fuzz: parseStun never throws and re-serializes byte-identically', () => {
  let parsed = 0;
  fc.assert(
    fc.property(inputs, (buf) => {
      const fp = verifyFingerprint(buf);
      const mi = verifyMessageIntegrity(buf, KEY);
      const msg = parseStun(buf);
      if (msg === undefined) {
        assert.equal(fp, false);
        assert.equal(mi, false);
        return;
      }
      parsed++;
      assert.ok(isStun(buf));
      assert.deepEqual(serializeStun(msg), buf);
      getUsername(msg);
      getSoftware(msg);
      getMessageIntegrity(msg);
      getFingerprint(msg);
      getPriority(msg);
      hasUseCandidate(msg);
      getIceControlling(msg);
      getIceControlled(msg);
      getErrorCode(msg);
      getUnknownAttributes(msg);
      getMappedAddress(msg);
      getXorMappedAddress(msg);
    }),
    { numRuns: 100_000 },
  );
  assert.ok(parsed > 30_000, `only ${parsed} inputs parsed`);
});

test('fuzz: an appended FINGERPRINT verifies, and flipping any byte breaks it', () => {
  fc.assert(
    fc.property(built, fc.nat(), fc.integer({ min: 1, max: 255 }), (buf, at, xor) => {
      const msg = parseStun(buf);
      assert.ok(msg);
      const signed = serializeStun(msg, { integrityKey: KEY, fingerprint: true });
      assert.ok(verifyFingerprint(signed));
      const bad = Buffer.from(signed);
      bad[at % bad.length] = bad[at % bad.length]! ^ xor;
      assert.equal(verifyFingerprint(bad), false);
    }),
    { numRuns: 20_000 },
  );
});

test('fuzz: parseIp never throws and formatIp text parses back to the same bytes', () => {
  const text = fc.oneof(
    fc.string({ maxLength: 45 }),
    fc.stringMatching(/^[0-9a-fA-F:.]{0,45}$/),
    fc.ipV4(),
    fc.ipV6(),
  );
  fc.assert(
    fc.property(text, (t) => {
      const ip = parseIp(t);
      if (ip === undefined) return;
      const back = parseIp(formatIp(ip.bytes, 0, ip.bytes.length === 4 ? 4 : 16));
      assert.deepEqual(back, ip);
    }),
    { numRuns: 100_000 },
  );
});
