import assert from 'node:assert/strict';
import { createCipheriv, createHmac, randomBytes, randomInt } from 'node:crypto';
import { describe, it } from 'node:test';
import { AesCtr, xorInPlace } from './aes-ctr.js';
import { AesGcm } from './aes-gcm.js';
import { HmacSha1 } from './hmac-sha1.js';

// Each primitive is checked against node:crypto's own implementation on random inputs.

describe('AesCtr keystream equals node aes-*-ctr', () => {
  for (const keyLength of [16, 32]) {
    it(`AES-${keyLength * 8}`, () => {
      const key = randomBytes(keyLength);
      const ctr = new AesCtr(key);
      for (let run = 0; run < 300; run++) {
        const iv = randomBytes(16);
        iv[14] = 0;
        iv[15] = 0;
        const blocks = randomInt(0, 120);
        const expected = createCipheriv(`aes-${keyLength * 8}-ctr`, key, iv).update(Buffer.alloc(blocks * 16));
        assert.deepEqual(ctr.keystream(iv, 0, blocks), expected);
      }
    });
  }

  it('rejects a keystream that would overflow the 16-bit counter', () => {
    assert.throws(() => new AesCtr(randomBytes(16)).keystream(Buffer.alloc(16), 0xfff0, 0x20), RangeError);
  });
});

describe('xorInPlace', () => {
  it('equals a byte-wise XOR at every alignment of both sides', () => {
    for (let bufShift = 0; bufShift < 4; bufShift++) {
      for (let ksShift = 0; ksShift < 4; ksShift++) {
        for (const length of [0, 3, 31, 32, 33, 100]) {
          const buf = new Uint8Array(randomBytes(length + 8).buffer, 0, length + 8);
          const ks = randomBytes(length + 8);
          const expected = Uint8Array.from(buf, (b, i) => (i >= bufShift && i < bufShift + length ? b ^ ks[ksShift + i - bufShift]! : b));
          xorInPlace(buf, bufShift, ks, ksShift, length);
          assert.deepEqual(buf, expected, `shifts ${bufShift}/${ksShift} length ${length}`);
        }
      }
    }
  });
});

describe('HmacSha1 equals node createHmac', () => {
  it('for keys shorter, equal to and longer than the SHA-1 block', () => {
    for (const keyLength of [0, 20, 64, 65, 100]) {
      const key = randomBytes(keyLength);
      const mac = new HmacSha1(key);
      for (let run = 0; run < 50; run++) {
        const data = randomBytes(randomInt(0, 1500));
        assert.deepEqual(mac.mac(data), createHmac('sha1', key).update(data).digest());
      }
    }
  });
});

describe('AesGcm equals node aes-*-gcm', () => {
  for (const keyLength of [16, 32]) {
    for (const wide of [true, false]) {
      it(`AES-${keyLength * 8} with ${wide ? 'wide' : 'compact'} GHASH tables`, () => {
        const key = randomBytes(keyLength);
        const gcm = new AesGcm(key, wide);
        for (let run = 0; run < 300; run++) {
          const iv = randomBytes(12);
          const aad = randomBytes(randomInt(0, 70));
          const plain = randomBytes(run < 40 ? run : randomInt(0, 1500));
          const c = createCipheriv(`aes-${keyLength * 8}-gcm` as 'aes-128-gcm', key, iv).setAAD(aad);
          const expected = Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);

          const sealed = Buffer.alloc(plain.length + 16);
          gcm.seal(iv, aad, 0, aad.length, plain, 0, plain.length, sealed, 0, plain.length);
          assert.deepEqual(sealed, expected);

          const opened = Buffer.alloc(plain.length);
          assert.equal(gcm.open(iv, aad, 0, aad.length, sealed, 0, plain.length, sealed, plain.length, opened, 0), true);
          assert.deepEqual(opened, plain);

          sealed[randomInt(0, sealed.length)]! ^= 1 << randomInt(0, 8);
          assert.equal(gcm.open(iv, aad, 0, aad.length, sealed, 0, plain.length, sealed, plain.length, opened, 0), false);
        }
      });
    }
  }
});
