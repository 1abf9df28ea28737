/**
 * Driving the conferencing web app (packages/web) as a person would, and
 * reading what it shows: tiles, their video, mute and speaker marks. The SDK
 * handle (`window.__consomme.room`) is read only for figures the page cannot
 * show, such as packets received per consumer.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import type { RoomClient } from '@consomme/client';
import { sleep } from './browser.js';

declare global {
  interface Window {
    __consomme?: { room: RoomClient };
  }
}

export const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');

export async function waitFor<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}: ${JSON.stringify(v)}`);
    await sleep(150);
  }
}

/** A new person (own browser context) on the lobby page, with its page errors logged. */
export async function openLobby(browser: Browser, url: string, name: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[${name} page error]`, error.message));
  await page.goto(url);
  return page;
}

/** Type a name and a room into the lobby and click Join; resolves once the room shows. */
export async function joinFromLobby(page: Page, name: string, room?: string): Promise<void> {
  await page.getByLabel('Your name').fill(name);
  if (room !== undefined) await page.getByLabel('Room', { exact: true }).fill(room);
  await page.getByTestId('join-button').click();
  await page.getByTestId('room').waitFor({ timeout: 20_000 });
}

export interface TileView {
  peerId: string;
  name: string | null;
  muted: string | null;
  speaking: string | null;
}

export function remoteTiles(page: Page): Promise<TileView[]> {
  return page.$$eval('[data-testid^="tile-"][data-local="false"]', (els) =>
    els.map((e) => ({
      peerId: (e.getAttribute('data-testid') ?? '').slice('tile-'.length),
      name: e.getAttribute('data-peer-name'),
      muted: e.getAttribute('data-muted'),
      speaking: e.getAttribute('data-speaking'),
    })));
}

/** Frames shown by the <video> in the tile with this test id (-1: no video element). */
export function tileFrames(page: Page, testId: string): Promise<number> {
  return page.evaluate((id) => {
    const v = document.querySelector<HTMLVideoElement>(`[data-testid="${id}"] video`);
    if (!v) return -1;
    const q = v.getVideoPlaybackQuality();
    return q.totalVideoFrames - q.droppedVideoFrames;
  }, testId);
}

/** Waits until the video in that tile shows at least `more` new frames. */
export async function videoAdvances(page: Page, testId: string, more = 10, timeoutMs = 20_000): Promise<void> {
  const first = await waitFor(`video in ${testId}`, () => tileFrames(page, testId), (n) => n > 0, timeoutMs);
  await waitFor(`more frames in ${testId}`, () => tileFrames(page, testId), (n) => n >= first + more, timeoutMs);
}

/** Packets received by this page's consumers of `peerId`'s source, from the SDK's stats. */
export function packetsFrom(page: Page, peerId: string, source: string): Promise<number> {
  return page.evaluate(async ({ peerId, source }) => {
    const stats = await window.__consomme!.room.getStats();
    return stats.consumers.filter((c) => c.peerId === peerId && c.source === source).reduce((n, c) => n + c.packetsReceived, 0);
  }, { peerId, source });
}

export function ownPeerId(page: Page): Promise<string> {
  return page.evaluate(() => window.__consomme!.room.peerId);
}

/** Saves a PNG under e2e/artifacts/ and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}
