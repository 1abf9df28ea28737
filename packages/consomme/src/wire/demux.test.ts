import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { classifyDatagram } from './demux.js';
import type { DatagramKind } from './demux.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

test('RFC 7983 / RFC 5761 classification table', () => {
  const rows: [string, string, DatagramKind][] = [
    // description, first bytes (hex), expected
    ['empty', '', 'unknown'],
    ['STUN binding request', '0001 0000 2112a442', 'stun'],
    ['STUN first byte 3 (upper bound)', '03', 'stun'],
    ['first byte 4', '04', 'unknown'],
    ['ZRTP range (16)', '10', 'unknown'],
    ['first byte 19', '13', 'unknown'],
    ['DTLS change_cipher_spec (20)', '14 fefd', 'dtls'],
    ['DTLS handshake (22)', '16 fefd', 'dtls'],
    ['DTLS application_data (23)', '17 fefd', 'dtls'],
    ['DTLS range upper bound (63)', '3f', 'dtls'],
    ['TURN channel range (64)', '40 00', 'unknown'],
    ['first byte 127', '7f 00', 'unknown'],
    ['RTP alone, too short to tell', '80', 'unknown'],
    ['RTP PT 111 (opus)', '80 6f', 'rtp'],
    ['RTP marker + PT 96', '80 e0', 'rtp'],
    ['RTP PT 0', '80 00', 'rtp'],
    ['RTP marker + PT 63 (second byte 191)', '80 bf', 'rtp'],
    ['RTCP SR (200)', '80 c8', 'rtcp'],
    ['RTCP RR with 1 report (201)', '81 c9', 'rtcp'],
    ['RTCP lower bound (192)', '80 c0', 'rtcp'],
    ['RTCP upper bound (223)', '80 df', 'rtcp'],
    ['RTCP PSFB PLI (206)', '81 ce', 'rtcp'],
    ['RTCP RTPFB NACK (205)', '81 cd', 'rtcp'],
    ['second byte 224 is RTP (marker + PT 96..)', '80 e0', 'rtp'],
    ['version 2 with padding+ext+CC (191)', 'bf 60', 'rtp'],
    ['first byte 192', 'c0 c8', 'unknown'],
    ['first byte 255', 'ff', 'unknown'],
  ];
  for (const [name, h, kind] of rows) assert.equal(classifyDatagram(hex(h)), kind, name);
});

test('fuzz: never throws, and agrees with the first byte', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 8 }), (u) => {
      const kind = classifyDatagram(u);
      const b0 = u[0];
      if (b0 === undefined) assert.equal(kind, 'unknown');
      else if (b0 <= 3) assert.equal(kind, 'stun');
      else if (b0 >= 20 && b0 <= 63) assert.equal(kind, 'dtls');
      else if (b0 < 128 || b0 > 191) assert.equal(kind, 'unknown');
    }),
    { numRuns: 100_000 },
  );
});
