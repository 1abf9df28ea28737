/**
 * Issue 5 acceptance for the rooms API (seed 002): `setMaxBitrate(250000)` on
 * a send transport brings what the unmodified mediasoup-client 2.x in
 * Chromium sends to at most 300 kbps within 10 s.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { Server } from 'consomme';
import { launchChromium } from '../lib/browser.js';
import { outboundSample, waitForRate } from '../lib/send-rate.js';
import { openV2Page, startV2PageServer } from '../lib/v2-page.js';

let browser: Browser;
let pages: { url: string; close: () => Promise<void> };
const server = Server({ numWorkers: 1, logLevel: 'warn', rtcIPv4: '127.0.0.1', rtcIPv6: false });

before(async () => {
  browser = await launchChromium();
  pages = await startV2PageServer();
});

after(async () => {
  await browser?.close();
  await pages?.close();
  server.close();
});

describe('rooms API: setMaxBitrate with mediasoup-client 2.x in Chromium', { timeout: 90_000 }, () => {
  test('the send rate falls from well above to at most 300 kbps within 10 s', async () => {
    const room = server.Room([
      { kind: 'audio', name: 'opus', clockRate: 48000, channels: 2 },
      // Chromium then starts at 1000 kbps and full size, instead of ramping up from 300 kbps at a lower size.
      { kind: 'video', name: 'VP8', clockRate: 90000, parameters: { 'x-google-start-bitrate': 1000 } },
    ]);
    const page = await openV2Page(browser, pages.url, room);
    try {
      assert.equal(await page.evaluate(() => (window as any).v2Test.join('A')), 'chrome');
      await page.evaluate(() => (window as any).v2Test.sendMedia(1280, 720));
      const transport = room.getPeerByName('A')!.transports.find((t) => t.direction === 'send')!;
      assert.ok(transport, 'a send transport on the server');
      const take = () => outboundSample(page, () => (window as any).v2Test.sendStats());
      const start = await waitForRate('a send rate above 500 kbps', 20_000, take, (_s, kbps) => kbps !== undefined && kbps > 500);
      assert.equal(await transport.setMaxBitrate(250_000), transport);
      const t0 = Date.now();
      const capped = await waitForRate('a send rate at most 300 kbps', 10_000, take, (_s, kbps) => kbps !== undefined && kbps <= 300);
      console.log(`before ${start.kbps?.toFixed(0)} kbps; ${capped.kbps?.toFixed(0)} kbps after ${Date.now() - t0} ms`);
      const stats = (await transport.getStats())[0]!;
      assert.equal(stats.maxIncomingBitrate, 250_000);
      assert.ok(stats.rtcpRembSent! >= 1);
      assert.ok(stats.rtcpTransportCcSent! > 0, 'the 2.x client negotiated transport-wide-cc too, and gets feedback');
    } finally {
      await page.evaluate(() => (window as any).v2Test.leave()).catch(() => undefined);
      await page.context().close();
      room.close();
    }
  });
});
