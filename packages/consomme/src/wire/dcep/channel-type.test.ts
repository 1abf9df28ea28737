import { test } from 'node:test';
import assert from 'node:assert/strict';
import { channelTypeCode, channelTypeFromCode, channelTypeOf, reliabilityOf, type DcepChannelType } from './channel-type.js';

const ROWS: Array<[DcepChannelType, number, number, { ordered: boolean; maxRetransmits?: number; maxPacketLifeTime?: number }]> = [
  ['reliable', 0x00, 0, { ordered: true }],
  ['reliable-unordered', 0x80, 0, { ordered: false }],
  ['partial-reliable-rexmit', 0x01, 3, { ordered: true, maxRetransmits: 3 }],
  ['partial-reliable-rexmit-unordered', 0x81, 0, { ordered: false, maxRetransmits: 0 }],
  ['partial-reliable-timed', 0x02, 1500, { ordered: true, maxPacketLifeTime: 1500 }],
  ['partial-reliable-timed-unordered', 0x82, 100, { ordered: false, maxPacketLifeTime: 100 }],
];

for (const [type, code, param, reliability] of ROWS) {
  test(`channel type ${type} (0x${code.toString(16)}) ↔ ${JSON.stringify(reliability)}`, () => {
    assert.equal(channelTypeCode(type), code);
    assert.equal(channelTypeFromCode(code), type);
    assert.deepEqual(reliabilityOf(type, param), reliability);
    assert.deepEqual(channelTypeOf(reliability), { channelType: type, reliabilityParameter: param });
  });
}

test('unknown channel type codes map to undefined', () => {
  for (const code of [0x03, 0x7f, 0x83, 0xff]) assert.equal(channelTypeFromCode(code), undefined);
});
