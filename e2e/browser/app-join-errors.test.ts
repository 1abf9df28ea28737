/**
 * Join errors in the web app, shown in plain words: a room secret without a
 * token asks for an invitation link, a valid token gets in, and a full room
 * says so. (The call itself: app-call.test.ts; recovery: app-recovery.test.ts.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createRoomToken, startServer, type RunningServer } from '@consomme/server';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../lib/browser.js';
import { waitFor } from '../lib/app-ui.js';

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
