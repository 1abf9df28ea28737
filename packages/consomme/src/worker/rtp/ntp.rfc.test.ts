import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compactNtpToMs, ntpMiddle32, rttFromCompactNtp } from './ntp.js';

// RFC 3550 §6.4.1, Figure 2: example of the round-trip computation.
test('RFC 3550 Figure 2 RTT example', () => {
  const a = 0xb710_8000; // A    = 46864.500 s (arrival, compact NTP)
  const lsr = 0xb705_2000; // LSR  = 46853.125 s
  const dlsr = 0x0005_4000; // DLSR =     5.250 s
  assert.equal(rttFromCompactNtp(a, lsr, dlsr), compactNtpToMs(0x0006_2000)); // 6.125 s
  assert.equal(rttFromCompactNtp(a, lsr, dlsr), 6125);
});

// The figure gives only compact values; any 64-bit NTP time whose middle
// bits are 0xb710 (seconds) and 0x8000 (fraction) must compact to A.
test('middle-32 extraction matches the figure', () => {
  assert.equal(ntpMiddle32(0xdeadb710, 0x8000_0000), 0xb710_8000);
  assert.equal(ntpMiddle32(0x0000b705, 0x2000_0000), 0xb705_2000);
});
