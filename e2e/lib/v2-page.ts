/**
 * The unmodified mediasoup-client 2.x (npm alias mediasoup-client-v2) in a
 * Chromium page, joined to a seed-002 Room in this process: requests and
 * notifications cross page.exposeFunction / page.evaluate as JSON.
 */
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import type { rooms } from 'consomme';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

/** The unmodified mediasoup-client 2.x as one browser script (global `mediasoupClientV2`). */
export async function bundleMediasoupClientV2(): Promise<string> {
  const bundle = await build({
    entryPoints: [join(root, 'node_modules', 'mediasoup-client-v2', 'lib', 'index.js')],
    bundle: true,
    write: false,
    format: 'iife',
    globalName: 'mediasoupClientV2',
    platform: 'browser',
    target: 'es2020',
    define: { global: 'window' },
    logLevel: 'silent',
  });
  return bundle.outputFiles[0]!.text;
}

/** Serves the 2.x bundle and v2-page-client.js on 127.0.0.1. */
export async function startV2PageServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const script = await bundleMediasoupClientV2();
  const page = readFileSync(join(here, 'v2-page-client.js'), 'utf8');
  const server: Server = createServer((req, res) => {
    if (req.url === '/v2.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else if (req.url === '/page.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(page);
    else res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html><body><script src="/v2.js"></script><script src="/page.js"></script></body></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const wire = <T>(value: T): T => JSON.parse(JSON.stringify(value ?? null)) as T;

/** A page whose v2 Room talks to `room`; call `v2Test.join(name)` in it next. */
export async function openV2Page(browser: Browser, url: string, room: rooms.Room): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('[page error]', error.message));
  let peer: rooms.Peer | undefined;
  await page.exposeFunction('v2Request', async (request: any) => {
    try {
      const data = request?.target === 'room' ? await room.receiveRequest(request) : await peer!.receiveRequest(request);
      if (request.method === 'join') {
        peer = room.getPeerByName(request.peerName)!;
        peer.on('notify', (notification) => {
          page.evaluate((n) => (window as any).v2Test.receiveNotification(n), wire(notification)).catch(() => undefined);
        });
      }
      return { ok: true, data: wire(data) };
    } catch (error) {
      return { ok: false, error: String(error) };
    }
  });
  await page.exposeFunction('v2Notify', (notification: any) => {
    try {
      peer?.receiveNotification(notification);
    } catch (error) {
      console.error('bad notification', String(error));
    }
  });
  await page.goto(url);
  await page.waitForFunction(() => typeof (window as any).v2Test === 'object');
  return page;
}
