import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  STUN_METHOD_BINDING,
  StunAttributeType,
  StunMessageBuilder,
  encodeMessageType,
  getErrorCode,
  getIceControlling,
  getMappedAddress,
  getUnknownAttributes,
  getXorMappedAddress,
  hasUseCandidate,
  isStun,
  parseStun,
  serializeStun,
  shortTermKey,
  verifyFingerprint,
  verifyMessageIntegrity,
} from './index.js';
import type { StunClass } from './index.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/#.*$/gm, '').replace(/\s+/g, ''), 'hex');
const TID = Buffer.from('000102030405060708090a0b', 'hex');

test('message type interleaves class and method bits (RFC 8489 §5)', () => {
  const rows: [StunClass, number, number][] = [
    ['request', 0x001, 0x0001],
    ['indication', 0x001, 0x0011],
    ['successResponse', 0x001, 0x0101],
    ['errorResponse', 0x001, 0x0111],
    ['request', 0xfff, 0x3eef],
  ];
  for (const [cls, method, type] of rows) {
    assert.equal(encodeMessageType(cls, method), type);
    const buf = new StunMessageBuilder(cls, method, TID).build();
    assert.equal(buf.readUInt16BE(0), type);
    const msg = parseStun(buf);
    assert.equal(msg?.class, cls);
    assert.equal(msg?.method, method);
  }
});

test('malformed messages are refused', () => {
  const rows: [string, string][] = [
    ['empty', ''],
    ['short header', '0001 0000 2112a442 000102030405060708090a'],
    ['top bits set', '4001 0000 2112a442 000102030405060708090a0b'],
    ['bad cookie', '0001 0000 2112a443 000102030405060708090a0b'],
    ['length not a multiple of 4', '0001 0002 2112a442 000102030405060708090a0b 0000'],
    ['length beyond buffer', '0001 0008 2112a442 000102030405060708090a0b 80220004'],
    ['trailing bytes', '0001 0000 2112a442 000102030405060708090a0b 00000000'],
    ['attribute overruns', '0001 0008 2112a442 000102030405060708090a0b 80220008 41424344'],
    ['padding overruns', '0001 0008 2112a442 000102030405060708090a0b 80220005 41424344'],
  ];
  for (const [name, h] of rows) {
    const buf = hex(h);
    assert.equal(parseStun(buf), undefined, name);
    assert.equal(verifyFingerprint(buf), false, name);
    assert.equal(verifyMessageIntegrity(buf, Buffer.from('k')), false, name);
  }
  // isStun only looks at the header: the attribute overrun is parseStun's to catch.
  assert.equal(isStun(hex('0001 0008 2112a442 000102030405060708090a0b 80220008 41424344')), true);
  assert.equal(isStun(hex('0001 0000 2112a442 000102030405060708090a0b')), true);
});

test('round trip of typed attributes', () => {
  const buf = new StunMessageBuilder('errorResponse', STUN_METHOD_BINDING, TID)
    .errorCode(487, 'Role Conflict')
    .unknownAttributes([0x0031, 0x7fff])
    .useCandidate()
    .iceControlling(0xfedcba9876543210n)
    .mappedAddress('::ffff:10.0.0.1', 9)
    .xorMappedAddress('fe80::1', 65535)
    .add(0xc057, Buffer.from([1, 2, 3]))
    .build({ fingerprint: true });
  const msg = parseStun(buf);
  assert.ok(msg);
  assert.deepEqual(getErrorCode(msg), { code: 487, reason: 'Role Conflict' });
  assert.deepEqual(getUnknownAttributes(msg), [0x0031, 0x7fff]);
  assert.ok(hasUseCandidate(msg));
  assert.equal(getIceControlling(msg), 0xfedcba9876543210n);
  assert.deepEqual(getMappedAddress(msg), { family: 'IPv6', address: '::ffff:a00:1', port: 9 });
  assert.deepEqual(getXorMappedAddress(msg), { family: 'IPv6', address: 'fe80::1', port: 65535 });
  assert.ok(verifyFingerprint(buf));
  assert.equal(verifyMessageIntegrity(buf, Buffer.from('x')), false);
  assert.deepEqual(serializeStun(msg), buf);
});

test('MESSAGE-INTEGRITY alone, then a corrupted byte, then attributes after it', () => {
  const key = shortTermKey('pass');
  const buf = new StunMessageBuilder('request', STUN_METHOD_BINDING, TID).username('a:b').build({ integrityKey: key });
  assert.ok(verifyMessageIntegrity(buf, key));
  assert.equal(verifyFingerprint(buf), false);
  const bad = Buffer.from(buf);
  bad[22] = bad[22]! ^ 1;
  assert.equal(verifyMessageIntegrity(bad, key), false);
  // A FINGERPRINT behind it does not change the HMAC input (the length is rewritten).
  const withFp = new StunMessageBuilder('request', STUN_METHOD_BINDING, TID)
    .username('a:b')
    .build({ integrityKey: key, fingerprint: true });
  assert.deepEqual(withFp.subarray(20, buf.length), buf.subarray(20));
  assert.ok(verifyMessageIntegrity(withFp, key));
  // FINGERPRINT that is not last does not verify.
  const m = parseStun(withFp);
  assert.ok(m);
  const moved = serializeStun({ ...m, attributes: [...m.attributes, { type: 0x8022, value: Buffer.from('x') }] });
  assert.equal(verifyFingerprint(moved), false);
  // Only the first MESSAGE-INTEGRITY counts.
  assert.ok(verifyMessageIntegrity(moved, key));
});

test('address edge cases', () => {
  const rows: [string, string | undefined][] = [
    ['0.0.0.0', '0.0.0.0'],
    ['255.255.255.255', '255.255.255.255'],
    ['256.0.0.1', undefined],
    ['1.2.3', undefined],
    ['::', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
    ['2001:DB8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['1:0:2:3:4:5:6:7', '1:0:2:3:4:5:6:7'],
    ['1:2:3:4:5:6:7:8:9', undefined],
    ['1::2::3', undefined],
    ['fe80::1%eth0', undefined],
    ['12345::', undefined],
    ['example.com', undefined],
  ];
  for (const [input, expected] of rows) {
    const buf = new StunMessageBuilder('successResponse', STUN_METHOD_BINDING, TID).xorMappedAddress(input, 1).build();
    const msg = parseStun(buf);
    assert.ok(msg);
    assert.equal(getXorMappedAddress(msg)?.address, expected, input);
  }
  // Wrong family/length combinations are not addresses.
  for (const v of ['0001 0001 01020304 05', '0003 0001 01020304', '0002 0001 01020304', '00']) {
    const buf = new StunMessageBuilder('successResponse', STUN_METHOD_BINDING, TID)
      .add(StunAttributeType.MappedAddress, hex(v))
      .build();
    const msg = parseStun(buf);
    assert.ok(msg);
    assert.equal(getMappedAddress(msg), undefined, v);
  }
});

test('ERROR-CODE outside 300..699 is not an error code', () => {
  for (const v of ['00000200', '00000764', '000004', '00000464']) {
    const buf = new StunMessageBuilder('errorResponse', STUN_METHOD_BINDING, TID)
      .add(StunAttributeType.ErrorCode, hex(v))
      .build();
    const msg = parseStun(buf);
    assert.ok(msg);
    assert.equal(getErrorCode(msg), undefined, v);
  }
});
