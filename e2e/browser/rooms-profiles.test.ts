/**
 * seed-002 profiles with real simulcast: page A (the unmodified
 * mediasoup-client 2.x in Debian Chromium) sends its fake camera at 1280x720
 * with 2.x `simulcast: true` (three SSRCs: low, medium, high); page B
 * receives it through the rooms API. The server sets B's consumer's
 * preferred profile low → medium → high; each time effectiveProfile follows,
 * 'effectiveprofilechange' fires, B's client hears
 * consumerEffectiveProfileChanged, and the frame width B decodes changes
 * within 3 s.
 */
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { Server, type rooms } from 'consomme';
import { launchChromium, sleep } from '../lib/browser.js';
import { openV2Page, startV2PageServer } from '../lib/v2-page.js';

const here = dirname(fileURLToPath(import.meta.url));
const PAGE_SCRIPT = join(here, 'rooms-profiles-page.js');

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

interface Inbound {
  framesDecoded: number;
  frameWidth: number;
}

interface ClientView {
  effectiveProfile: string | null | undefined;
  preferredProfile: string | undefined;
  clientEffectiveProfiles: string[];
}

async function openPage(room: rooms.Room): Promise<Page> {
  const page = await openV2Page(browser, pages.url, room);
  await page.addScriptTag({ path: PAGE_SCRIPT });
  return page;
}

const inbound = (page: Page): Promise<Inbound> => page.evaluate(() => (window as any).profilesTest.inboundVideo());
const clientView = (page: Page): Promise<ClientView> => page.evaluate(() => (window as any).profilesTest.clientView());

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, last?: () => Promise<unknown>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `; last: ${JSON.stringify(await last())}` : ''}`);
    await sleep(100);
  }
}

describe('seed-002 profiles with mediasoup-client 2.x simulcast in Chromium', { timeout: 120_000 }, () => {
  test('setPreferredProfile low → medium → high: effectiveProfile, events and B’s decoded width follow', async () => {
    const room = server.Room([
      { kind: 'audio', name: 'opus', clockRate: 48000, channels: 2 },
      { kind: 'video', name: 'VP8', clockRate: 90000 },
    ]);
    const a = await openPage(room);
    const b = await openPage(room);
    try {
      assert.equal(await a.evaluate(() => (window as any).profilesTest.join('A')), 'chrome');
      await b.evaluate(() => (window as any).profilesTest.join('B'));
      // Chromium 156 sends the three munged SSRCs all at full size (scaleResolutionDownBy 1 or unset), so
      // the page asks its RTCRtpSender for 4, 2, 1 after the 2.x client's send(), as a 2.x app must today.
      const encodings = await a.evaluate(() => (window as any).profilesTest.sendSimulcast(1280, 720, true));
      assert.equal(encodings, 3, 'the 2.x client describes three simulcast encodings');
      const producer = room.getPeerByName('A')!.producers.find((p) => p.kind === 'video')!;
      assert.deepEqual((producer.rtpParameters['encodings'] as { profile?: string }[]).map((e) => e.profile), ['low', 'medium', 'high']);

      const consumer = room.getPeerByName('B')!.consumers.find((c) => c.kind === 'video')!;
      const effective: (string | null)[] = [];
      consumer.on('effectiveprofilechange', (profile) => effective.push(profile));
      // Chromium ramps its layers up over a few seconds; wait until B decodes the top one.
      await waitFor('B decoding 1280-wide frames', 45_000, async () => {
        const s = await inbound(b);
        return s.frameWidth === 1280 && consumer.effectiveProfile === 'high' ? s : undefined;
      }, async () => ({ inbound: await inbound(b), effective: consumer.effectiveProfile, sent: await a.evaluate(() => (window as any).profilesTest.sentLayers()) }));
      const sent = await a.evaluate(() => (window as any).profilesTest.sentLayers());
      assert.deepEqual(sent.map((l: { frameWidth: number }) => l.frameWidth), [320, 640, 1280], 'Chromium sends three layers');

      for (const [profile, width] of [['low', 320], ['medium', 640], ['high', 1280]] as const) {
        const count = effective.length;
        const t0 = Date.now();
        consumer.setPreferredProfile(profile);
        assert.equal(consumer.preferredProfile, profile);
        const reached = await waitFor(`'${profile}' at B (width ${width})`, 3000, async () => {
          const s = await inbound(b);
          return consumer.effectiveProfile === profile && s.frameWidth === width ? s : undefined;
        }, () => inbound(b));
        const elapsed = Date.now() - t0;
        assert.ok(elapsed <= 3500, `${profile}: ${elapsed} ms`);
        assert.ok(effective.slice(count).includes(profile), `'effectiveprofilechange' fired with '${profile}' (${JSON.stringify(effective)})`);
        // Frames keep coming at the new width.
        await sleep(500);
        const later = await inbound(b);
        assert.ok(later.framesDecoded > reached.framesDecoded, `B keeps decoding at ${profile}`);
        assert.equal(later.frameWidth, width);
        // The 2.x client in B heard consumerPreferredProfileSet and consumerEffectiveProfileChanged.
        const view = await waitFor(`B's 2.x consumer at '${profile}'`, 2000, async () => {
          const v = await clientView(b);
          return v.effectiveProfile === profile ? v : undefined;
        }, () => clientView(b));
        assert.equal(view.preferredProfile, profile);
        assert.ok(view.clientEffectiveProfiles.includes(profile));
      }
    } finally {
      await a.evaluate(() => (window as any).profilesTest.leave()).catch(() => undefined);
      await b.evaluate(() => (window as any).profilesTest.leave()).catch(() => undefined);
      await a.context().close();
      await b.context().close();
      room.close();
    }
  });
});
