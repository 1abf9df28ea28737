// RFC 5769 "Test Vectors for STUN" — https://www.rfc-editor.org/rfc/rfc5769
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  STUN_METHOD_BINDING,
  StunAttributeType,
  StunMessageBuilder,
  getIceControlled,
  getMessageIntegrity,
  getPriority,
  getSoftware,
  getUsername,
  getXorMappedAddress,
  isStun,
  parseStun,
  serializeStun,
  shortTermKey,
  verifyFingerprint,
  verifyMessageIntegrity,
} from './index.js';
import type { StunMessage } from './index.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/#.*$/gm, '').replace(/\s+/g, ''), 'hex');

// RFC 5769 §2.1 Sample Request, password "VOkJxbRl1RmTxUk/WvJxBt".
const SAMPLE_REQUEST = hex(`
  00 01 00 58   # Binding request, message length 88
  21 12 a4 42   # magic cookie
  b7 e7 a7 01 bc 34 d6 86 fa 87 df ae   # transaction id
  80 22 00 10   # SOFTWARE, 16 bytes
  53 54 55 4e 20 74 65 73 74 20 63 6c 69 65 6e 74   # "STUN test client"
  00 24 00 04   # PRIORITY, 4 bytes
  6e 00 01 ff   # 0x6e0001ff
  80 29 00 08   # ICE-CONTROLLED, 8 bytes
  93 2f f9 b1 51 26 3b 36   # tie-breaker
  00 06 00 09   # USERNAME, 9 bytes
  65 76 74 6a 3a 68 36 76 59   # "evtj:h6vY"
  20 20 20      # padding: spaces, not zeros
  00 08 00 14   # MESSAGE-INTEGRITY, 20 bytes
  9a ea a7 0c bf d8 cb 56 78 1e f2 b5 b2 d3 f2 49 c1 b5 71 a2   # HMAC-SHA1
  80 28 00 04   # FINGERPRINT, 4 bytes
  e5 7a 3b cf   # CRC-32 ^ 0x5354554e
`);

// RFC 5769 §2.2 Sample IPv4 Response, same password.
const IPV4_RESPONSE = hex(`
  01 01 00 3c   # Binding success response, message length 60
  21 12 a4 42   # magic cookie
  b7 e7 a7 01 bc 34 d6 86 fa 87 df ae   # transaction id
  80 22 00 0b   # SOFTWARE, 11 bytes
  74 65 73 74 20 76 65 63 74 6f 72   # "test vector"
  20            # padding: a space
  00 20 00 08   # XOR-MAPPED-ADDRESS, 8 bytes
  00 01 a1 47   # family IPv4, X-Port (32853 ^ 0x2112)
  e1 12 a6 43   # X-Address (192.0.2.1 ^ cookie)
  00 08 00 14   # MESSAGE-INTEGRITY, 20 bytes
  2b 91 f5 99 fd 9e 90 c3 8c 74 89 f9 2a f9 ba 53 f0 6b e7 d7   # HMAC-SHA1
  80 28 00 04   # FINGERPRINT, 4 bytes
  c0 7d 4c 96   # CRC-32 ^ 0x5354554e
`);

// RFC 5769 §2.3 Sample IPv6 Response, same password.
const IPV6_RESPONSE = hex(`
  01 01 00 48   # Binding success response, message length 72
  21 12 a4 42   # magic cookie
  b7 e7 a7 01 bc 34 d6 86 fa 87 df ae   # transaction id
  80 22 00 0b   # SOFTWARE, 11 bytes
  74 65 73 74 20 76 65 63 74 6f 72   # "test vector"
  20            # padding: a space
  00 20 00 14   # XOR-MAPPED-ADDRESS, 20 bytes
  00 02 a1 47   # family IPv6, X-Port (32853 ^ 0x2112)
  01 13 a9 fa a5 d3 f1 79 bc 25 f4 b5 be d2 b9 d9   # X-Address (2001:db8:1234:5678:11:2233:4455:6677 ^ cookie‖tid)
  00 08 00 14   # MESSAGE-INTEGRITY, 20 bytes
  a3 82 95 4e 4b e6 7b f1 17 84 c9 7c 82 92 c2 75 bf e3 ed 41   # HMAC-SHA1
  80 28 00 04   # FINGERPRINT, 4 bytes
  c8 fb 0b 4c   # CRC-32 ^ 0x5354554e
`);

// RFC 5769 §2.4 Sample Request with Long-Term Authentication (no FINGERPRINT).
const LONG_TERM_REQUEST = hex(`
  00 01 00 60   # Binding request, message length 96
  21 12 a4 42   # magic cookie
  78 ad 34 33 c6 ad 72 c0 29 da 41 2e   # transaction id
  00 06 00 12   # USERNAME, 18 bytes
  e3 83 9e e3 83 88 e3 83 aa e3 83 83 e3 82 af e3 82 b9   # "マトリックス"
  00 00         # padding
  00 15 00 1c   # NONCE, 28 bytes
  66 2f 2f 34 39 39 6b 39 35 34 64 36 4f 4c 33 34 6f 4c 39 46 53 54 76 79 36 34 73 41   # "f//499k954d6OL34oL9FSTvy64sA"
  00 14 00 0b   # REALM, 11 bytes
  65 78 61 6d 70 6c 65 2e 6f 72 67   # "example.org"
  00            # padding
  00 08 00 14   # MESSAGE-INTEGRITY, 20 bytes
  f6 70 24 65 6d d6 4a 3e 02 b8 e0 71 2e 85 c9 a2 8c a8 96 66   # HMAC-SHA1
`);

const KEY = shortTermKey('VOkJxbRl1RmTxUk/WvJxBt');
const TID = hex('b7 e7 a7 01 bc 34 d6 86 fa 87 df ae');

/** Rebuild the attributes before MESSAGE-INTEGRITY and let the serializer append MI + FP. */
function rebuild(msg: StunMessage): Buffer {
  const b = new StunMessageBuilder(msg.class, msg.method, msg.transactionId);
  for (const a of msg.attributes) {
    if (a.type === StunAttributeType.MessageIntegrity) break;
    b.add(a.type, a.value, a.padding);
  }
  return b.build({ integrityKey: KEY, fingerprint: true });
}

test('RFC 5769 §2.1 sample request', () => {
  assert.equal(SAMPLE_REQUEST.length, 108);
  assert.ok(isStun(SAMPLE_REQUEST));
  const msg = parseStun(SAMPLE_REQUEST);
  assert.ok(msg);
  assert.equal(msg.class, 'request');
  assert.equal(msg.method, STUN_METHOD_BINDING);
  assert.deepEqual(msg.transactionId, TID);
  assert.equal(getSoftware(msg), 'STUN test client');
  assert.equal(getPriority(msg), 0x6e0001ff);
  assert.equal(getIceControlled(msg), 0x932ff9b151263b36n);
  assert.equal(getUsername(msg), 'evtj:h6vY');
  assert.deepEqual(getMessageIntegrity(msg), hex('9a ea a7 0c bf d8 cb 56 78 1e f2 b5 b2 d3 f2 49 c1 b5 71 a2'));
  assert.ok(verifyMessageIntegrity(SAMPLE_REQUEST, KEY));
  assert.ok(!verifyMessageIntegrity(SAMPLE_REQUEST, shortTermKey('wrong')));
  assert.ok(verifyFingerprint(SAMPLE_REQUEST));
  assert.deepEqual(serializeStun(msg), SAMPLE_REQUEST);
  assert.deepEqual(rebuild(msg), SAMPLE_REQUEST);
});

test('RFC 5769 §2.2 IPv4 response', () => {
  const msg = parseStun(IPV4_RESPONSE);
  assert.ok(msg);
  assert.equal(msg.class, 'successResponse');
  assert.equal(getSoftware(msg), 'test vector');
  assert.deepEqual(getXorMappedAddress(msg), { family: 'IPv4', address: '192.0.2.1', port: 32853 });
  assert.ok(verifyMessageIntegrity(IPV4_RESPONSE, KEY));
  assert.ok(verifyFingerprint(IPV4_RESPONSE));
  assert.deepEqual(serializeStun(msg), IPV4_RESPONSE);
  assert.deepEqual(rebuild(msg), IPV4_RESPONSE);
  // And from typed values, with the RFC's space padding on SOFTWARE.
  const built = new StunMessageBuilder('successResponse', STUN_METHOD_BINDING, TID)
    .add(StunAttributeType.Software, Buffer.from('test vector'), Buffer.from(' '))
    .xorMappedAddress('192.0.2.1', 32853)
    .build({ integrityKey: KEY, fingerprint: true });
  assert.deepEqual(built, IPV4_RESPONSE);
});

test('RFC 5769 §2.3 IPv6 response', () => {
  const msg = parseStun(IPV6_RESPONSE);
  assert.ok(msg);
  assert.deepEqual(getXorMappedAddress(msg), {
    family: 'IPv6',
    address: '2001:db8:1234:5678:11:2233:4455:6677',
    port: 32853,
  });
  assert.ok(verifyMessageIntegrity(IPV6_RESPONSE, KEY));
  assert.ok(verifyFingerprint(IPV6_RESPONSE));
  assert.deepEqual(serializeStun(msg), IPV6_RESPONSE);
  assert.deepEqual(rebuild(msg), IPV6_RESPONSE);
  const built = new StunMessageBuilder('successResponse', STUN_METHOD_BINDING, TID)
    .add(StunAttributeType.Software, Buffer.from('test vector'), Buffer.from(' '))
    .xorMappedAddress('2001:db8:1234:5678:11:2233:4455:6677', 32853)
    .build({ integrityKey: KEY, fingerprint: true });
  assert.deepEqual(built, IPV6_RESPONSE);
});

test('RFC 5769 §2.4 long-term credential request', () => {
  const msg = parseStun(LONG_TERM_REQUEST);
  assert.ok(msg);
  assert.equal(getUsername(msg), '\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9');
  // key = MD5(username ":" realm ":" SASLprep(password)); SASLprep of the RFC's password is "TheMatrIX".
  const key = createHash('md5').update(`${getUsername(msg)}:example.org:TheMatrIX`, 'utf8').digest();
  assert.ok(verifyMessageIntegrity(LONG_TERM_REQUEST, key));
  assert.ok(!verifyFingerprint(LONG_TERM_REQUEST));
  assert.deepEqual(serializeStun(msg), LONG_TERM_REQUEST);
});
