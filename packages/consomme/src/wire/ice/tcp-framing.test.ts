import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TcpDeframer, frameTcp } from './tcp-framing.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/#.*$/gm, '').replace(/\s+/g, ''), 'hex');

test('frameTcp() prefixes the big-endian length', () => {
  assert.deepEqual(frameTcp(hex('0102 03')), hex('0003 010203'));
  assert.deepEqual(frameTcp(Buffer.alloc(0)), hex('0000'));
  assert.equal(frameTcp(Buffer.alloc(65536)).length, 0);
  assert.deepEqual(frameTcp(Buffer.alloc(65535)).subarray(0, 2), hex('ffff'));
});

test('split header, several frames per chunk, empty frames counted', () => {
  const d = new TcpDeframer();
  const chunks = [
    hex('00'), //             first length byte only
    hex('02 aabb 0001'), //   second length byte, frame "aabb", then length 1
    hex(''), //               nothing at all
    hex('cc 0000 0000 00'), // frame "cc", two empty frames, half a header
    hex('03 dd'), //          length 3, first payload byte
    hex('ee'), //             second payload byte
    hex('ff 0001 11'), //     last payload byte, frame "11"
  ];
  const out = chunks.flatMap((c) => [...d.push(c)!].map((f) => f.toString('hex')));
  assert.deepEqual(out, ['aabb', 'cc', 'ddeeff', '11']);
  assert.equal(d.emptyFrames, 2);
  assert.equal(d.bufferedBytes, 0);
  d.push(hex('0005 0102'));
  assert.equal(d.bufferedBytes, 4);
});

test('a frame over the maximum poisons the stream', () => {
  const d = new TcpDeframer({ maxFrameSize: 4 });
  assert.deepEqual([...d.push(hex('0004 01020304'))!].map((f) => f.toString('hex')), ['01020304']);
  assert.equal(d.push(hex('0005 0102030405 0001 ff')), undefined);
  assert.equal(d.error, 'frameTooLarge');
  assert.equal(d.push(hex('0001 ff')), undefined);
});

test('property: random frames, random chunking → the same frames back', () => {
  fc.assert(
    fc.property(
      fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }),
      fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 30 }),
      (frames, cuts) => {
        const stream = Buffer.concat(frames.map((f) => frameTcp(f)));
        const d = new TcpDeframer();
        const got: Buffer[] = [];
        let offset = 0;
        for (let i = 0; offset < stream.length; i++) {
          const n = cuts[i % cuts.length]!;
          got.push(...d.push(stream.subarray(offset, offset + n))!.map((f) => Buffer.from(f)));
          offset += n;
        }
        const nonEmpty = frames.filter((f) => f.length > 0).map((f) => Buffer.from(f));
        assert.deepEqual(got, nonEmpty);
        assert.equal(d.emptyFrames, frames.length - nonEmpty.length);
        assert.equal(d.bufferedBytes, 0);
        assert.equal(d.error, undefined);
      },
    ),
    { numRuns: 10_000 },
  );
});

test('fuzz: arbitrary byte streams never throw, and deframed frames re-frame to the consumed bytes', () => {
  fc.assert(
    fc.property(
      fc.array(fc.uint8Array({ maxLength: 60 }), { maxLength: 6 }),
      fc.integer({ min: 1, max: 65535 }),
      (chunks, maxFrameSize) => {
        const d = new TcpDeframer({ maxFrameSize });
        const out: Buffer[] = [];
        for (const c of chunks) {
          const frames = d.push(Buffer.from(c));
          if (frames === undefined) {
            assert.equal(d.error, 'frameTooLarge');
            return;
          }
          out.push(...frames);
        }
        const stream = Buffer.concat(chunks);
        const reframed = Buffer.concat(out.map((f) => frameTcp(f)));
        // Empty frames are dropped, so compare with them removed from the input.
        const consumed = stream.length - d.bufferedBytes;
        const withoutEmpty: Buffer[] = [];
        for (let o = 0; o < consumed; ) {
          const len = stream.readUInt16BE(o);
          if (len > 0) withoutEmpty.push(stream.subarray(o, o + 2 + len));
          o += 2 + len;
        }
        assert.deepEqual(reframed, Buffer.concat(withoutEmpty));
      },
    ),
    { numRuns: 100_000 },
  );
});
