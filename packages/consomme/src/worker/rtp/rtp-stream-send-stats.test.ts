import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RtpStreamSendStats } from './rtp-stream-send-stats.js';
import { msToCompactNtp, ntpMiddle32, unixMsToNtp } from './ntp.js';

const make = () => new RtpStreamSendStats({ ssrc: 0x11223344, clockRate: 90000 });
const block = (over: Partial<{ fractionLost: number; totalLost: number; highestSeq: number; jitter: number; lsr: number; dlsr: number }>) => ({
  fractionLost: 0,
  totalLost: 0,
  highestSeq: 0,
  jitter: 0,
  lsr: 0,
  dlsr: 0,
  ...over,
});

test('counters', () => {
  const s = make();
  s.onPacketSent(1200, 1188, 1000, 0);
  s.onPacketSent(1200, 1188, 4000, 33);
  s.onPacketSent(1214, 1188, 1000, 40, true);
  s.onNack(3);
  s.onNack(1);
  s.onPli();
  s.onFir();
  s.onKeyFrameRequest('fir');
  s.onKeyFrameRequest('pli');
  assert.equal(s.packetsSent, 3);
  assert.equal(s.bytesSent, 3614);
  assert.equal(s.packetsRetransmitted, 1);
  assert.equal(s.bytesRetransmitted, 1214);
  assert.equal(s.nackCount, 2);
  assert.equal(s.nackPacketCount, 4);
  assert.equal(s.pliCount, 2);
  assert.equal(s.bitrate(40), 3614 * 8);
  assert.equal(s.bitrate(5000), 0);
  assert.equal(s.firCount, 2);
});

test('SR: nothing before the first media packet', () => {
  assert.equal(make().buildSenderReport(0, unixMsToNtp(0)), undefined);
});

test('SR: RTP timestamp extrapolated from the last media packet', () => {
  const s = make();
  s.onPacketSent(1000, 988, 0xffffff00, 1000);
  s.onPacketSent(1000, 500, 0xffffff00, 1002);
  s.onPacketSent(1000, 988, 5, 1500, true); // retransmission: ignored for the SR
  const ntp = unixMsToNtp(1_700_000_000_250);
  const sr = s.buildSenderReport(1102, ntp);
  assert.deepEqual(sr, {
    ssrc: 0x11223344,
    ntpSeconds: ntp.seconds,
    ntpFraction: ntp.fraction,
    rtpTimestamp: 8744, // 0xffffff00 + 100 ms · 90 kHz, wrapped past 2^32
    packetCount: 2,
    octetCount: 1488,
  });
});

test('RR: RTT from LSR/DLSR with the middle 32 bits', () => {
  const s = make();
  const srAt = 1_700_000_000_000;
  const sentNtp = unixMsToNtp(srAt);
  const lsr = ntpMiddle32(sentNtp.seconds, sentNtp.fraction);
  // The peer held the SR 200 ms; the RR arrives 250 ms after our SR: RTT 50 ms.
  s.onReceiverReport(block({ lsr, dlsr: msToCompactNtp(200) }), 250, unixMsToNtp(srAt + 250));
  const rtt = s.roundTripTimeMs;
  assert.ok(rtt !== undefined && Math.abs(rtt - 50) < 0.1, String(rtt));
  // No LSR: the RTT estimate is kept.
  s.onReceiverReport(block({}), 300, unixMsToNtp(srAt + 300));
  assert.equal(s.roundTripTimeMs, rtt);
});

test('RR fields are exposed', () => {
  const s = make();
  s.onReceiverReport(block({ fractionLost: 25, totalLost: 40, jitter: 900 }), 0, unixMsToNtp(0));
  assert.equal(s.fractionLost, 25);
  assert.equal(s.packetsLost, 40);
  assert.equal(s.remoteJitter, 900);
});

test('score from RR deltas', () => {
  const s = make();
  assert.equal(s.score, 10);
  let highest = 65500;
  let lost = 0;
  const rr = (expected: number, lostNow: number) => {
    highest += expected;
    lost += lostNow;
    s.onReceiverReport(block({ highestSeq: highest, totalLost: lost }), 0, unixMsToNtp(0));
    return s.score;
  };
  assert.equal(rr(0, 0), 10); // first report: from fraction lost (0)
  assert.equal(rr(100, 0), 10);
  for (let i = 0; i < 8; i++) rr(100, 20); // 20 % loss, across the 16-bit wrap of highestSeq
  assert.equal(s.score, 4);
  const before = s.score;
  assert.equal(rr(0, 0), before); // nothing expected: no evidence
  for (let i = 0; i < 8; i++) rr(100, 0);
  assert.equal(s.score, 10);
});

test('score: first RR uses its fraction lost', () => {
  const s = make();
  s.onReceiverReport(block({ fractionLost: 128 }), 0, unixMsToNtp(0)); // 50 %
  assert.equal(s.score, 1);
});
