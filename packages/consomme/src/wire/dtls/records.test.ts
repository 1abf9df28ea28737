import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  classifyDtlsDatagram,
  hasPlaintextHandshakeRecord,
  isClientHelloRecord,
  isHelloVerifyRequestRecord,
  parseDtlsAlert,
  parseDtlsRecords,
  serializeDtlsAlert,
  serializeDtlsRecord,
} from './records.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// A ChangeCipherSpec record followed by an (encrypted-looking) handshake record.
const TWO_RECORDS = hex(`
  14          # content type 20 change_cipher_spec
  fefd        # DTLS 1.2
  0000        # epoch 0
  000000000005 # sequence number 5
  0001        # length 1
  01          # ChangeCipherSpec
  16          # content type 22 handshake
  fefd        # DTLS 1.2
  0001        # epoch 1
  000000000000 # sequence number 0
  0004        # length 4
  deadbeef    # ciphertext
`.replace(/#.*$/gm, ''));

const CLIENT_HELLO_HEAD = hex(`
  16 feff 0000 000000000000 0004   # handshake, DTLS 1.0 record version, epoch 0, length 4
  01 000000                        # msg_type client_hello, length…
`.replace(/#.*$/gm, ''));

const HELLO_VERIFY_REQUEST_HEAD = hex(`
  16 fefd 0000 000000000001 0004   # handshake, epoch 0, seq 1, length 4
  03 000000                        # msg_type hello_verify_request, length…
`.replace(/#.*$/gm, ''));

const PLAIN_ALERT = hex(`
  15 fefd 0000 000000000009 0002   # alert, epoch 0, seq 9, length 2
  02 28                            # fatal, handshake_failure (40)
`.replace(/#.*$/gm, ''));

describe('DTLS record framing', () => {
  const rows: Array<[string, Buffer, ReturnType<typeof classifyDtlsDatagram>]> = [
    ['empty', Buffer.alloc(0), 'malformed'],
    ['short header', TWO_RECORDS.subarray(0, 12), 'malformed'],
    ['truncated fragment', TWO_RECORDS.subarray(0, TWO_RECORDS.length - 1), 'malformed'],
    ['trailing byte', Buffer.concat([TWO_RECORDS, Buffer.from([0x17])]), 'malformed'],
    ['bad content type', Buffer.concat([Buffer.from([0x18]), TWO_RECORDS.subarray(1)]), 'malformed'],
    ['bad version', Buffer.concat([Buffer.from([0x14, 0x03, 0x03]), TWO_RECORDS.subarray(3)]), 'malformed'],
    ['two records', TWO_RECORDS, 'forward'],
    ['client hello', CLIENT_HELLO_HEAD, 'inspect'],
    ['hello verify request', HELLO_VERIFY_REQUEST_HEAD, 'inspect'],
    ['alert', PLAIN_ALERT, 'inspect'],
  ];
  for (const [name, buf, kind] of rows) {
    it(`classifies ${name}`, () => assert.equal(classifyDtlsDatagram(buf), kind));
  }

  it('splits records and re-serializes them byte for byte', () => {
    const recs = parseDtlsRecords(TWO_RECORDS);
    assert.ok(recs);
    assert.equal(recs.length, 2);
    assert.deepEqual(recs.map((r) => [r.contentType, r.epoch, r.sequenceNumber, r.fragment.length]), [
      ['change_cipher_spec', 0, 5, 1],
      ['handshake', 1, 0, 4],
    ]);
    assert.deepEqual(Buffer.concat(recs.map(serializeDtlsRecord)), TWO_RECORDS);
    const [ch] = parseDtlsRecords(CLIENT_HELLO_HEAD) ?? [];
    assert.ok(ch && isClientHelloRecord(ch) && !isHelloVerifyRequestRecord(ch));
    const [hvr] = parseDtlsRecords(HELLO_VERIFY_REQUEST_HEAD) ?? [];
    assert.ok(hvr && isHelloVerifyRequestRecord(hvr));
  });

  it('parses alerts', () => {
    const [rec] = parseDtlsRecords(PLAIN_ALERT) ?? [];
    assert.deepEqual(parseDtlsAlert(rec?.fragment ?? Buffer.alloc(0)), { level: 'fatal', description: 40 });
    assert.equal(parseDtlsAlert(hex('0300')), undefined);
    assert.equal(parseDtlsAlert(hex('01')), undefined);
    assert.deepEqual(serializeDtlsAlert({ level: 'warning', description: 0 }), hex('0100'));
  });

  it('never throws and round-trips whatever parses (fuzz)', (t) => {
    const random = fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a));
    const mutated = fc
      .tuple(fc.constantFrom(TWO_RECORDS, CLIENT_HELLO_HEAD, HELLO_VERIFY_REQUEST_HEAD, PLAIN_ALERT), fc.nat(), fc.nat(255), fc.nat(60))
      .map(([base, pos, val, cut]) => {
        const b = Buffer.from(base);
        b[pos % b.length] = val;
        return cut < 10 ? b.subarray(0, Math.max(0, b.length - cut)) : b;
      });
    let parsed = 0;
    fc.assert(
      fc.property(fc.oneof(random, mutated), (buf) => {
        const kind = classifyDtlsDatagram(buf);
        const recs = parseDtlsRecords(buf);
        assert.equal(recs === undefined, kind === 'malformed');
        if (recs !== undefined) {
          parsed++;
          assert.deepEqual(Buffer.concat(recs.map(serializeDtlsRecord)), buf);
          assert.equal(hasPlaintextHandshakeRecord(buf), recs.some((r) => r.contentType === 'handshake' && r.epoch === 0));
        }
        for (const r of recs ?? []) {
          isClientHelloRecord(r);
          isHelloVerifyRequestRecord(r);
          const a = parseDtlsAlert(r.fragment);
          if (a !== undefined) assert.deepEqual(serializeDtlsAlert(a), r.fragment);
        }
      }),
      { numRuns: 100_000 },
    );
    // Random bytes almost never frame as records; the mutated half mostly does.
    t.diagnostic(`${parsed} of 100000 parsed`);
    assert.ok(parsed > 20_000, `${parsed} of 100000 parsed`);
  });
});
