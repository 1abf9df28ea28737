import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRemb, serializeRembInto, rembByteLength } from './remb.js';
import type { Remb } from './remb.js';

const encode = (p: Remb): Buffer => {
  const b = Buffer.alloc(rembByteLength(p));
  serializeRembInto(p, b, 0);
  return b;
};

test('REMB bitrate: smallest exponent unless one is given that fits', () => {
  const base = { type: 'remb', senderSsrc: 1, mediaSsrc: 0, ssrcs: [2] } as const;
  const rows: [bitrate: number, exponent: number | undefined, exp: number, mantissa: number][] = [
    [0, undefined, 0, 0],
    [0x3ffff, undefined, 0, 0x3ffff],
    [0x40000, undefined, 1, 0x20000],
    [1_000_000, undefined, 2, 250_000],
    [1_000_000, 4, 4, 62_500], // kept: 62500 * 16 is exact
    [1_000_001, 4, 2, 250_000], // 4 cannot carry it: smallest exponent, floored
    [2 ** 60, undefined, 43, 0x20000],
  ];
  for (const [bitrate, exponent, exp, mantissa] of rows) {
    const p: Remb = exponent === undefined ? { ...base, bitrate } : { ...base, bitrate, exponent };
    const b = encode(p);
    assert.equal(b[17]! >> 2, exp, `${bitrate}`);
    assert.equal(((b[17]! & 3) << 16) | b.readUInt16BE(18), mantissa, `${bitrate}`);
    assert.equal(parseRemb(b)?.bitrate, mantissa * 2 ** exp);
  }
});
