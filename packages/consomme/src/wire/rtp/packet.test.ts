import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RtpPacket } from './packet.js';

const hex = (...parts: string[]): Buffer => Buffer.from(parts.join('').replace(/\s+/g, ''), 'hex');

// The vectors of packet.rfc.test.ts, where each field is commented.
const MINIMAL = hex('80e0123400000001deadbeef', 'aabbcc');
const CSRC_PADDING = hex('a208ffffffffffff00000002', '0000001100000022', '0102', '000003');
const ONE_BYTE_EXT = hex('906f00010000000011223344', 'bede0002', '22123456', '10ff', '0000', 'c0ffee');
const TWO_BYTE_EXT = hex('9060abcd1234567801020304', '10000002', '0100', '0f03616263', '00', '99');
const parse = (b: Buffer): RtpPacket => RtpPacket.parse(Buffer.from(b))!;

test('setters write in place and leave the other bits alone', () => {
  const p = parse(MINIMAL);
  const buf = p.buffer;
  p.payloadType = 100;
  assert.equal(p.marker, true);
  p.marker = false;
  assert.equal(p.payloadType, 100);
  p.sequenceNumber = 0x1_0005; // wraps to 16 bits
  p.timestamp = -1; // wraps to 32 bits
  p.ssrc = 0x01020304;
  assert.equal(p.buffer, buf);
  assert.deepEqual(buf, hex('80', '64', '0005', 'ffffffff', '01020304', 'aabbcc'));
});

test('clone is independent', () => {
  const p = parse(CSRC_PADDING);
  const c = p.clone();
  c.sequenceNumber = 1;
  assert.equal(p.sequenceNumber, 0xffff);
  assert.equal(c.paddingLength, 3);
  assert.deepEqual(c.csrcs, [0x11, 0x22]);
  assert.notEqual(c.buffer, p.buffer);
});

test('getExtension returns a view: writes reach the packet', () => {
  const p = parse(ONE_BYTE_EXT);
  p.getExtension(1)![0] = 0x42;
  assert.equal(p.buffer[21], 0x42);
});

test('remap, one-byte: renumber, drop to zero padding, drop ids above 14', () => {
  const p = parse(ONE_BYTE_EXT);
  const map = new Uint8Array(256);
  map[1] = 3;
  p.remapExtensions(map); // 2 -> dropped (0)
  assert.deepEqual(p.getExtensionIds(), [3]);
  assert.deepEqual(
    p.buffer.subarray(16, 24),
    hex(
      '00000000', // former ID=2 element, now four padding bytes
      '30ff', //     ID=3 L=0: ff
      '0000', //     padding
    ),
  );
  assert.equal(p.byteLength, ONE_BYTE_EXT.length);
  const q = parse(ONE_BYTE_EXT);
  const to15 = new Uint8Array(16);
  to15[2] = 15;
  to15[1] = 14;
  q.remapExtensions(to15);
  assert.deepEqual(q.getExtensionIds(), [14]);
});

test('remap, two-byte: any id up to 255', () => {
  const p = parse(TWO_BYTE_EXT);
  const map = new Uint8Array(256);
  map[15] = 200;
  p.remapExtensions(map);
  assert.deepEqual(p.getExtensionIds(), [200]);
  assert.equal(p.getExtension(200)?.toString(), 'abc');
  assert.deepEqual(p.buffer.subarray(16, 24), hex('0000', 'c803616263', '00'));
});

test('removeExtension pads in place', () => {
  const p = parse(ONE_BYTE_EXT);
  assert.equal(p.removeExtension(2), true);
  assert.equal(p.removeExtension(2), false);
  assert.deepEqual(p.getExtensionIds(), [1]);
});

test('setExtension: same length replaces in place', () => {
  const p = parse(ONE_BYTE_EXT);
  const buf = p.buffer;
  assert.equal(p.setExtension(2, hex('abcdef')), true);
  assert.equal(p.buffer, buf);
  assert.deepEqual(p.getExtension(2), hex('abcdef'));
});

test('setExtension: fits in trailing padding, in place', () => {
  const p = parse(ONE_BYTE_EXT);
  const buf = p.buffer;
  assert.equal(p.setExtension(5, hex('77')), true);
  assert.equal(p.buffer, buf);
  assert.deepEqual(buf.subarray(16, 24), hex('22123456', '10ff', '5077'));
});

test('setExtension: rebuilds when the block is full', () => {
  const p = parse(ONE_BYTE_EXT);
  assert.equal(p.setExtension(4, Buffer.from('mid0')), true);
  assert.deepEqual(
    p.buffer,
    hex(
      '90', '6f', '0001', '00000000', '11223344',
      'bede', //     one-byte profile
      '0003', //     3 words
      '22123456', // ID=2
      '10ff', //     ID=1
      '436d696430', // ID=4 L=3 "mid0"
      '00', //       padding
      'c0ffee',
    ),
  );
  assert.equal(p.headerLength, 28);
  assert.deepEqual(p.payload, hex('c0ffee'));
});

test('setExtension: different length replaces by rebuilding', () => {
  const p = parse(ONE_BYTE_EXT);
  assert.equal(p.setExtension(2, hex('01')), true);
  assert.deepEqual(p.getExtensionIds(), [1, 2]);
  assert.deepEqual(p.getExtension(2), hex('01'));
  assert.equal(p.byteLength, ONE_BYTE_EXT.length); // the freed bytes absorbed it in place
});

test('setExtension: on a packet without extension, padding preserved', () => {
  const p = parse(CSRC_PADDING);
  assert.equal(p.setExtension(1, hex('aa')), true);
  assert.deepEqual(
    p.buffer,
    hex(
      'b2', //       P=1 X=1 CC=2
      '08ffffffffffff0000000200000011', '00000022',
      'bede0001', // one-byte, 1 word
      '10aa0000', // ID=1 L=0: aa, padding
      '0102', //     payload
      '000003', //   padding kept
    ),
  );
  assert.equal(p.paddingLength, 3);
  assert.deepEqual(RtpPacket.parse(p.buffer)?.getExtension(1), hex('aa'));
});

test('setExtension: an id above 14 moves to the two-byte form', () => {
  const p = parse(ONE_BYTE_EXT);
  assert.equal(p.setExtension(20, hex('')), true);
  assert.equal(p.extensionForm, 'two-byte');
  assert.deepEqual(p.getExtensionIds(), [2, 1, 20]);
  assert.deepEqual(p.getExtension(2), hex('123456'));
  assert.deepEqual(p.getExtension(20), hex(''));
  assert.deepEqual(p.payload, hex('c0ffee'));
});

test('setExtension: two-byte stays two-byte and keeps appbits', () => {
  const b = Buffer.from(TWO_BYTE_EXT);
  b[13] = 0x05; // appbits 5
  const p = RtpPacket.parse(b)!;
  assert.equal(p.setExtension(3, hex('0102030405')), true);
  assert.equal(p.extensionProfile, 0x1005);
  assert.deepEqual(p.getExtensionIds(), [1, 15, 3]);
});

test('setExtension refuses what cannot be carried', () => {
  const p = parse(ONE_BYTE_EXT);
  assert.equal(p.setExtension(0, hex('00')), false);
  assert.equal(p.setExtension(256, hex('00')), false);
  assert.equal(p.setExtension(1, Buffer.alloc(256)), false);
  const other = parse(hex('90600001000000000000000112340001aabbccdd'));
  assert.equal(other.extensionForm, 'other');
  assert.equal(other.setExtension(1, hex('00')), false);
  assert.equal(other.getExtension(1), undefined);
});

test('walking stops at the reserved id 15 of the one-byte form', () => {
  const p = parse(hex('906f00010000000011223344', 'bede0002', '10ff', 'f0', '20ee', '000000'));
  assert.deepEqual(p.getExtensionIds(), [1]);
});
