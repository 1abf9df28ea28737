/**
 * seed 002 with the real mediasoup-client 2.x (npm, unmodified) in two
 * Debian Chromium pages, through a small WebSocket relay written here: both
 * join a Room; A sends audio and video; B decodes them; A leaving closes
 * B's consumers.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { WebSocketServer, type WebSocket } from 'ws';
import { Server, type rooms } from 'consomme';
import { launchChromium, sleep } from '../lib/browser.js';
import { bundleMediasoupClientV2 } from '../lib/v2-page.js';

const here = dirname(fileURLToPath(import.meta.url));

let browser: Browser;
let http: HttpServer;
let wss: WebSocketServer;
let baseUrl: string;
const server = Server({ numWorkers: 1, logLevel: 'warn', rtcIPv4: '127.0.0.1', rtcIPv6: false });
let room: rooms.Room;

/** The relay: requests go to the room or the peer, notifications both ways, one JSON text each. */
function relay(socket: WebSocket): void {
  let peer: rooms.Peer | undefined;
  const send = (message: unknown): void => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  };
  socket.on('message', async (data) => {
    let message: any;
    try {
      message = JSON.parse(String(data));
    } catch {
      return;
    }
    if (message.type === 'notify') {
      try {
        peer?.receiveNotification(message.notification);
      } catch (error) {
        console.error('bad notification', String(error));
      }
      return;
    }
    if (message.type !== 'request') return;
    const request = message.request;
    try {
      const response = request?.target === 'room' ? await room.receiveRequest(request) : await peer!.receiveRequest(request);
      if (request.method === 'join') {
        peer = room.getPeerByName(request.peerName)!;
        peer.on('notify', (notification) => send({ type: 'notification', notification }));
      }
      send({ type: 'response', id: message.id, ok: true, data: response });
    } catch (error) {
      send({ type: 'response', id: message.id, ok: false, error: String(error) });
    }
  });
  socket.on('close', () => {
    if (peer && !peer.closed) peer.close();
  });
}

before(async () => {
  const script = await bundleMediasoupClientV2();
  const page = readFileSync(join(here, 'rooms-v2-page.js'), 'utf8');
  http = createServer((req, res) => {
    if (req.url === '/v2.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else if (req.url === '/page.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(page);
    else res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html><body><script src="/v2.js"></script><script src="/page.js"></script></body></html>');
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  baseUrl = `127.0.0.1:${(http.address() as AddressInfo).port}`;
  wss = new WebSocketServer({ server: http });
  wss.on('connection', relay);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  for (const client of wss?.clients ?? []) client.terminate();
  await new Promise<void>((resolve) => (wss ? wss.close(() => resolve()) : resolve()));
  http?.closeAllConnections();
  await new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve()));
  server.close();
});

async function openPage(): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('[page error]', error.message));
  await page.goto(`http://${baseUrl}/`);
  await page.waitForFunction(() => typeof (window as any).roomsTest === 'object');
  return page;
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

describe('mediasoup-client 2.x in Chromium', { timeout: 90_000 }, () => {
  test('A sends audio and video, B decodes them, and A leaving closes B’s consumers', async () => {
    room = server.Room([
      { kind: 'audio', name: 'opus', clockRate: 48000, channels: 2 },
      { kind: 'video', name: 'VP8', clockRate: 90000 },
    ]);
    const a = await openPage();
    const b = await openPage();
    const ws = `ws://${baseUrl}/`;
    assert.equal(await a.evaluate((u) => (window as any).roomsTest.join(u, 'A'), ws), 'chrome', 'the 2.x client detects Chromium');
    await b.evaluate((u) => (window as any).roomsTest.join(u, 'B'), ws);
    assert.equal(await a.evaluate(() => (window as any).roomsTest.send()), 2);
    assert.deepEqual(room.getPeerByName('A')!.producers.map((p) => p.kind).sort(), ['audio', 'video']);
    const first = await waitFor('B decoding A’s video', 30_000, async () => {
      const s = await b.evaluate(() => (window as any).roomsTest.inbound());
      return s.video >= 10 && s.audio >= 10 ? s : undefined;
    });
    await sleep(1000);
    const later = await b.evaluate(() => (window as any).roomsTest.inbound());
    assert.ok(later.video > first.video, `framesDecoded rises (${first.video} → ${later.video})`);
    const consumersAtB = room.getPeerByName('B')!.consumers;
    assert.equal(consumersAtB.length, 2);
    assert.ok(consumersAtB.every((c) => c.enabled));
    await a.evaluate(() => (window as any).roomsTest.leave());
    await waitFor('B’s consumers closed', 5000, async () => ((await b.evaluate(() => (window as any).roomsTest.closedConsumers)) === 2 ? true : undefined));
    assert.equal(room.getPeerByName('A'), undefined);
    await a.context().close();
    await b.context().close();
    room.close();
  });
});
