import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspectDcepMessage, parseDcepMessage, serializeDcepAck, serializeDcepOpen, type DcepOpen } from './message.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// RFC 8832 §5.1/§5.2 layouts, written out field by field.
const OPEN_VECTORS: Array<{ name: string; bytes: string; open: Omit<DcepOpen, 'type'> }> = [
  {
    name: 'reliable, label "chat", no protocol',
    bytes:
      '03' + //       Message Type DATA_CHANNEL_OPEN
      '00' + //       Channel Type RELIABLE
      '0100' + //     Priority 256 (normal)
      '00000000' + // Reliability Parameter (ignored)
      '0004' + //     Label Length 4
      '0000' + //     Protocol Length 0
      '63686174', //  "chat"
    open: { channelType: 'reliable', priority: 256, reliabilityParameter: 0, label: 'chat', protocol: '' },
  },
  {
    name: 'unordered, 0 retransmits, label "", protocol "x"',
    bytes:
      '03' + //       DATA_CHANNEL_OPEN
      '81' + //       PARTIAL_RELIABLE_REXMIT_UNORDERED
      '0080' + //     Priority 128
      '00000000' + // 0 retransmissions
      '0000' + //     Label Length 0
      '0001' + //     Protocol Length 1
      '78', //        "x"
    open: { channelType: 'partial-reliable-rexmit-unordered', priority: 128, reliabilityParameter: 0, label: '', protocol: 'x' },
  },
  {
    name: 'timed 3000 ms, UTF-8 label "é", protocol "json"',
    bytes:
      '03' + //       DATA_CHANNEL_OPEN
      '02' + //       PARTIAL_RELIABLE_TIMED
      '0200' + //     Priority 512
      '00000bb8' + // lifetime 3000 ms
      '0002' + //     Label Length 2 (UTF-8 bytes)
      '0004' + //     Protocol Length 4
      'c3a9' + //     "é"
      '6a736f6e', //  "json"
    open: { channelType: 'partial-reliable-timed', priority: 512, reliabilityParameter: 3000, label: 'é', protocol: 'json' },
  },
];

for (const v of OPEN_VECTORS) {
  test(`DATA_CHANNEL_OPEN vector: ${v.name}`, () => {
    const parsed = parseDcepMessage(hex(v.bytes));
    assert.deepEqual(parsed, { type: 'open', ...v.open });
    assert.equal(serializeDcepOpen(v.open)?.toString('hex'), v.bytes);
  });
}

test('DATA_CHANNEL_ACK is the single byte 0x02', () => {
  assert.deepEqual(parseDcepMessage(hex('02')), { type: 'ack' });
  assert.equal(serializeDcepAck().toString('hex'), '02');
});

const BAD: Array<[string, string, string]> = [
  ['', 'empty', 'no bytes'],
  ['0200', 'bad-length', 'ACK with a trailing byte'],
  ['04', 'unknown-type', 'message type 4'],
  ['0300010000000000000000', 'bad-length', 'OPEN shorter than its 12-byte header'],
  ['030001000000000000010000', 'bad-length', 'label length 1 but no label byte'],
  ['03000100000000000000000061', 'bad-length', 'a trailing byte after label and protocol'],
  ['030301000000000000000000', 'unknown-channel-type', 'channel type 0x03'],
  ['03000100000000000001000080', 'bad-utf8', 'label is a lone continuation byte'],
];
for (const [bytes, problem, name] of BAD) {
  test(`rejects ${name}`, () => {
    assert.equal(inspectDcepMessage(hex(bytes)), problem);
    assert.equal(parseDcepMessage(hex(bytes)), undefined);
  });
}
