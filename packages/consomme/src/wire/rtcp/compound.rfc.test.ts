// RTCP vectors built by hand from the diagrams of RFC 3550 §6.4–6.6,
// RFC 4585 §6.2.1 and §6.3.1, RFC 5104 §4.3.1 and
// draft-alvestrand-rmcat-remb-03 §2.2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRtcpCompound, parseRtcpCompoundWithReason, serializeRtcpCompound } from './compound.js';
import type { RtcpPacket } from './packet.js';

const hex = (...parts: string[]): Buffer => Buffer.from(parts.join('').replace(/\s+/g, ''), 'hex');

const SR = hex(
  '81c8000c', // V=2 P=0 RC=1 PT=200 length=12
  '11111111', // SSRC of sender
  'e1b2c3d4', // NTP seconds
  '80000000', // NTP fraction (0.5 s)
  '00015f90', // RTP timestamp 90000
  '0000000a', // packet count 10
  '00000fa0', // octet count 4000
  '22222222', // block: SSRC
  '05', //       fraction lost 5/256
  'fffffe', //   cumulative lost -2
  '00010064', // extended highest seq (cycle 1, seq 100)
  '00000020', // jitter 32
  'b2c3d480', // LSR
  '00010000', // DLSR 1 s
);
const RR_WITH_EXTENSION = hex(
  '81c90008', // V=2 P=0 RC=1 PT=201 length=8
  '33333333', // SSRC of packet sender
  '22222222', // block: SSRC
  '00', //       fraction lost 0
  '000000', //   cumulative lost 0
  '0000ffff', // extended highest seq
  '00000000', // jitter
  '00000000', // LSR
  '00000000', // DLSR
  'deadbeef', // profile-specific extension
);
const SDES = hex(
  '81ca0006', // V=2 P=0 SC=1 PT=202 length=6
  '11111111', // SSRC
  '0110', //     CNAME, 16 bytes
  '6162636465666768696a6b6c6d6e6f70', // "abcdefghijklmnop"
  '0000', //     end of items + padding to 32 bits
);
const BYE = hex(
  '81cb0003', // V=2 P=0 SC=1 PT=203 length=3
  '11111111', // SSRC
  '05', //       reason length 5
  '6279652121', // "bye!!"
  '0000', //     padding
);
const NACK = hex(
  '81cd0004', // V=2 P=0 FMT=1 PT=205 length=4
  '11111111', // sender SSRC
  '22222222', // media SSRC
  '00640005', // PID 100, BLP 0b101: 101 and 103
  '01000000', // PID 256, BLP 0
);
const PLI = hex(
  '81ce0002', // V=2 P=0 FMT=1 PT=206 length=2
  '11111111', // sender SSRC
  '22222222', // media SSRC
);
const FIR = hex(
  '84ce0004', // V=2 P=0 FMT=4 PT=206 length=4
  '11111111', // sender SSRC
  '00000000', // media SSRC (unused)
  '22222222', // FCI: SSRC
  '07000000', // seq nr 7, reserved
);
const REMB = hex(
  '8fce0005', // V=2 P=0 FMT=15 PT=206 length=5
  '11111111', // sender SSRC
  '00000000', // media SSRC (unused)
  '52454d42', // "REMB"
  '01', //       num SSRC 1
  '0bd090', //   exp 2, mantissa 250000: 1 Mbps
  '22222222', // SSRC feedback
);
const APP = hex(
  '80cc0002', // V=2 P=0 subtype 0 PT=204 (APP) length=2
  '11111111', // SSRC
  '74657374', // name "test"
);
const TMMBR = hex(
  '83cd0004', // V=2 P=0 FMT=3 (TMMBR, not modelled) PT=205 length=4
  '11111111', '00000000', '22222222', '04000000',
);
const PADDED_RR = hex(
  'a0c90002', // V=2 P=1 RC=0 PT=201 length=2
  '33333333', // SSRC
  '00000004', // padding, count 4
);

const rows: [name: string, bytes: Buffer, expected: RtcpPacket][] = [
  [
    'SR',
    SR,
    {
      type: 'sr',
      ssrc: 0x11111111,
      ntpSeconds: 0xe1b2c3d4,
      ntpFraction: 0x80000000,
      rtpTimestamp: 90000,
      packetCount: 10,
      octetCount: 4000,
      reports: [{ ssrc: 0x22222222, fractionLost: 5, totalLost: -2, highestSeq: 0x10064, jitter: 32, lsr: 0xb2c3d480, dlsr: 0x10000 }],
    },
  ],
  [
    'RR with profile extension',
    RR_WITH_EXTENSION,
    {
      type: 'rr',
      ssrc: 0x33333333,
      reports: [{ ssrc: 0x22222222, fractionLost: 0, totalLost: 0, highestSeq: 0xffff, jitter: 0, lsr: 0, dlsr: 0 }],
      extension: hex('deadbeef'),
    },
  ],
  ['SDES', SDES, { type: 'sdes', chunks: [{ ssrc: 0x11111111, items: [{ type: 'cname', text: 'abcdefghijklmnop' }] }] }],
  ['BYE', BYE, { type: 'bye', ssrcs: [0x11111111], reason: 'bye!!' }],
  ['BYE without reason', hex('81cb0001', '11111111'), { type: 'bye', ssrcs: [0x11111111] }],
  [
    'NACK',
    NACK,
    { type: 'nack', senderSsrc: 0x11111111, mediaSsrc: 0x22222222, items: [{ pid: 100, blp: 5 }, { pid: 256, blp: 0 }] },
  ],
  ['PLI', PLI, { type: 'pli', senderSsrc: 0x11111111, mediaSsrc: 0x22222222 }],
  ['FIR', FIR, { type: 'fir', senderSsrc: 0x11111111, mediaSsrc: 0, entries: [{ ssrc: 0x22222222, seqNr: 7 }] }],
  ['REMB', REMB, { type: 'remb', senderSsrc: 0x11111111, mediaSsrc: 0, bitrate: 1_000_000, exponent: 2, ssrcs: [0x22222222] }],
  ['APP', APP, { type: 'unknown', packetType: 204, count: 0, raw: APP }],
  ['TMMBR', TMMBR, { type: 'unknown', packetType: 205, count: 3, raw: TMMBR }],
  ['padded RR', PADDED_RR, { type: 'unknown', packetType: 201, count: 0, raw: PADDED_RR }],
  ['FIR with reserved bits set', hex('84ce0004', '11111111', '00000000', '22222222', '07000001'), { type: 'unknown', packetType: 206, count: 4, raw: hex('84ce0004', '11111111', '00000000', '22222222', '07000001') }],
];

test('every packet type: decoded fields and byte-exact round trip', () => {
  for (const [name, bytes, expected] of rows) {
    const parsed = parseRtcpCompound(bytes);
    assert.ok(parsed, name);
    assert.deepEqual(parsed, [expected], name);
    assert.ok(serializeRtcpCompound(parsed).equals(bytes), `${name}: from parsed`);
    assert.ok(serializeRtcpCompound([expected]).equals(bytes), `${name}: from plain fields`);
  }
});

test('compound SR + SDES as a browser sends it', () => {
  const sr0 = hex(
    '80c80006', // V=2 P=0 RC=0 PT=200 length=6
    '5f4d3c2b', // SSRC of sender
    'e9b5e8c3', // NTP seconds
    '2b020c4a', // NTP fraction
    '7d3e9a10', // RTP timestamp
    '000004d2', // packet count 1234
    '000f4240', // octet count 1000000
  );
  const sdes = hex(
    '81ca0006', // SC=1 PT=202 length=6
    '5f4d3c2b', // SSRC
    '0110', //     CNAME, 16 bytes
    '4b7a3153705a2b6f4e6a79444a513d3d', // "Kz1SpZ+oNjyDJQ=="
    '0000', //     end + padding
  );
  const compound = Buffer.concat([sr0, sdes]);
  const packets = parseRtcpCompound(compound);
  assert.ok(packets);
  assert.deepEqual(
    packets.map((p) => p.type),
    ['sr', 'sdes'],
  );
  const [sr, cname] = packets;
  assert.equal(sr?.type === 'sr' && sr.packetCount, 1234);
  assert.equal(cname?.type === 'sdes' && cname.chunks[0]?.items[0]?.text, 'Kz1SpZ+oNjyDJQ==');
  assert.ok(serializeRtcpCompound(packets).equals(compound));
});

test('reduced-size RTCP: a lone feedback packet is accepted', () => {
  assert.deepEqual(
    parseRtcpCompound(Buffer.concat([PLI, NACK]))?.map((p) => p.type),
    ['pli', 'nack'],
  );
});

test('broken framing is refused, with its reason', () => {
  const cases: [name: string, buf: Buffer, reason: string][] = [
    ['empty', hex(''), 'empty'],
    ['three trailing bytes', Buffer.concat([PLI, hex('81ce00')]), 'truncated-header'],
    ['version 1', hex('41ce0002', '11111111', '22222222'), 'bad-version'],
    ['length past the datagram', hex('81ce0003', '11111111', '22222222'), 'length-overrun'],
    ['second packet overruns', Buffer.concat([PLI, hex('81ce0009')]), 'length-overrun'],
  ];
  for (const [name, buf, reason] of cases) {
    assert.equal(parseRtcpCompoundWithReason(buf), reason, name);
    assert.equal(parseRtcpCompound(buf), undefined, name);
  }
});

test('layouts that do not fit their type fall back to unknown', () => {
  const rows: [name: string, bytes: Buffer][] = [
    ['SR too short for RC=1', hex('81c80006', '11111111', '00000000', '00000000', '00000000', '00000000', '00000000')],
    ['PLI with FCI', hex('81ce0003', '11111111', '22222222', '00000000')],
    ['REMB without identifier', hex('8fce0004', '11111111', '00000000', '52454d43', '00000000')],
    ['REMB ssrc count mismatch', hex('8fce0004', '11111111', '00000000', '52454d42', '02000000')],
    ['SDES item list not terminated', hex('81ca0002', '11111111', '01026162')],
    ['SDES unknown item type', hex('81ca0003', '11111111', '09016100', '00000000')],
    ['BYE reason overruns', hex('81cb0002', '11111111', '09616263')],
  ];
  for (const [name, bytes] of rows) {
    const parsed = parseRtcpCompound(bytes);
    assert.equal(parsed?.[0]?.type, 'unknown', name);
    assert.ok(serializeRtcpCompound(parsed!).equals(bytes), name);
  }
});
