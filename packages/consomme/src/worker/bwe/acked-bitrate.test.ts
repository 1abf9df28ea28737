import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AckedBitrate } from './acked-bitrate.js';
import type { PacketResult } from './send-history.js';

let nextSeq = 0;
function received(arrivalTimeMs: number, sizeBytes = 1250): PacketResult {
  return { seq: nextSeq++, sizeBytes, sendTimeMs: arrivalTimeMs, arrivalTimeMs };
}

test('undefined until one window of arrivals, then the delivered rate', () => {
  const a = new AckedBitrate({ windowMs: 500 });
  assert.equal(a.bitrate, undefined);
  // 1250 bytes every 10 ms = 1 Mbps.
  for (let t = 0; t < 400; t += 10) a.update([received(t)]);
  assert.equal(a.bitrate, undefined, 'less than a window seen');
  for (let t = 400; t <= 2000; t += 10) a.update([received(t)]);
  assert.equal(a.bitrate, 1_000_000);
});

test('lost packets do not count; the rate follows a change within a window', () => {
  const a = new AckedBitrate({ windowMs: 500 });
  for (let t = 0; t <= 1000; t += 10) a.update([received(t), { seq: nextSeq++, sizeBytes: 1250, sendTimeMs: t, arrivalTimeMs: undefined }]);
  assert.equal(a.bitrate, 1_000_000);
  for (let t = 1020; t <= 1500; t += 20) a.update([received(t)]);
  assert.equal(a.bitrate, 500_000);
});

test('reordered arrivals within the window count once, older ones are dropped', () => {
  const a = new AckedBitrate({ windowMs: 500 });
  for (let t = 0; t <= 1000; t += 10) a.update([received(t)]);
  const before = a.bitrate!;
  a.update([received(995, 1250)]);
  assert.equal(a.bitrate, before + (1250 * 8 * 1000) / 500);
  a.update([received(100, 1250)]);
  assert.equal(a.bitrate, before + (1250 * 8 * 1000) / 500, 'older than the window: ignored');
});

test('a receiver clock jump starts over', () => {
  const a = new AckedBitrate({ windowMs: 500 });
  for (let t = 0; t <= 1000; t += 10) a.update([received(t)]);
  assert.ok(a.bitrate !== undefined);
  a.update([received(1_000_000)]);
  assert.equal(a.bitrate, undefined);
});
