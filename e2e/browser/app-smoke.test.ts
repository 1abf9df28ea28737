/**
 * The conferencing app end to end: the server (packages/server) serving the
 * built web app, two Chromium pages joining through the lobby, each decoding
 * the other's camera; then chat, a file, mute, and a signaling drop that the
 * client recovers from without a duplicate tile.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createRoomToken, startServer, type RunningServer } from '@consomme/server';
import type { Browser, Page } from 'playwright-core';
import type { RoomClient } from '@consomme/client';
import { launchChromium, sleep } from '../lib/browser.js';

declare global {
  interface Window {
    __consomme?: { room: RoomClient };
  }
}

const webDist = fileURLToPath(new URL('../../packages/web/dist/index.html', import.meta.url));

async function waitFor<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await sleep(200);
  }
}

/** framesDecoded of the remote tile's <video>, from the element itself. */
function remoteFrames(page: Page): Promise<number> {
  return page.evaluate(() => {
    const v = document.querySelector<HTMLVideoElement>('[data-testid^="tile-"][data-local="false"] video');
    return v ? v.getVideoPlaybackQuality().totalVideoFrames - v.getVideoPlaybackQuality().droppedVideoFrames : -1;
  });
}

function remoteTiles(page: Page): Promise<{ name: string | null; muted: string | null }[]> {
  return page.$$eval('[data-testid^="tile-"][data-local="false"]', (els) =>
    els.map((e) => ({ name: e.getAttribute('data-peer-name'), muted: e.getAttribute('data-muted') })));
}

async function joinRoom(browser: Browser, url: string, name: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  page.on('pageerror', (error) => console.error(`[${name} page error]`, error.message));
  await page.goto(url);
  await page.getByLabel('Your name').fill(name);
  await page.getByTestId('join-button').click();
  await page.getByTestId('room').waitFor({ timeout: 20_000 });
  return page;
}

describe('conferencing app in Chromium', { timeout: 180_000 }, () => {
  let server: RunningServer;
  let browser: Browser;
  let a: Page;
  let b: Page;

  before(async () => {
    assert.ok(existsSync(webDist), 'packages/web/dist is built (npm run build -w @consomme/web)');
    server = await startServer({ host: '127.0.0.1', port: 0, numWorkers: 1, rtc: { webRtcServerPort: 0 }, logLevel: 'warn' });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('two people join from the lobby and see each other', async () => {
    const url = `${server.url}/?room=smoke-${randomBytes(4).toString('hex')}`;
    a = await joinRoom(browser, url, 'Alice');
    b = await joinRoom(browser, url, 'Bob');
    for (const [page, other] of [[a, 'Bob'], [b, 'Alice']] as const) {
      const tiles = await waitFor('one remote tile', () => remoteTiles(page), (t) => t.length === 1);
      assert.equal(tiles[0]!.name, other);
      const first = await waitFor('decoded frames', () => remoteFrames(page), (n) => n > 0);
      const later = await waitFor('more decoded frames', () => remoteFrames(page), (n) => n > first + 10);
      assert.ok(later > first);
      // The SDK's own figures agree: the camera consumer decodes frames.
      const stats = await page.evaluate(() => window.__consomme!.room.getStats());
      const cam = stats.consumers.find((c) => c.source === 'webcam');
      assert.ok(cam && cam.framesDecoded > 0 && cam.frameWidth > 0, JSON.stringify(stats.consumers));
      assert.ok(stats.producers.some((p) => p.source === 'mic' && p.packetsSent > 0));
    }
  });

  test('a chat message from Alice appears at Bob', async () => {
    await a.getByTestId('chat-input').fill('Hello from Alice');
    await a.getByTestId('chat-input').press('Enter');
    const text = await waitFor('the message at Bob', () => b.getByTestId('chat-messages').innerText(), (t) => t.includes('Hello from Alice'));
    assert.match(text, /Alice/);
    assert.match(await a.getByTestId('chat-messages').innerText(), /You[\s\S]*Hello from Alice/);
  });

  test('a file from Bob arrives at Alice with a matching SHA-256', async () => {
    const data = randomBytes(300 * 1024 + 17);
    const sha = createHash('sha256').update(data).digest('hex');
    await b.getByTestId('file-input').setInputFiles({ name: 'notes.bin', mimeType: 'application/octet-stream', buffer: data });
    const link = a.locator('[data-testid="received-files"] a');
    await link.waitFor({ timeout: 30_000 });
    assert.equal(await link.getAttribute('data-sha256'), sha);
    assert.equal(await link.getAttribute('data-verified'), 'true');
    assert.equal(await link.innerText(), 'notes.bin');
    await waitFor('the sender progress to finish', () => b.getByTestId('file-progress').getAttribute('data-state'), (s) => s === 'done');
  });

  test('muting Alice shows at Bob', async () => {
    await waitFor('Alice unmuted at Bob', () => remoteTiles(b), (t) => t[0]?.muted === 'false');
    await a.getByTestId('mic-toggle').click();
    await waitFor('Alice muted at Bob', () => remoteTiles(b), (t) => t[0]?.muted === 'true');
    await a.getByTestId('mic-toggle').click();
    await waitFor('Alice unmuted again', () => remoteTiles(b), (t) => t[0]?.muted === 'false');
  });

  test('a failed send transport is repaired with an ICE restart, not a rejoin', async () => {
    const before = await a.evaluate(() => window.__consomme!.room.sendTransport!.id);
    const framesBefore = await remoteFrames(b);
    await a.evaluate(() => {
      const w = window as unknown as { restarts: number; iceStates: string[] };
      const room = window.__consomme!.room;
      const transport = room.sendTransport!;
      w.restarts = 0;
      w.iceStates = [];
      room.on('connectionState', (s) => w.iceStates.push(s));
      // Count the browser-side restarts the recovery performs with the server's new ICE parameters.
      const restart = transport.restartIce.bind(transport);
      transport.restartIce = async (p) => {
        await restart(p);
        w.restarts++;
        // The restart done, the real (working) state shows through again.
        delete (transport as unknown as { connectionState?: string }).connectionState;
      };
      // The path looks dead, as the browser reports it when ICE fails.
      Object.defineProperty(transport, 'connectionState', { value: 'failed', configurable: true });
      transport.emit('connectionstatechange', 'failed');
    });
    await waitFor('one ICE restart', () => a.evaluate(() => (window as unknown as { restarts: number }).restarts), (n) => n === 1);
    await waitFor('connected again', () => a.getByTestId('room').getAttribute('data-connection'), (s) => s === 'connected');
    assert.deepEqual(await a.evaluate(() => (window as unknown as { iceStates: string[] }).iceStates), ['reconnecting', 'connected']);
    assert.equal(await a.evaluate(() => window.__consomme!.room.sendTransport!.id), before, 'same transport');
    await waitFor('Bob still decoding Alice', () => remoteFrames(b), (n) => n > framesBefore + 20);
  });

  test('after a signaling drop Alice rejoins as the same peer and media flows again', async () => {
    const before = await a.evaluate(() => ({ id: window.__consomme!.room.peerId, send: window.__consomme!.room.sendTransport?.id }));
    await a.evaluate(() => {
      const w = window as unknown as { states: string[] };
      w.states = [];
      window.__consomme!.room.on('connectionState', (s) => w.states.push(s));
      window.__consomme!.room.debugDropSignaling();
    });
    await waitFor('Alice connected again', () => a.getByTestId('room').getAttribute('data-connection'), (s) => s === 'connected');
    assert.deepEqual(await a.evaluate(() => (window as unknown as { states: string[] }).states), ['reconnecting', 'connected']);
    const now = await a.evaluate(() => ({ id: window.__consomme!.room.peerId, send: window.__consomme!.room.sendTransport?.id }));
    assert.equal(now.id, before.id, 'same peer id');
    assert.notEqual(now.send, before.send, 'new transports');
    for (const page of [a, b]) {
      const tiles = await waitFor('one remote tile', () => remoteTiles(page), (t) => t.length === 1);
      assert.equal(tiles.length, 1);
    }
    // Fresh consumers on both sides decode again.
    for (const page of [a, b]) {
      await waitFor('decoding after the rejoin', () => page.evaluate(async () => {
        const s = await window.__consomme!.room.getStats();
        return s.consumers.find((c) => c.source === 'webcam')?.framesDecoded ?? 0;
      }), (n) => n > 10);
    }
    assert.equal(await a.getByTestId('error-banner').count(), 0, 'no banner once reconnected');
  });

  test('leaving removes the tile at the other side', async () => {
    await a.getByTestId('leave-button').click();
    await a.getByTestId('join-button').waitFor();
    await waitFor('Alice gone at Bob', () => remoteTiles(b), (t) => t.length === 0);
  });
});

describe('join errors in plain words', { timeout: 120_000 }, () => {
  const secret = 'smoke-test-secret-0123456789';
  let server: RunningServer;
  let browser: Browser;

  before(async () => {
    server = await startServer({
      host: '127.0.0.1', port: 0, numWorkers: 1, rtc: { webRtcServerPort: 0 }, logLevel: 'warn',
      roomSecret: secret, limits: { maxPeersPerRoom: 1 },
    });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function tryJoin(url: string, name: string): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    await page.goto(url);
    await page.getByLabel('Your name').fill(name);
    await page.getByLabel('Camera').selectOption('off');
    await page.getByTestId('join-button').click();
    await Promise.race([page.getByTestId('room').waitFor(), page.getByTestId('error-banner').waitFor()]);
    return page;
  }

  test('no token: told an invitation is needed; a token gets in; a second person finds the room full', async () => {
    const room = 'locked';
    const denied = await tryJoin(`${server.url}/?room=${room}`, 'Eve');
    assert.match(await denied.getByTestId('error-banner').innerText(), /invitation link/);
    assert.equal(await denied.getByTestId('join-button').isVisible(), true, 'still in the lobby');

    const token = await createRoomToken(secret, room);
    const first = await tryJoin(`${server.url}/?room=${room}&token=${token}`, 'Ann');
    await first.getByTestId('room').waitFor();
    // Joined without a camera: the own tile has no video track, and the mic is on.
    const self = first.locator('[data-testid^="tile-"][data-local="true"]');
    assert.equal(await self.getAttribute('data-peer-name'), 'Ann');
    await waitFor('the mic on', () => self.getAttribute('data-muted'), (m) => m === 'false');

    const second = await tryJoin(`${server.url}/?room=${room}&token=${token}`, 'Ben');
    assert.match(await second.getByTestId('error-banner').innerText(), /room is full/);
  });
});
