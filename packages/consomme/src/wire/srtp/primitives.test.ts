import assert from 'node:assert/strict';
import { createCipheriv, createHmac, randomBytes, randomInt } from 'node:crypto';
import { describe, it } from 'node:test';
import { AesCtr, xorInPlace } from './aes-ctr.js';
import { AesGcm } from './aes-gcm.js';
import { GhashCompact, GhashShoup8 } from './ghash.js';
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
    for (const portable of [false, true]) {
      it(`AES-${keyLength * 8} with the ${portable ? 'portable (nibble tables)' : "host's fastest"} GHASH`, () => {
        const key = randomBytes(keyLength);
        const gcm = new AesGcm(key, portable);
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

describe('GHASH implementations agree', () => {
  it('GhashShoup8 equals GhashCompact over random keys, lengths and split absorbs', (t) => {
    if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) {
      assert.throws(() => new GhashShoup8(randomBytes(16)), RangeError);
      return;
    }
    for (let run = 0; run < 200; run++) {
      const h = randomBytes(16);
      const a = new GhashShoup8(h);
      const b = new GhashCompact(h);
      const blocks = randomInt(1, 100);
      const d = new Int32Array(randomBytes(blocks * 16).buffer.slice(0));
      const split = 4 * randomInt(0, blocks + 1);
      const digests = [a, b].map((g) => {
        g.reset();
        g.absorb(d, 0, split);
        g.absorb(d, split, d.length);
        const out = new Int32Array(4);
        g.digest(new Int32Array(4), 0, out, 0);
        return [...out];
      });
      assert.deepEqual(digests[0], digests[1]);
      // Not the zero hash: the comparison would pass vacuously if both returned 0.
      assert.notDeepEqual(digests[0], [0, 0, 0, 0], t.name);
    }
  });
});

describe('AesGcm.sealRtp (in place, no staging)', () => {
  it('equals node aes-128-gcm with the header as AAD, for header and text lengths of every remainder', () => {
    const key = randomBytes(16);
    const gcm = new AesGcm(key);
    for (let run = 0; run < 300; run++) {
      const iv = randomBytes(12);
      const headerLength = 12 + 4 * randomInt(0, 20);
      const length = headerLength + (run < 40 ? run : randomInt(0, 1400));
      // A scratch bigger than the packet, as the consumer's writer hands over, or one that ends with the packet.
      const src = Buffer.alloc(run % 2 ? length : length + randomInt(1, 64));
      randomBytes(length).copy(src);
      const c = createCipheriv('aes-128-gcm', key, iv).setAAD(src.subarray(0, headerLength));
      const expected = Buffer.concat([src.subarray(0, headerLength), c.update(src.subarray(headerLength, length)), c.final(), c.getAuthTag()]);
      const out = Buffer.alloc(length + 16, 0xee);
      assert.equal(gcm.sealRtp(iv, src, headerLength, length, out), true);
      assert.deepEqual(out, expected);
    }
  });

  it('declines unaligned buffers without writing, so the caller falls back to seal', () => {
    const gcm = new AesGcm(randomBytes(16));
    const backing = Buffer.alloc(200);
    const unaligned = backing.subarray(1, 101);
    const out = Buffer.alloc(116, 0xee);
    assert.equal(gcm.sealRtp(randomBytes(12), unaligned, 12, 100, out), false);
    assert.equal(gcm.sealRtp(randomBytes(12), Buffer.alloc(100), 12, 100, backing.subarray(3, 119)), false);
    assert.ok(out.every((b) => b === 0xee));
  });
});
