// RTP fixed header and RFC 8285 header extension vectors, built by hand
// from the diagrams of RFC 3550 §5.1 and RFC 8285 §4.2–4.3.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RtpPacket, parseRtpWithReason } from './packet.js';

const hex = (...parts: string[]): Buffer => Buffer.from(parts.join('').replace(/\s+/g, ''), 'hex');

const MINIMAL = hex(
  '80', //       V=2 P=0 X=0 CC=0
  'e0', //       M=1 PT=96
  '1234', //     sequence number 0x1234
  '00000001', // timestamp 1
  'deadbeef', // SSRC
  'aabbcc', //   payload
);

const CSRC_PADDING = hex(
  'a2', //       V=2 P=1 X=0 CC=2
  '08', //       M=0 PT=8
  'ffff', //     sequence number 65535
  'ffffffff', // timestamp 2^32-1
  '00000002', // SSRC
  '00000011', // CSRC 1
  '00000022', // CSRC 2
  '0102', //     payload
  '000003', //   padding, last byte counts itself: 3
);

const ONE_BYTE_EXT = hex(
  '90', //       V=2 P=0 X=1 CC=0
  '6f', //       M=0 PT=111
  '0001', //     sequence number 1
  '00000000', // timestamp 0
  '11223344', // SSRC
  'bede', //     one-byte profile
  '0002', //     extension length: 2 words
  '22123456', // ID=2 L=2 (3 bytes): 12 34 56
  '10ff', //     ID=1 L=0 (1 byte): ff
  '0000', //     padding
  'c0ffee', //   payload
);

const TWO_BYTE_EXT = hex(
  '90', //       V=2 P=0 X=1 CC=0
  '60', //       M=0 PT=96
  'abcd', //     sequence number
  '12345678', // timestamp
  '01020304', // SSRC
  '1000', //     two-byte profile, appbits 0
  '0002', //     extension length: 2 words
  '0100', //     ID=1 length 0
  '0f03616263', // ID=15 length 3: "abc"
  '00', //       padding
  '99', //       payload
);

test('fixed header fields', () => {
  const p = RtpPacket.parse(MINIMAL)!;
  assert.equal(p.marker, true);
  assert.equal(p.payloadType, 96);
  assert.equal(p.sequenceNumber, 0x1234);
  assert.equal(p.timestamp, 1);
  assert.equal(p.ssrc, 0xdeadbeef);
  assert.equal(p.headerLength, 12);
  assert.deepEqual(p.csrcs, []);
  assert.equal(p.paddingLength, 0);
  assert.equal(p.hasExtension, false);
  assert.equal(p.extensionForm, 'none');
  assert.deepEqual(p.payload, hex('aabbcc'));
  assert.ok(p.serialize().equals(MINIMAL));
});

test('CSRCs and padding', () => {
  const p = RtpPacket.parse(CSRC_PADDING)!;
  assert.equal(p.marker, false);
  assert.equal(p.payloadType, 8);
  assert.equal(p.sequenceNumber, 0xffff);
  assert.equal(p.timestamp, 0xffffffff);
  assert.deepEqual(p.csrcs, [0x11, 0x22]);
  assert.equal(p.headerLength, 20);
  assert.equal(p.hasPadding, true);
  assert.equal(p.paddingLength, 3);
  assert.deepEqual(p.payload, hex('0102'));
  assert.equal(p.payloadLength, 2);
});

test('one-byte extension elements', () => {
  const p = RtpPacket.parse(ONE_BYTE_EXT)!;
  assert.equal(p.extensionForm, 'one-byte');
  assert.equal(p.extensionProfile, 0xbede);
  assert.equal(p.headerLength, 24);
  assert.deepEqual(p.getExtensionIds(), [2, 1]);
  assert.deepEqual(p.getExtension(2), hex('123456'));
  assert.deepEqual(p.getExtension(1), hex('ff'));
  assert.equal(p.getExtension(3), undefined);
  assert.deepEqual(p.payload, hex('c0ffee'));
});

test('two-byte extension elements', () => {
  const p = RtpPacket.parse(TWO_BYTE_EXT)!;
  assert.equal(p.extensionForm, 'two-byte');
  assert.deepEqual(p.getExtensionIds(), [1, 15]);
  assert.deepEqual(p.getExtension(1), hex(''));
  assert.deepEqual(p.getExtension(15)?.toString(), 'abc');
  assert.deepEqual(p.payload, hex('99'));
});

test('refusals, with their reasons', () => {
  const rows: [name: string, buf: Buffer, reason: string][] = [
    ['11 bytes', MINIMAL.subarray(0, 11), 'too-short'],
    ['version 1', hex('40e0123400000001deadbeef'), 'bad-version'],
    ['CC=1 without room', hex('81e0123400000001deadbeef'), 'csrc-overrun'],
    ['X=1 without block header', hex('90e0123400000001deadbeef'), 'extension-overrun'],
    ['X=1 length past the end', hex('90e0123400000001deadbeef', 'bede0001', '1000'), 'extension-overrun'],
    ['padding count 0', hex('a0e0123400000001deadbeef', 'aa00'), 'bad-padding'],
    ['padding past the header', hex('a0e0123400000001deadbeef', '0003'), 'bad-padding'],
  ];
  for (const [name, buf, reason] of rows) {
    assert.equal(parseRtpWithReason(buf), reason, name);
    assert.equal(RtpPacket.parse(buf), undefined, name);
  }
});

test('round trips are byte-exact', () => {
  for (const v of [MINIMAL, CSRC_PADDING, ONE_BYTE_EXT, TWO_BYTE_EXT]) {
    const p = RtpPacket.parse(Buffer.from(v))!;
    assert.ok(p.serialize().equals(v));
    const out = Buffer.alloc(v.length + 3);
    assert.equal(p.serializeInto(out, 3), v.length + 3);
    assert.ok(out.subarray(3).equals(v));
  }
});
