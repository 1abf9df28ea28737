/**
 * The RTCP a real receiver sends back (RFC 3550 §6.4.2): a receiver report with one block
 * per received SSRC, plus the SDES CNAME every compound packet must carry (§6.1), so that
 * an SFU serving light viewers does its RTCP receive work as it would for browsers.
 *
 * Loss per block follows RFC 3550 A.3 (cumulative from the first packet; the fraction over
 * the interval since the previous report); jitter is SsrcCounter's (A.8); LSR and DLSR
 * (§6.4.1) echo the last sender report of that SSRC, which lets the SFU measure the RTT.
 */
import type { ReportBlock, RtcpPacket } from '../../packages/consomme/src/wire/rtcp/index.js';
import { MAX_REPORT_BLOCKS, serializeRtcpCompound } from '../../packages/consomme/src/wire/rtcp/index.js';
import type { SsrcCounter } from './counters.js';

// The SeqUnwrapper puts the first packet in cycle 1; RTCP counts cycles from 0.
const SEQ_CYCLE_OFFSET = 0x1_0000;

interface Prior {
  expected: number;
  received: number;
}

interface LastSr {
  /** Middle 32 bits of the SR's NTP timestamp. */
  lsr: number;
  receivedMs: number;
}

export class ReceiverReports {
  readonly #prior = new Map<number, Prior>();
  readonly #lastSr = new Map<number, LastSr>();
  readonly #ssrc: number;
  readonly #cname: string;

  constructor(ssrc: number, cname: string) {
    this.#ssrc = ssrc >>> 0;
    this.#cname = cname;
  }

  /** Remembers a sender report of `ssrc` received at `nowMs` (monotonic ms). */
  senderReport(ssrc: number, ntpSeconds: number, ntpFraction: number, nowMs: number): void {
    this.#lastSr.set(ssrc, { lsr: (((ntpSeconds & 0xffff) << 16) | (ntpFraction >>> 16)) >>> 0, receivedMs: nowMs });
  }

  /** One report block for a counter, moving its interval start to now. */
  block(ssrc: number, c: SsrcCounter, nowMs: number): ReportBlock {
    const expected = c.first < 0 ? 0 : c.highest - c.first + 1;
    const prior = this.#prior.get(ssrc) ?? { expected: 0, received: 0 };
    const expectedInterval = expected - prior.expected;
    const lostInterval = expectedInterval - (c.packets - prior.received);
    this.#prior.set(ssrc, { expected, received: c.packets });
    const sr = this.#lastSr.get(ssrc);
    return {
      ssrc,
      fractionLost: expectedInterval <= 0 || lostInterval <= 0 ? 0 : Math.min(255, Math.floor((lostInterval * 256) / expectedInterval)),
      totalLost: expected - c.packets,
      highestSeq: c.highest < 0 ? 0 : (c.highest - SEQ_CYCLE_OFFSET) >>> 0,
      jitter: Math.floor(c.jitter),
      lsr: sr?.lsr ?? 0,
      // Units of 1/65536 s.
      dlsr: sr ? Math.floor(((nowMs - sr.receivedMs) * 65536) / 1000) >>> 0 : 0,
    };
  }

  /** RR (+ SDES) for the given counters, plain; undefined when there is nothing to report. */
  build(counters: ReadonlyMap<number, SsrcCounter>, nowMs: number): Buffer | undefined {
    const reports: ReportBlock[] = [];
    for (const [ssrc, c] of counters) {
      if (reports.length === MAX_REPORT_BLOCKS) break;
      if (c.packets > 0) reports.push(this.block(ssrc, c, nowMs));
    }
    if (reports.length === 0) return undefined;
    const packets: RtcpPacket[] = [
      { type: 'rr', ssrc: this.#ssrc, reports },
      { type: 'sdes', chunks: [{ ssrc: this.#ssrc, items: [{ type: 'cname', text: this.#cname }] }] },
    ];
    return serializeRtcpCompound(packets);
  }
}
