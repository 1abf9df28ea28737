/**
 * Send statistics of one outgoing RTP stream (consumer side): counters, the
 * receiver's view from RR report blocks (RFC 3550 §6.4.2), round-trip time
 * from LSR/DLSR (§6.4.1), and the fields of our next SR (§6.4.1,
 * https://www.rfc-editor.org/rfc/rfc3550#section-6.4.1):
 *
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |              NTP timestamp, most significant word             |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |             NTP timestamp, least significant word             |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                         RTP timestamp                         |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                     sender's packet count                     |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                      sender's octet count                     |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
import { ntpMiddle32, rttFromCompactNtp } from './ntp.js';
import type { NtpTime } from './ntp.js';
import { RateCalculator } from './rate-calculator.js';
import { timestampAdd } from '../../wire/rtp/seq.js';
import { ScoreHistory, scoreSample } from './stream-score.js';

export interface RtpStreamSendStatsOptions {
  readonly ssrc: number;
  readonly clockRate: number;
}

/** The fields of a report block about our stream, as parsed from an RR/SR. */
export interface RemoteReportBlock {
  readonly fractionLost: number;
  readonly totalLost: number;
  readonly highestSeq: number;
  readonly jitter: number;
  readonly lsr: number;
  readonly dlsr: number;
}

/** The plain fields of an SR's sender info block. */
export interface SenderReportInfo {
  readonly ssrc: number;
  readonly ntpSeconds: number;
  readonly ntpFraction: number;
  readonly rtpTimestamp: number;
  readonly packetCount: number;
  readonly octetCount: number;
}

const TWO_32 = 0x1_0000_0000;

export class RtpStreamSendStats {
  readonly ssrc: number;
  readonly clockRate: number;

  #packetsSent = 0;
  #bytesSent = 0;
  #mediaPackets = 0;
  #mediaPayloadBytes = 0;
  #packetsRetransmitted = 0;
  #bytesRetransmitted = 0;
  #nackCount = 0;
  #nackPacketCount = 0;
  #pliCount = 0;
  #firCount = 0;

  #hasSent = false;
  #lastTimestamp = 0;
  #lastSentAtMs = 0;

  #hasReport = false;
  #fractionLost = 0;
  #packetsLost = 0;
  #remoteJitter = 0;
  #rttMs: number | undefined = undefined;
  #prevHighestSeq = 0;
  #prevTotalLost = 0;
  #prevRetransmitted = 0;
  readonly #score = new ScoreHistory(10);
  readonly #rate = new RateCalculator();

  constructor(options: RtpStreamSendStatsOptions) {
    this.ssrc = options.ssrc >>> 0;
    this.clockRate = options.clockRate;
  }

  get packetsSent(): number { return this.#packetsSent; }
  get bytesSent(): number { return this.#bytesSent; }
  get packetsRetransmitted(): number { return this.#packetsRetransmitted; }
  get bytesRetransmitted(): number { return this.#bytesRetransmitted; }
  /** NACK feedback messages received. */
  get nackCount(): number { return this.#nackCount; }
  /** Sequence numbers requested across all NACKs. */
  get nackPacketCount(): number { return this.#nackPacketCount; }
  get pliCount(): number { return this.#pliCount; }
  get firCount(): number { return this.#firCount; }
  /** Last reported fraction lost, 0..255 (1/256 units). */
  get fractionLost(): number { return this.#fractionLost; }
  /** Last reported cumulative loss. */
  get packetsLost(): number { return this.#packetsLost; }
  /** Last reported jitter, in timestamp units. */
  get remoteJitter(): number { return this.#remoteJitter; }
  /** Last measured round-trip time, or undefined until an RR echoes one of our SRs. */
  get roundTripTimeMs(): number | undefined { return this.#rttMs; }
  get score(): number { return this.#score.score; }
  /** Sent bits per second over the last second (retransmissions included). */
  bitrate(nowMs: number): number { return this.#rate.bitrate(nowMs); }

  /**
   * Accounts a packet put on the wire. `sizeBytes` is the whole RTP packet,
   * `payloadBytes` what the SR octet count covers (no header, no padding).
   * Retransmissions do not move the SR's timestamp anchor or counts.
   */
  onPacketSent(sizeBytes: number, payloadBytes: number, rtpTimestamp: number, sentAtMs: number, isRetransmission = false): void {
    this.#packetsSent++;
    this.#bytesSent += sizeBytes;
    this.#rate.update(sizeBytes, sentAtMs);
    if (isRetransmission) {
      this.#packetsRetransmitted++;
      this.#bytesRetransmitted += sizeBytes;
      return;
    }
    this.#mediaPackets++;
    this.#mediaPayloadBytes += payloadBytes;
    this.#hasSent = true;
    this.#lastTimestamp = rtpTimestamp >>> 0;
    this.#lastSentAtMs = sentAtMs;
  }

  /** One NACK message asked for `requestedPackets` sequence numbers. */
  onNack(requestedPackets: number): void {
    this.#nackCount++;
    this.#nackPacketCount += requestedPackets;
  }

  onPli(): void {
    this.#pliCount++;
  }

  onFir(): void {
    this.#firCount++;
  }

  onKeyFrameRequest(kind: 'pli' | 'fir'): void {
    if (kind === 'pli') this.#pliCount++;
    else this.#firCount++;
  }

  /**
   * Takes the receiver's report block about this stream, received at
   * `nowMs` when the local NTP clock read `ntpNow` (the same clock our SRs
   * are stamped with). Updates RTT and the score.
   */
  onReceiverReport(block: RemoteReportBlock, _nowMs: number, ntpNow: NtpTime): void {
    const rtt = rttFromCompactNtp(ntpMiddle32(ntpNow.seconds, ntpNow.fraction), block.lsr >>> 0, block.dlsr >>> 0);
    if (rtt !== undefined) this.#rttMs = rtt;

    const highest = block.highestSeq >>> 0;
    const retransmitted = this.#packetsRetransmitted;
    if (!this.#hasReport) {
      this.#score.push(scoreSample({ expected: 256, lost: block.fractionLost, repaired: 0, jitterMs: this.#jitterMs(block.jitter) }));
    } else {
      // Signed 32-bit deltas: the highest seq wraps and a reordered RR can go back.
      let expected = (highest - this.#prevHighestSeq + TWO_32) % TWO_32;
      if (expected >= TWO_32 / 2) expected -= TWO_32;
      // Nothing new expected (paused, or the RR crossed our packets): no evidence either way.
      if (expected > 0) {
        this.#score.push(
          scoreSample({
            expected,
            lost: block.totalLost - this.#prevTotalLost,
            repaired: retransmitted - this.#prevRetransmitted,
            jitterMs: this.#jitterMs(block.jitter),
          }),
        );
      }
    }
    this.#hasReport = true;
    this.#prevHighestSeq = highest;
    this.#prevTotalLost = block.totalLost;
    this.#prevRetransmitted = retransmitted;
    this.#fractionLost = block.fractionLost;
    this.#packetsLost = block.totalLost;
    this.#remoteJitter = block.jitter >>> 0;
  }

  /**
   * The sender info for an SR sent at `nowMs` / `ntpNow`: the RTP timestamp
   * is extrapolated from the last media packet's timestamp and send time, so
   * the receiver can map NTP to RTP (lip sync) even between packets.
   * Undefined before the first media packet (RFC 3550 §6.4: only senders send SRs).
   */
  buildSenderReport(nowMs: number, ntpNow: NtpTime): SenderReportInfo | undefined {
    if (!this.#hasSent) return undefined;
    const elapsedTicks = ((nowMs - this.#lastSentAtMs) * this.clockRate) / 1000;
    return {
      ssrc: this.ssrc,
      ntpSeconds: ntpNow.seconds,
      ntpFraction: ntpNow.fraction,
      rtpTimestamp: timestampAdd(this.#lastTimestamp, elapsedTicks),
      packetCount: this.#mediaPackets % TWO_32,
      octetCount: this.#mediaPayloadBytes % TWO_32,
    };
  }

  #jitterMs(jitterTicks: number): number {
    return ((jitterTicks >>> 0) * 1000) / this.clockRate;
  }
}
