import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32c, sctpChecksum } from './crc32c.js';

// RFC 3720 Appendix B.4 CRC-32C examples (the RFC lists the CRC bytes as sent,
// least significant byte first) plus the common "123456789" check value.
const VECTORS: Array<[string, Buffer, number]> = [
  ['32 bytes of zeros', Buffer.alloc(32, 0x00), 0x8a9136aa], // "aa 36 91 8a"
  ['32 bytes of ones', Buffer.alloc(32, 0xff), 0x62a8ab43], //  "43 ab a8 62"
  ['32 incrementing bytes', Buffer.from(Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e], // "4e 79 dd 46"
  ['32 decrementing bytes', Buffer.from(Array.from({ length: 32 }, (_, i) => 31 - i)), 0x113fdb5c], // "5c db 3f 11"
  ['"123456789"', Buffer.from('123456789'), 0xe3069283],
];

for (const [name, data, crc] of VECTORS) {
  test(`CRC-32C of ${name}`, () => {
    assert.equal(crc32c(data), crc);
    // Every split point gives the same answer as the slicing-by-8 and byte loops meet.
    assert.equal(crc32c(Buffer.concat([Buffer.alloc(3), data]), 3), crc);
  });
}

test('sctpChecksum treats bytes 8..11 as zero', () => {
  const packet = Buffer.from('1388138800000001deadbeef0000000400', 'hex');
  const zeroed = Buffer.from(packet);
  zeroed.fill(0, 8, 12);
  assert.equal(sctpChecksum(packet), crc32c(zeroed));
});
