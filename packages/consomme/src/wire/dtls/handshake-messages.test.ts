import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  parseDigitallySigned,
  parseEcdheServerKeyExchange,
  serializeDigitallySigned,
  serializeEcdheServerKeyExchange,
} from './handshake-messages.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/#.*$/gm, '').replace(/\s+/g, ''), 'hex');

const SKE = hex(`
  03          # curve_type named_curve
  001d        # x25519
  04          # point length 4 (shortened for the vector)
  01020304    # public point
  04          # hash sha256
  03          # signature ecdsa
  0003        # signature length
  aabbcc      # signature
`);

const CERT_VERIFY = hex(`
  05 01       # sha384, rsa
  0002        # signature length
  1234        # signature
`);

describe('signed handshake messages', () => {
  it('parses an ECDHE ServerKeyExchange', () => {
    const m = parseEcdheServerKeyExchange(SKE);
    assert.ok(m);
    assert.equal(m.namedCurve, 29);
    assert.deepEqual(m.publicPoint, hex('01020304'));
    assert.deepEqual(m.params, SKE.subarray(0, 8));
    assert.deepEqual(m.signed, { hash: 'sha256', signatureAlgorithm: 'ecdsa', signature: hex('aabbcc') });
    assert.deepEqual(serializeEcdheServerKeyExchange(m), SKE);
  });

  it('parses a CertificateVerify DigitallySigned', () => {
    const d = parseDigitallySigned(CERT_VERIFY);
    assert.deepEqual(d, { hash: 'sha384', signatureAlgorithm: 'rsa', signature: hex('1234') });
    assert.deepEqual(serializeDigitallySigned(d), CERT_VERIFY);
  });

  const rejects: Array<[string, Buffer]> = [
    ['explicit curve type', Buffer.concat([hex('01'), SKE.subarray(1)])],
    ['point overruns', Buffer.concat([SKE.subarray(0, 3), hex('ff'), SKE.subarray(4)])],
    ['trailing byte', Buffer.concat([SKE, hex('00')])],
    ['unknown hash', Buffer.concat([SKE.subarray(0, 8), hex('09'), SKE.subarray(9)])],
    ['empty', Buffer.alloc(0)],
  ];
  for (const [name, buf] of rejects) {
    it(`rejects a ServerKeyExchange with ${name}`, () => assert.equal(parseEcdheServerKeyExchange(buf), undefined));
  }

  it('never throws and round-trips whatever parses (fuzz)', () => {
    const random = fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a));
    const mutated = fc
      .tuple(fc.constantFrom(SKE, CERT_VERIFY), fc.nat(), fc.nat(255))
      .map(([base, pos, val]) => {
        const b = Buffer.from(base);
        b[pos % b.length] = val;
        return b;
      });
    fc.assert(
      fc.property(fc.oneof(random, mutated), (buf) => {
        const ske = parseEcdheServerKeyExchange(buf);
        if (ske) assert.deepEqual(serializeEcdheServerKeyExchange(ske), buf);
        const ds = parseDigitallySigned(buf);
        if (ds) assert.deepEqual(serializeDigitallySigned(ds), buf);
      }),
      { numRuns: 100_000 },
    );
  });
});
