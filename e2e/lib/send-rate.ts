/**
 * A sending page's video rate and bandwidth estimate from its
 * RTCPeerConnection stats: outbound-rtp bytesSent deltas over 1 s windows,
 * and availableOutgoingBitrate of the selected candidate pair.
 */
import type { Page } from 'playwright-core';
import { sleep } from './browser.js';

export const TRANSPORT_CC_URI = 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01';

export interface OutboundSample {
  /** Stats timestamp, ms. */
  t: number;
  /** Video payload bytes sent so far, all video outbound-rtp streams. */
  bytesSent: number;
  /** Chromium's send-side estimate (bps), when it has one. */
  availableOutgoingBitrate: number | undefined;
  /** Video kbps over the window that ended with this sample (waitForRate fills it in). */
  kbps?: number;
}

/**
 * Reads the stats of the RTCPeerConnection that `getStats` (run in the page)
 * returns a report of, e.g. `() => window.msTest.state.send.getStats()`.
 */
export function outboundSample(page: Page, getStats: () => Promise<RTCStatsReport>): Promise<OutboundSample> {
  return page.evaluate(async (source) => {
    const report: RTCStatsReport = await (new Function(`return (${source})()`)() as Promise<RTCStatsReport>);
    let t = 0;
    let bytesSent = 0;
    let pairId: string | undefined;
    const pairs: any[] = [];
    report.forEach((s: any) => {
      if (s.type === 'outbound-rtp' && s.kind === 'video') {
        bytesSent += s.bytesSent ?? 0;
        t = Math.max(t, s.timestamp);
      }
      if (s.type === 'transport' && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId;
      if (s.type === 'candidate-pair') pairs.push(s);
    });
    const pair = pairs.find((p) => p.id === pairId) ?? pairs.find((p) => p.nominated && p.state === 'succeeded');
    return { t: t || performance.timeOrigin + performance.now(), bytesSent, availableOutgoingBitrate: pair?.availableOutgoingBitrate };
  }, getStats.toString());
}

/**
 * Takes 1 s windows until `accept(sample, kbps)` holds for one (kbps is the
 * video rate over that window), and returns that sample with its kbps.
 */
export async function waitForRate(
  what: string,
  timeoutMs: number,
  take: () => Promise<OutboundSample>,
  accept: (sample: OutboundSample, kbps: number | undefined) => boolean,
): Promise<OutboundSample> {
  const deadline = Date.now() + timeoutMs;
  const seen: string[] = [];
  let previous = await take();
  for (;;) {
    await sleep(1000);
    const current = await take();
    const dt = current.t - previous.t;
    const kbps = previous.bytesSent > 0 && dt > 0 ? ((current.bytesSent - previous.bytesSent) * 8) / dt : undefined;
    seen.push(`${kbps === undefined ? '-' : kbps.toFixed(0)}kbps/${current.availableOutgoingBitrate ?? '-'}`);
    if (accept(current, kbps)) return kbps === undefined ? current : { ...current, kbps };
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; 1 s windows (rate/estimate): ${seen.join(' ')}`);
    previous = current;
  }
}
