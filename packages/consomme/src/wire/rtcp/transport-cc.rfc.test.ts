// A transport-cc feedback built by hand from
// draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1, using all three
// chunk kinds, both delta sizes, a negative delta and the padding libwebrtc
// writes (P=1, count in the last byte).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRtcpCompound, serializeRtcpCompound } from './compound.js';
import { parseTransportCc } from './transport-cc.js';

const hex = (...parts: string[]): Buffer => Buffer.from(parts.join('').replace(/\s+/g, ''), 'hex');

const TWCC = hex(
  'afcd0008', // V=2 P=1 FMT=15 PT=205 length=8
  '11111111', // sender SSRC
  '22222222', // media SSRC
  '0064', //     base sequence number 100
  '0014', //     packet status count 20
  'fffffe', //   reference time -2 (x 64 ms)
  '05', //       feedback packet count 5
  '2003', //     run length: T=0 S=01 (small delta) run 3          -> 100..102
  'c900', //     2-bit vector: T=1 S=1, 0 2 1 0 0 0 0              -> 103..109
  'a010', //     1-bit vector: T=1 S=0, 1 0 0 0 0 0 0 0 0 1 (0 0 0 0 past the count) -> 110..119
  '04', //       100: 4 x 250 us
  '00', //       101: 0
  'ff', //       102: 255 x 250 us
  'fffe', //     104: large, signed -2 x 250 us
  '01', //       105: 250 us
  '08', //       110: 2 ms
  '10', //       119: 4 ms
  '0002', //     padding, count 2
);

test('transport-cc: statuses and deltas', () => {
  const fb = parseTransportCc(TWCC);
  assert.ok(fb);
  assert.equal(fb.senderSsrc, 0x11111111);
  assert.equal(fb.mediaSsrc, 0x22222222);
  assert.equal(fb.baseSequenceNumber, 100);
  assert.equal(fb.packetStatusCount, 20);
  assert.equal(fb.referenceTime, -2);
  assert.equal(fb.feedbackPacketCount, 5);
  const received = new Map<number, number>([
    [100, 1000],
    [101, 0],
    [102, 63_750],
    [104, -500],
    [105, 250],
    [110, 2000],
    [119, 4000],
  ]);
  assert.equal(fb.packets.length, 20);
  fb.packets.forEach((p, i) => {
    assert.equal(p.seq, 100 + i);
    assert.equal(p.received, received.has(p.seq), `seq ${p.seq}`);
    assert.equal(p.deltaUs, received.get(p.seq) ?? 0, `seq ${p.seq}`);
  });
});

test('transport-cc: the compound keeps it and re-serializes it byte-exact', () => {
  const packets = parseRtcpCompound(TWCC);
  assert.equal(packets?.[0]?.type, 'transport-cc');
  assert.ok(serializeRtcpCompound(packets!).equals(TWCC));
});

test('transport-cc: sequence numbers wrap', () => {
  const fb = parseTransportCc(
    hex(
      '8fcd0005', // P=0 FMT=15 PT=205 length=5
      '11111111', '22222222',
      'ffff', //     base 65535
      '0002', //     2 statuses
      '000000', '00',
      '2002', //     run length: small delta x2
      '0102', //     deltas 250 us, 500 us
    ),
  );
  assert.deepEqual(
    fb?.packets.map((p) => p.seq),
    [0xffff, 0],
  );
});

test('transport-cc: malformed variants are refused', () => {
  const bad: [name: string, bytes: Buffer][] = [
    ['too short', hex('8fcd0003', '11111111', '22222222', '00640001')],
    ['chunks missing', hex('8fcd0004', '11111111', '22222222', '00640001', '00000000')],
    ['deltas missing', hex('8fcd0005', '11111111', '22222222', '00640002', '00000000', '40020000')],
    ['reserved symbol 3', hex('8fcd0005', '11111111', '22222222', '00640001', '00000000', '60010000')],
    ['padding count 0', hex('afcd0005', '11111111', '22222222', '00640001', '00000000', '20010100')],
  ];
  for (const [name, bytes] of bad) assert.equal(parseTransportCc(bytes), undefined, name);
});
