import { after, before } from 'node:test';
/**
 * Debian's Chromium under playwright-core, pages served from 127.0.0.1, and
 * the unmodified mediasoup-client bundled with esbuild. Recipes from
 * shared/TESTING.md.
 */
import { build } from 'esbuild';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const buildDir = join(root, '.e2e-build');

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function bundleMediasoupClient(): Promise<string> {
  const out = join(buildDir, 'mediasoup-client.js');
  if (!existsSync(out)) {
    mkdirSync(buildDir, { recursive: true });
    await build({
      entryPoints: [join(root, 'node_modules', 'mediasoup-client', 'lib', 'index.js')],
      bundle: true,
      format: 'iife',
      globalName: 'mediasoupClient',
      platform: 'browser',
      target: 'es2020',
      outfile: out,
      logLevel: 'silent',
    });
  }
  return out;
}

export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
      '--allow-loopback-in-peer-connection', '--autoplay-policy=no-user-gesture-required',
      ...extraArgs,
    ],
  });
}

/** Serves the test page and the bundle on 127.0.0.1 (a secure context for getUserMedia). */
export async function startPageServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const bundle = readFileSync(await bundleMediasoupClient());
  const pageClient = readFileSync(join(here, 'page-client.js'));
  const server: Server = createServer((req, res) => {
    if (req.url === '/mediasoup-client.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    } else if (req.url === '/page-client.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(pageClient);
    } else {
      res.writeHead(200, { 'content-type': 'text/html' }).end(
        '<!doctype html><html><body><script src="/mediasoup-client.js"></script><script src="/page-client.js"></script></body></html>',
      );
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A page wired to the fixture: window.signal(method, data) calls handle() in Node. */
export async function openClientPage(
  browser: Browser,
  url: string,
  handle: (method: string, data: unknown) => Promise<unknown>,
): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('[page error]', error.message));
  await page.exposeFunction('signal', async (method: string, data: unknown) => {
    try {
      return { ok: true, data: await handle(method, data) };
    } catch (error) {
      return { ok: false, error: String(error) };
    }
  });
  await page.goto(url);
  await page.waitForFunction(() => typeof (window as any).msTest === 'object');
  return page;
}

/**
 * For a test file: one Chromium and one page server for all its tests
 * (started in `before`, closed in `after`); returns a function that opens
 * a page wired to a fixture's request handler.
 */
export function useClientPages(extraArgs: string[] = []): (handle: (method: string, data: unknown) => Promise<unknown>) => Promise<Page> {
  let browser: Browser | undefined;
  let pages: { url: string; close: () => Promise<void> } | undefined;
  before(async () => {
    browser = await launchChromium(extraArgs);
    pages = await startPageServer();
  });
  after(async () => {
    await browser?.close();
    await pages?.close();
  });
  return (handle) => openClientPage(browser!, pages!.url, handle);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
