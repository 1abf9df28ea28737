import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { RtpPacket } from '../wire/rtp/packet.js';
import { MAX_RTP_WRITE, writeConsumerRtp, type RtpWriteSpec } from './rtp-writer.js';

/** Build an RTP packet with the given one- or two-byte extension elements. */
function buildPacket(elements: { id: number; value: Buffer }[], payload: Buffer, twoByte: boolean, csrcs: number[] = []): Buffer {
  const header = Buffer.alloc(12 + csrcs.length * 4);
  header[0] = 0x80 | (elements.length > 0 ? 0x10 : 0) | csrcs.length;
  header[1] = 0x80 | 96; // marker + PT 96
  header.writeUInt16BE(1000, 2);
  header.writeUInt32BE(123456, 4);
  header.writeUInt32BE(0xdeadbeef, 8);
  csrcs.forEach((c, i) => header.writeUInt32BE(c, 12 + i * 4));
  if (elements.length === 0) return Buffer.concat([header, payload]);
  const parts: Buffer[] = [];
  for (const e of elements) {
    parts.push(twoByte ? Buffer.from([e.id, e.value.length]) : Buffer.from([(e.id << 4) | (e.value.length - 1)]), e.value);
  }
  let body = Buffer.concat(parts);
  body = Buffer.concat([body, Buffer.alloc((4 - (body.length % 4)) % 4)]);
  const extHeader = Buffer.alloc(4);
  extHeader.writeUInt16BE(twoByte ? 0x1000 : 0xbede, 0);
  extHeader.writeUInt16BE(body.length / 4, 2);
  return Buffer.concat([header, extHeader, body, payload]);
}

function spec(allowed: number[], midExtensionId: number, mid: string): RtpWriteSpec {
  const allowedExtensions = new Uint8Array(256);
  for (const id of allowed) allowedExtensions[id] = 1;
  return {
    ssrc: 0x01020304,
    payloadType: 101,
    sequenceNumber: 7,
    timestamp: 99,
    allowedExtensions,
    midExtensionId,
    mid: Buffer.from(mid),
    transportCcExtensionId: 0,
    transportSeq: 0,
    absSendTimeExtensionId: 0,
    absSendTime: 0,
  };
}

test('rewrites the header, keeps negotiated extensions, writes the consumer MID', () => {
  const src = buildPacket(
    [
      { id: 1, value: Buffer.from('0') }, // producer MID, replaced
      { id: 3, value: Buffer.from([1, 2, 3]) }, // abs-send-time, kept
      { id: 5, value: Buffer.from([0, 9]) }, // transport-cc, not negotiated: removed
    ],
    Buffer.from('payload!'),
    false,
    [42],
  );
  const packet = RtpPacket.parse(src)!;
  const out = Buffer.alloc(MAX_RTP_WRITE);
  const n = writeConsumerRtp(packet, out, spec([1, 3], 1, 'video-7'));
  const written = RtpPacket.parse(out.subarray(0, n))!;
  assert.ok(written);
  assert.equal(written.ssrc, 0x01020304);
  assert.equal(written.payloadType, 101);
  assert.equal(written.sequenceNumber, 7);
  assert.equal(written.timestamp, 99);
  assert.equal(written.marker, true);
  assert.deepEqual(written.csrcs, [42]);
  assert.equal(written.getExtension(1)?.toString(), 'video-7');
  assert.deepEqual([...written.getExtension(3)!], [1, 2, 3]);
  assert.equal(written.getExtension(5), undefined);
  assert.equal(written.payload.toString(), 'payload!');
  // The producer's packet is untouched.
  assert.equal(packet.ssrc, 0xdeadbeef);
  assert.equal(packet.getExtension(1)?.toString(), '0');
});

test('drops the extension block when nothing survives', () => {
  const src = buildPacket([{ id: 5, value: Buffer.from([0, 9]) }], Buffer.from('x'), false);
  const out = Buffer.alloc(MAX_RTP_WRITE);
  const n = writeConsumerRtp(RtpPacket.parse(src)!, out, spec([], 0, ''));
  const written = RtpPacket.parse(out.subarray(0, n))!;
  assert.equal(written.hasExtension, false);
  assert.equal(n, 12 + 1);
});

test('switches to the two-byte form for a MID longer than 16 bytes', () => {
  const src = buildPacket([{ id: 3, value: Buffer.from([1, 2, 3]) }], Buffer.from('x'), false);
  const out = Buffer.alloc(MAX_RTP_WRITE);
  const longMid = 'a-very-long-mid-value-20';
  const n = writeConsumerRtp(RtpPacket.parse(src)!, out, spec([3], 1, longMid));
  const written = RtpPacket.parse(out.subarray(0, n))!;
  assert.equal(written.extensionForm, 'two-byte');
  assert.equal(written.getExtension(1)?.toString(), longMid);
  assert.deepEqual([...written.getExtension(3)!], [1, 2, 3]);
});

test('property: any packet is written as a valid packet carrying exactly the allowed elements', () => {
  const element = fc.record({ id: fc.integer({ min: 1, max: 14 }), value: fc.uint8Array({ minLength: 1, maxLength: 16 }) });
  fc.assert(
    fc.property(
      fc.uniqueArray(element, { selector: (e) => e.id, maxLength: 8 }),
      fc.uint8Array({ maxLength: 1200 }),
      fc.boolean(),
      fc.uniqueArray(fc.integer({ min: 1, max: 14 }), { maxLength: 14 }),
      fc.integer({ min: 0, max: 14 }),
      fc.string({ minLength: 1, maxLength: 20 }).filter((s) => Buffer.byteLength(s) <= 255),
      (elements, payload, twoByte, allowed, midId, mid) => {
        const src = buildPacket(elements.map((e) => ({ id: e.id, value: Buffer.from(e.value) })), Buffer.from(payload), twoByte);
        const packet = RtpPacket.parse(src);
        assert.ok(packet);
        const out = Buffer.alloc(MAX_RTP_WRITE);
        const n = writeConsumerRtp(packet, out, spec(allowed, midId, mid));
        assert.ok(n > 0);
        const written = RtpPacket.parse(out.subarray(0, n));
        assert.ok(written, 'the written packet parses');
        assert.deepEqual(Buffer.from(written.payload), Buffer.from(payload));
        for (const e of elements) {
          if (e.id === midId) continue;
          const got = written.getExtension(e.id);
          if (allowed.includes(e.id)) assert.deepEqual(got && [...got], [...e.value]);
          else assert.equal(got, undefined);
        }
        if (midId !== 0) assert.equal(written.getExtension(midId)?.toString(), mid);
      },
    ),
    { numRuns: 20_000 },
  );
});

test('transport-wide-cc and abs-send-time carry our values, not the producer\'s', () => {
  const src = buildPacket(
    [
      { id: 3, value: Buffer.from([1, 2, 3]) }, // abs-send-time from the producer
      { id: 5, value: Buffer.from([0, 9]) }, // transport-wide seq from the producer
    ],
    Buffer.from('x'),
    false,
  );
  const out = Buffer.alloc(MAX_RTP_WRITE);
  const s = { ...spec([3, 5], 0, ''), transportCcExtensionId: 5, transportSeq: 0x1234, absSendTimeExtensionId: 3, absSendTime: 0xabcdef };
  const n = writeConsumerRtp(RtpPacket.parse(src)!, out, s);
  const written = RtpPacket.parse(out.subarray(0, n))!;
  assert.equal(written.getExtension(5)!.readUInt16BE(0), 0x1234);
  assert.equal(written.getExtension(3)!.readUIntBE(0, 3), 0xabcdef);
});
