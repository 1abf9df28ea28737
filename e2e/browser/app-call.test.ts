/**
 * The app's acceptance call: three people join one room through the real UI
 * (Debian Chromium, fake camera and microphone), see and hear each other,
 * chat, send a 2 MiB file, mute, share a screen and leave. Screenshots of the
 * lobby and the three-person room go to e2e/artifacts/.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startServer, type RunningServer } from '@consomme/server';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, sleep } from '../lib/browser.js';
import {
  joinFromLobby, openLobby, ownPeerId, packetsFrom, remoteTiles, screenshot, videoAdvances, waitFor,
} from '../lib/app-ui.js';

const webDist = fileURLToPath(new URL('../../packages/web/dist/index.html', import.meta.url));

describe('a three-person call in the web app', { timeout: 240_000 }, () => {
  let server: RunningServer;
  let browser: Browser;
  const room = `standup-${randomBytes(3).toString('hex')}`;
  const names = ['Alice', 'Bob', 'Carol'] as const;
  const pages: Page[] = [];
  const ids: string[] = [];
  let alice: Page;

  before(async () => {
    assert.ok(existsSync(webDist), 'packages/web/dist is built (npm run build)');
    server = await startServer({ host: '127.0.0.1', port: 0, numWorkers: 1, rtc: { webRtcServerPort: 0 }, logLevel: 'warn' });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('three people join from the lobby by typing and clicking', async () => {
    for (const name of names) {
      const page = await openLobby(browser, server.url, name);
      if (name === 'Alice') {
        await page.getByLabel('Your name').fill(name);
        await page.getByLabel('Room', { exact: true }).fill(room);
        await waitFor('the camera preview', () => page.evaluate(() => {
          const v = document.querySelector<HTMLVideoElement>('[data-testid="local-preview"]');
          return v ? v.videoWidth : 0;
        }), (w) => w > 0);
        await screenshot(page, 'lobby');
      }
      await joinFromLobby(page, name, room);
      pages.push(page);
      ids.push(await ownPeerId(page));
    }
    alice = pages[0]!;
    assert.equal(server.rooms.get(room)?.peers.length, 3);
  });

  test('each sees two remote tiles with moving video and receives audio from both', async () => {
    for (const [i, page] of pages.entries()) {
      const others = ids.filter((_, j) => j !== i);
      const tiles = await waitFor(`${names[i]}: two remote tiles`, () => remoteTiles(page), (t) => t.length === 2);
      assert.deepEqual(tiles.map((t) => t.peerId).sort(), [...others].sort());
      assert.deepEqual(tiles.map((t) => t.name).sort(), names.filter((_, j) => j !== i).sort());
      for (const other of others) {
        await videoAdvances(page, `tile-${other}`);
        const first = await waitFor(`${names[i]}: audio from ${other}`, () => packetsFrom(page, other, 'mic'), (n) => n > 0);
        await waitFor(`${names[i]}: more audio from ${other}`, () => packetsFrom(page, other, 'mic'), (n) => n > first + 20);
      }
    }
    await screenshot(alice, 'room-three-people');
  });

  test("Alice's chat message appears at Bob and Carol", async () => {
    await alice.getByTestId('chat-input').fill('Good morning, team');
    await alice.getByTestId('chat-send').click();
    for (const page of pages.slice(1)) {
      const text = await waitFor('the chat message', () => page.getByTestId('chat-messages').innerText(), (t) => t.includes('Good morning, team'));
      assert.match(text, /Alice/);
    }
  });

  test('a 2 MiB file from Alice arrives at Bob and Carol with the same SHA-256', async () => {
    const data = randomBytes(2 * 1024 * 1024);
    const sha = createHash('sha256').update(data).digest('hex');
    await alice.getByTestId('file-input').setInputFiles({ name: 'slides.bin', mimeType: 'application/octet-stream', buffer: data });
    for (const page of pages.slice(1)) {
      const link = page.locator('[data-testid="received-files"] a', { hasText: 'slides.bin' });
      await link.waitFor({ timeout: 60_000 });
      assert.equal(await link.getAttribute('data-sha256'), sha);
      assert.equal(await link.getAttribute('data-verified'), 'true');
    }
    await waitFor('the sender progress done', () => alice.getByTestId('file-progress').getAttribute('data-state'), (s) => s === 'done');
  });

  test("Alice's mute shows at Bob and Carol within 2 s and her audio stops", async () => {
    const aliceId = ids[0]!;
    const muted = async (page: Page): Promise<string | null | undefined> => (await remoteTiles(page)).find((t) => t.peerId === aliceId)?.muted;
    for (const page of pages.slice(1)) await waitFor('Alice shown unmuted', () => muted(page), (m) => m === 'false');
    await alice.getByTestId('mic-toggle').click();
    const clicked = Date.now();
    for (const page of pages.slice(1)) await waitFor('Alice shown muted', () => muted(page), (m) => m === 'true', Math.max(1, 2000 - (Date.now() - clicked)));
    await sleep(500); // packets already in flight
    const before = await Promise.all(pages.slice(1).map((p) => packetsFrom(p, aliceId, 'mic')));
    await sleep(2000);
    const later = await Promise.all(pages.slice(1).map((p) => packetsFrom(p, aliceId, 'mic')));
    assert.deepEqual(later, before, 'no audio packets from Alice while muted');
    // Unmuting brings her audio back.
    await alice.getByTestId('mic-toggle').click();
    for (const [k, page] of pages.slice(1).entries()) {
      await waitFor('Alice audible again', () => packetsFrom(page, aliceId, 'mic'), (n) => n > later[k]! + 20);
    }
  });

  test("Alice's screen share appears at Bob", async () => {
    await alice.getByTestId('screen-toggle').click();
    const bob = pages[1]!;
    await bob.getByTestId(`screen-${ids[0]}`).waitFor({ timeout: 20_000 });
    await videoAdvances(bob, `screen-${ids[0]}`);
    await screenshot(bob, 'room-screen-share');
    await alice.getByTestId('screen-toggle').click();
    await waitFor('the screen tile gone', () => bob.getByTestId(`screen-${ids[0]}`).count(), (n) => n === 0);
  });

  test("when Alice leaves, her tile disappears at Bob and Carol within 2 s", async () => {
    await alice.getByTestId('leave-button').click();
    const left = Date.now();
    for (const page of pages.slice(1)) {
      await waitFor("Alice's tile gone", () => remoteTiles(page), (t) => !t.some((x) => x.peerId === ids[0]), Math.max(1, 2000 - (Date.now() - left)));
    }
    const bobTiles = await remoteTiles(pages[1]!);
    assert.deepEqual(bobTiles.map((t) => t.peerId), [ids[2]]);
    await alice.getByTestId('join-button').waitFor();
  });
});
