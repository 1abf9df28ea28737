/**
 * Producer-side feedback with Chromium (issue 6): a page produces its fake
 * camera through the v3 API; the server sends transport-cc feedback, which
 * feeds Chromium's own send-side estimate (candidate-pair
 * availableOutgoingBitrate), and `setMaxIncomingBitrate` caps what Chromium
 * sends through REMB. With a 500 kbit/s bottleneck on Chromium's uplink
 * (e2e/lib/bottleneck.ts), the estimate follows the bottleneck down and
 * climbs again when it is lifted.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { sleep, useClientPages } from '../lib/browser.js';
import { SfuFixture } from '../lib/sfu-fixture.js';
import { outboundSample, TRANSPORT_CC_URI, waitForRate, type OutboundSample } from '../lib/send-rate.js';
import { limitUdpToPorts } from '../lib/bottleneck.js';

const openPage = useClientPages();

/** The page's send transport stats, reduced to what the test reads. */
function sample(page: Page): Promise<OutboundSample> {
  return outboundSample(page, () => (window as any).msTest.state.send.getStats());
}

describe('producer-side feedback to Chromium', { timeout: 90_000 }, () => {
  test('transport-cc feedback drives availableOutgoingBitrate, and setMaxIncomingBitrate caps the send rate', async () => {
    const fixture = await new SfuFixture().start();
    const page = await openPage((m, d) => fixture.handle(m, d));
    try {
      const ids = await page.evaluate(() => (window as any).msTest.produce({ audio: false }));
      // 720p: the fake camera's simple picture then needs well over 300 kbps.
      await page.evaluate((id) => (window as any).msTest.state.producers[id].track.applyConstraints({ width: 1280, height: 720 }), ids.video);
      const producer = fixture.producers.get(ids.video)!;
      // ORTC offers the extension for both kinds and Chromium negotiated it for its producer.
      const offered = fixture.router.rtpCapabilities.headerExtensions!.filter((e) => e.uri === TRANSPORT_CC_URI).map((e) => e.kind);
      assert.deepEqual(offered.sort(), ['audio', 'video']);
      assert.ok(producer.rtpParameters.headerExtensions!.some((e) => e.uri === TRANSPORT_CC_URI), 'the producer carries transport-wide-cc');
      const transport = [...fixture.transports.values()][0]!;

      // (a) Chromium starts from x-google-start-bitrate (1000 kbps, see the fixture's VP8). Its
      // probes are only answered through transport-cc feedback: without it the estimate creeps
      // up by RTCP loss reports (about 8 %/s), with it it passes twice the start within seconds.
      const estimates: number[] = [];
      const deadline = Date.now() + 6000;
      while (Date.now() < deadline && !(Math.max(0, ...estimates) > 2_000_000)) {
        const s = await sample(page);
        if (s.availableOutgoingBitrate !== undefined && s.availableOutgoingBitrate !== estimates.at(-1)) estimates.push(s.availableOutgoingBitrate);
        await sleep(100);
      }
      // The first sample may already be past it when Chromium probed before the page asked.
      assert.ok(Math.max(...estimates) > 2_000_000, `availableOutgoingBitrate over time: ${estimates.join(', ')}`);
      const stats0 = (await transport.getStats())[0]!;
      await sleep(3000);
      const stats1 = (await transport.getStats())[0]!;
      const sent = stats1.rtcpTransportCcSent! - stats0.rtcpTransportCcSent!;
      // One every 100 ms (more when batches are large): about 30 in 3 s.
      assert.ok(sent >= 20 && sent <= 100, `transport-cc feedback packets in 3 s: ${sent}`);
      assert.equal(stats1.rtcpRembSent, 0, 'no REMB before a limit is set');

      // (b) the cap. First Chromium sends well above it.
      const before = await waitForRate('a send rate above 500 kbps', 15_000, () => sample(page), (_s, kbps) => kbps !== undefined && kbps > 500);
      await transport.setMaxIncomingBitrate(250_000);
      const t0 = Date.now();
      const capped = await waitForRate('a send rate at most 300 kbps', 10_000, () => sample(page), (_s, kbps) => kbps !== undefined && kbps <= 300);
      assert.ok(capped.availableOutgoingBitrate! <= 300_000, `the estimate follows the cap: ${capped.availableOutgoingBitrate}`);
      const stats2 = (await transport.getStats())[0]!;
      assert.equal(stats2.maxIncomingBitrate, 250_000);
      assert.ok(stats2.rtcpRembSent! >= 1, 'REMB sent');
      assert.ok(stats2.rtcpTransportCcSent! > stats1.rtcpTransportCcSent!, 'transport-cc feedback keeps running');
      console.log(`before the cap ${before.kbps?.toFixed(0)} kbps; ${capped.kbps?.toFixed(0)} kbps after ${Date.now() - t0} ms`);
      // Stays there.
      await sleep(2000);
      const later = await waitForRate('a second capped window', 3000, () => sample(page), (_s, kbps) => kbps !== undefined);
      assert.ok(later.kbps! <= 300, `still capped: ${later.kbps} kbps`);

      // Lifting the cap lets Chromium climb again.
      await transport.setMaxIncomingBitrate(0);
      await waitForRate('a send rate back above 400 kbps', 20_000, () => sample(page), (_s, kbps) => kbps !== undefined && kbps > 400);
    } finally {
      await page.context().close();
      fixture.close();
    }
  });

  test('availableOutgoingBitrate tracks a bottleneck on the uplink', async () => {
    const fixture = await new SfuFixture().start();
    const page = await openPage((m, d) => fixture.handle(m, d));
    let bottleneck: ReturnType<typeof limitUdpToPorts> | undefined;
    try {
      const ids = await page.evaluate(() => (window as any).msTest.produce({ audio: false }));
      await page.evaluate((id) => (window as any).msTest.state.producers[id].track.applyConstraints({ width: 1280, height: 720 }), ids.video);
      const transport = [...fixture.transports.values()][0]!;
      const free = await waitForRate('an estimate above 1.2 Mbps', 15_000, () => sample(page), (s) => (s.availableOutgoingBitrate ?? 0) > 1_200_000);
      // Packets Chromium sends to the SFU's port go through 500 kbit/s.
      bottleneck = limitUdpToPorts(transport.iceCandidates.map((c) => c.port), 500);
      const t0 = Date.now();
      const limited = await waitForRate('an estimate at most 600 kbps', 10_000, () => sample(page), (s) => (s.availableOutgoingBitrate ?? Infinity) <= 600_000);
      const down = Date.now() - t0;
      await sleep(3000);
      const settled = await waitForRate('a send rate under the bottleneck', 5000, () => sample(page), (_s, kbps) => kbps !== undefined && kbps <= 600);
      bottleneck.lift();
      const t1 = Date.now();
      const lifted = await waitForRate('an estimate back above 1 Mbps', 20_000, () => sample(page), (s) => (s.availableOutgoingBitrate ?? 0) > 1_000_000);
      console.log(
        `uplink: estimate ${Math.round(free.availableOutgoingBitrate! / 1000)} kbps free, ${Math.round(limited.availableOutgoingBitrate! / 1000)} kbps ${down} ms after a 500 kbit/s limit ` +
          `(sending ${settled.kbps?.toFixed(0)} kbps), ${Math.round(lifted.availableOutgoingBitrate! / 1000)} kbps ${Date.now() - t1} ms after the lift`,
      );
    } finally {
      bottleneck?.remove();
      await page.context().close();
      fixture.close();
    }
  });
});
