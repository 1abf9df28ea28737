import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  absSendTimeFromMs,
  absSendTimeToUs,
  encodeAbsSendTime,
  encodeMid,
  encodePlayoutDelay,
  encodeRid,
  encodeSsrcAudioLevel,
  encodeToffset,
  encodeTransportWideCc,
  encodeVideoOrientation,
  readAbsSendTime,
  readAudioLevel,
  readMid,
  readPlayoutDelay,
  readRid,
  readSsrcAudioLevel,
  readToffset,
  readTransportWideCc,
  readVideoOrientation,
  writeAbsSendTime,
  writePlayoutDelay,
  writeSsrcAudioLevel,
  writeToffset,
  writeTransportWideCc,
  writeVideoOrientation,
  type CvoRotation,
} from './extensions.js';
import { RtpPacket } from './packet.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

test('mid / rid strings', () => {
  assert.equal(readMid(hex('30')), '0'); // "0"
  assert.equal(readRid(hex('6869')), 'hi'); // "hi"
  assert.equal(readMid(hex('61620000')), 'ab'); // "ab" + zero padding some senders add
  assert.equal(readMid(hex('00')), undefined);
  assert.deepEqual(encodeMid('audio'), Buffer.from('audio'));
  assert.equal(encodeMid(''), undefined);
  assert.equal(encodeMid('x'.repeat(256)), undefined);
});

test('abs-send-time: 6.18 fixed point', () => {
  assert.equal(readAbsSendTime(hex('123456')), 0x123456);
  assert.equal(readAbsSendTime(hex('1234')), undefined);
  assert.deepEqual(encodeAbsSendTime(0x1_abcdef), hex('abcdef')); // wraps to 24 bits
  assert.equal(absSendTimeFromMs(1000), 0x04_0000); // 1 s = 1 << 18
  assert.equal(absSendTimeFromMs(64_000), 0); // wraps every 64 s
  assert.equal(absSendTimeFromMs(500), 0x02_0000);
  assert.equal(absSendTimeToUs(0x04_0000), 1_000_000);
});

test('transport-wide-cc: uint16, written in place through the packet', () => {
  assert.equal(readTransportWideCc(hex('fffe')), 0xfffe);
  assert.deepEqual(encodeTransportWideCc(0x1_0001), hex('0001'));
  const p = RtpPacket.parse(hex('906f00010000000011223344 bede0001 31abcd00'))!;
  assert.ok(writeTransportWideCc(p.getExtension(3)!, 0x1234));
  assert.deepEqual(p.buffer.subarray(16), hex('31123400'));
  assert.equal(writeTransportWideCc(Buffer.alloc(1), 1), false);
});

test('ssrc-audio-level: V bit and -dBov', () => {
  const rows: [hex: string, voice: boolean, level: number][] = [
    ['80', true, 0], //   V=1 level 0 (loudest)
    ['7f', false, 127], // V=0 level 127 (silence)
    ['aa', true, 42], //  V=1 level 42
  ];
  for (const [h, voiceActivity, level] of rows) {
    assert.deepEqual(readSsrcAudioLevel(hex(h)), { voiceActivity, level });
    assert.equal(readAudioLevel(hex(h)), level);
    assert.deepEqual(encodeSsrcAudioLevel({ voiceActivity, level }), hex(h));
  }
  assert.equal(readAudioLevel(undefined), -1);
  assert.equal(readSsrcAudioLevel(hex('')), undefined);
});

test('video-orientation: camera, flip, rotation', () => {
  const rows: [hex: string, camera: 'front' | 'back', flip: boolean, rotation: 0 | 90 | 180 | 270][] = [
    ['00', 'front', false, 0],
    ['01', 'front', false, 90],
    ['0e', 'back', true, 180], // C=1 F=1 R=2
    ['0b', 'back', false, 270],
  ];
  for (const [h, camera, flip, rotation] of rows) {
    assert.deepEqual(readVideoOrientation(hex(h)), { camera, flip, rotation });
    assert.deepEqual(encodeVideoOrientation({ camera, flip, rotation }), hex(h));
  }
});

test('toffset: 24-bit signed', () => {
  assert.equal(readToffset(hex('000010')), 16);
  assert.equal(readToffset(hex('ffffff')), -1);
  assert.equal(readToffset(hex('800000')), -0x80_0000);
  assert.deepEqual(encodeToffset(-2), hex('fffffe'));
});

test('playout-delay: 12-bit min and max in 10 ms', () => {
  assert.deepEqual(readPlayoutDelay(hex('001 00a')), { minMs: 10, maxMs: 100 }); // min=1 max=10
  assert.deepEqual(readPlayoutDelay(hex('fff fff')), { minMs: 40_950, maxMs: 40_950 });
  assert.deepEqual(encodePlayoutDelay({ minMs: 0, maxMs: 1000 }), hex('000 064'));
  assert.deepEqual(encodePlayoutDelay({ minMs: 99_999, maxMs: 15 }), hex('fff 001')); // clamped, floored
});

test('property: no reader throws on any value; what reads encodes back to the same bytes; encode/read round-trips', (t) => {
  const fields = fc.record({
    raw24: fc.integer({ min: 0, max: 0xff_ffff }),
    seq: fc.integer({ min: 0, max: 0xffff }),
    voiceActivity: fc.boolean(),
    level: fc.integer({ min: 0, max: 127 }),
    camera: fc.constantFrom('front' as const, 'back' as const),
    flip: fc.boolean(),
    rotation: fc.constantFrom<CvoRotation>(0, 90, 180, 270),
    offset: fc.integer({ min: -0x80_0000, max: 0x7f_ffff }),
    minUnits: fc.integer({ min: 0, max: 0xfff }),
    maxUnits: fc.integer({ min: 0, max: 0xfff }),
    sdes: fc.string({ minLength: 1, maxLength: 16 }),
  });
  let read = 0;
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 20 }), fields, (arr, f) => {
      const value = Buffer.from(arr);
      const prefix = (n: number): Buffer => value.subarray(0, n);
      // Arbitrary values: each reader answers (or says "too short") without
      // throwing, and the fixed-size ones encode what they read back to the
      // same bytes (CVO keeps only its low four bits; the rest are reserved).
      const abs = readAbsSendTime(value);
      if (abs !== undefined) assert.deepEqual(encodeAbsSendTime(abs), prefix(3));
      const tcc = readTransportWideCc(value);
      if (tcc !== undefined) assert.deepEqual(encodeTransportWideCc(tcc), prefix(2));
      const audio = readSsrcAudioLevel(value);
      if (audio !== undefined) assert.deepEqual(encodeSsrcAudioLevel(audio), prefix(1));
      assert.equal(readAudioLevel(value), audio?.level ?? -1);
      const cvo = readVideoOrientation(value);
      if (cvo !== undefined) assert.equal(encodeVideoOrientation(cvo)[0], value[0]! & 0x0f);
      const toffset = readToffset(value);
      if (toffset !== undefined) assert.deepEqual(encodeToffset(toffset), prefix(3));
      const delay = readPlayoutDelay(value);
      if (delay !== undefined) assert.deepEqual(encodePlayoutDelay(delay), prefix(3));
      const mid = readMid(value);
      if (mid !== undefined) assert.equal(typeof mid, 'string');
      read += [abs, tcc, audio, cvo, toffset, delay, mid].filter((v) => v !== undefined).length;
      // Fields: encode then read gives them back; write in place does too, or
      // refuses a value too short to hold them.
      assert.equal(readAbsSendTime(encodeAbsSendTime(f.raw24)), f.raw24);
      assert.equal(readTransportWideCc(encodeTransportWideCc(f.seq)), f.seq);
      const level = { voiceActivity: f.voiceActivity, level: f.level };
      assert.deepEqual(readSsrcAudioLevel(encodeSsrcAudioLevel(level)), level);
      const orientation = { camera: f.camera, flip: f.flip, rotation: f.rotation };
      assert.deepEqual(readVideoOrientation(encodeVideoOrientation(orientation)), orientation);
      assert.equal(readToffset(encodeToffset(f.offset)), f.offset);
      const playout = { minMs: f.minUnits * 10, maxMs: f.maxUnits * 10 };
      assert.deepEqual(readPlayoutDelay(encodePlayoutDelay(playout)), playout);
      assert.equal(readMid(encodeMid(f.sdes)!), f.sdes);
      assert.equal(readRid(encodeRid(f.sdes)!), f.sdes);
      const inPlace: Array<[written: boolean, size: number, back: unknown, want: unknown]> = [
        [writeAbsSendTime(value, f.raw24), 3, readAbsSendTime(value), f.raw24],
        [writeTransportWideCc(value, f.seq), 2, readTransportWideCc(value), f.seq],
        [writeToffset(value, f.offset), 3, readToffset(value), f.offset],
        [writePlayoutDelay(value, playout), 3, readPlayoutDelay(value), playout],
        [writeSsrcAudioLevel(value, level), 1, readSsrcAudioLevel(value), level],
        [writeVideoOrientation(value, orientation), 1, readVideoOrientation(value), orientation],
      ];
      for (const [written, size, back, want] of inPlace) {
        assert.equal(written, value.length >= size);
        if (written) assert.deepEqual(back, want);
      }
    }),
    { numRuns: 100_000 },
  );
  t.diagnostic(`${read} reads of arbitrary values answered (100000 values x 7 readers)`);
  // A floor: most values are long enough for every fixed-size reader.
  assert.ok(read > 400_000, `${read} reads answered`);
});
