import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { NTP_UNIX_OFFSET_SECONDS, compactNtpToMs, msToCompactNtp, ntpMiddle32, ntpToUnixMs, rttFromCompactNtp, unixMsToNtp } from './ntp.js';

test('unix epoch maps to NTP 2208988800.0', () => {
  assert.deepEqual(unixMsToNtp(0), { seconds: NTP_UNIX_OFFSET_SECONDS, fraction: 0 });
  assert.deepEqual(unixMsToNtp(1500), { seconds: NTP_UNIX_OFFSET_SECONDS + 1, fraction: 0x8000_0000 });
  assert.deepEqual(unixMsToNtp(250), { seconds: NTP_UNIX_OFFSET_SECONDS, fraction: 0x4000_0000 });
});

test('fraction never reaches 2^32', () => {
  const t = unixMsToNtp(999.9999999999);
  assert.ok(t.fraction <= 0xffffffff);
  assert.equal(t.seconds, NTP_UNIX_OFFSET_SECONDS);
});

test('unix ms → NTP → unix ms round-trips within a microsecond', () => {
  fc.assert(
    fc.property(fc.double({ min: 0, max: 2_000_000_000_000, noNaN: true }), (ms) => {
      const t = unixMsToNtp(ms);
      assert.ok(Number.isInteger(t.seconds) && t.seconds >= 0 && t.seconds <= 0xffffffff);
      assert.ok(Number.isInteger(t.fraction) && t.fraction >= 0 && t.fraction <= 0xffffffff);
      assert.ok(Math.abs(ntpToUnixMs(t.seconds, t.fraction) - ms) < 0.001);
    }),
    { numRuns: 10_000 },
  );
});

test('middle 32 bits', () => {
  assert.equal(ntpMiddle32(0x1234_5678, 0x9abc_def0), 0x5678_9abc);
  assert.equal(ntpMiddle32(0xffff_ffff, 0xffff_ffff), 0xffff_ffff);
});

test('compact NTP ↔ ms', () => {
  assert.equal(compactNtpToMs(0x0001_0000), 1000);
  assert.equal(compactNtpToMs(0x0000_8000), 500);
  assert.equal(msToCompactNtp(1000), 0x0001_0000);
  assert.equal(msToCompactNtp(-5), 0);
  assert.equal(msToCompactNtp(1e12), 0xffffffff);
});

test('RTT: no SR seen, and clock jitter below zero', () => {
  assert.equal(rttFromCompactNtp(0x1000, 0, 0), undefined);
  assert.equal(rttFromCompactNtp(0x1000, 0x0fff, 0x0002), 0);
  // Wraps around the middle-32 circle.
  assert.equal(rttFromCompactNtp(0x0000_0100, 0xffff_ff00, 0), compactNtpToMs(0x200));
});
