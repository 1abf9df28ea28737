import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RtpPacket } from '../../wire/rtp/packet.js';
import { writePaddingPacket } from './rtx-packets.js';

test('a padding-only RTX packet parses back with its fields, extensions and padding', () => {
  const out = Buffer.alloc(1600);
  const length = writePaddingPacket(out, {
    payloadType: 97, sequenceNumber: 65535, timestamp: 0xfffffffe, ssrc: 0x12345678,
    transportCcExtensionId: 3, transportSeq: 4242, midExtensionId: 1, mid: Buffer.from('12'), size: 200,
  });
  assert.equal(length, 200);
  const p = RtpPacket.parse(out.subarray(0, length))!;
  assert.ok(p, 'parses');
  assert.equal(p.payloadType, 97);
  assert.equal(p.sequenceNumber, 65535);
  assert.equal(p.timestamp, 0xfffffffe);
  assert.equal(p.ssrc, 0x12345678);
  assert.equal(p.payloadLength, 0, 'padding only');
  assert.equal(p.getExtension(3)!.readUInt16BE(0), 4242);
  assert.equal(p.getExtension(1)!.toString(), '12');
  assert.equal(out[length - 1], length - p.headerLength);
  const capped = writePaddingPacket(out, { payloadType: 97, sequenceNumber: 1, timestamp: 1, ssrc: 1, transportCcExtensionId: 3, transportSeq: 1, midExtensionId: 0, mid: Buffer.alloc(0), size: 1500 });
  assert.equal(capped, 20 + 255, 'at most 255 padding bytes (one count byte)');
});
