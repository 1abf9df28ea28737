// The two calls the bench puts through the same bottleneck. Both send Chromium's 1280x720
// fake camera from page A to page B; the bench limits the UDP flow that reaches B.
//  - sfu: A → Consommé → B with the unmodified mediasoup-client (as e2e/browser/bottleneck.test.ts),
//    three VP8 simulcast layers; the limited flow leaves B's WebRtcTransport.
//  - direct: A → B over one RTCPeerConnection each, one VP8 encoding; the limited flow
//    leaves A's selected local candidate.
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { openClientPage, sleep } from '../../e2e/lib/browser.js';
import { SfuFixture } from '../../e2e/lib/sfu-fixture.js';
import type { Sample } from './metrics.js';

const PAGE_SCRIPT = fileURLToPath(new URL('./page.js', import.meta.url));
const SIZE = { width: 1280, height: 720 };
const TOP_BITRATE = 1_200_000;
/** The start bitrate the SFU fixture's router codec gives A's encoder; the direct call gets the same. */
const START_KBPS = 1000;

export interface Call {
  readonly name: 'sfu' | 'direct';
  /** B's inbound video now (t is added by the caller). */
  sample(): Promise<Omit<Sample, 't'>>;
  /** UDP source ports whose packets make up the flow to B. */
  limitedPorts(): Promise<number[]>;
  /** Seconds A's encoder has been CPU-limited (qualityLimitationDurations.cpu). */
  senderCpuLimited(): Promise<number>;
  close(): Promise<void>;
}

export async function startSfuCall(browser: Browser, url: string): Promise<Call> {
  const fixture = await new SfuFixture().start();
  const pages: Page[] = [];
  try {
    const a = await openClientPage(browser, url, (m, d) => fixture.handle(m, d));
    pages.push(a);
    const b = await openClientPage(browser, url, (m, d) => fixture.handle(m, d));
    pages.push(b);
    for (const page of pages) await page.addScriptTag({ path: PAGE_SCRIPT });
    const ids = await a.evaluate(
      ({ size, top }) =>
        (window as any).msTest.produce({
          audio: false,
          videoSize: size,
          videoEncodings: [
            { scaleResolutionDownBy: 4, maxBitrate: 150_000 },
            { scaleResolutionDownBy: 2, maxBitrate: 500_000 },
            { scaleResolutionDownBy: 1, maxBitrate: top },
          ],
        }),
      { size: SIZE, top: TOP_BITRATE },
    );
    const consumed: { id: string } = await b.evaluate((id) => (window as any).msTest.consume(id), ids.video);
    const recvId: string = await b.evaluate(() => (window as any).msTest.state.recv.id);
    const recv = fixture.transports.get(recvId);
    if (!recv) throw new Error(`B's transport ${recvId} is not in the fixture`);
    return {
      name: 'sfu',
      sample: () => b.evaluate(async (id) => (window as any).bench.inbound(await (window as any).msTest.state.consumers[id].getStats()), consumed.id),
      limitedPorts: async () => [...new Set(recv.iceCandidates.filter((c) => c.protocol === 'udp').map((c) => c.port))],
      senderCpuLimited: () => a.evaluate(async (id) => (window as any).bench.cpuLimited(await (window as any).msTest.state.producers[id].getStats()), ids.video as string),
      close: async () => {
        for (const page of pages) await page.context().close();
        fixture.close();
      },
    };
  } catch (error) {
    for (const page of pages) await page.context().close();
    fixture.close();
    throw error;
  }
}

/** Loopback UDP host candidates only: the call must take the one path the bottleneck sees. */
function loopbackUdpHost(candidate: { candidate?: string }): boolean {
  // candidate:<foundation> <component> <protocol> <priority> <address> <port> typ <type> …
  const f = (candidate.candidate ?? '').split(' ');
  return f[2]?.toLowerCase() === 'udp' && f[4] === '127.0.0.1' && f[7] === 'host';
}

/** Adds x-google-start-bitrate to the answer's VP8 format, which A's encoder reads, as mediasoup-client does for the SFU call. */
function withStartBitrate(sdp: string): string {
  const pt = /a=rtpmap:(\d+) VP8\/90000/i.exec(sdp)?.[1];
  if (!pt) throw new Error('the answer has no VP8');
  const fmtp = new RegExp(`^a=fmtp:${pt} (.*)$`, 'm');
  if (fmtp.test(sdp)) return sdp.replace(fmtp, `a=fmtp:${pt} $1;x-google-start-bitrate=${START_KBPS}`);
  return sdp.replace(new RegExp(`^(a=rtpmap:${pt} VP8/90000)\\r?$`, 'mi'), `$1\r\na=fmtp:${pt} x-google-start-bitrate=${START_KBPS}\r`);
}

async function openDirectPage(browser: Browser, url: string, relay: (candidate: unknown) => Promise<void>): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  page.on('pageerror', (error) => console.error('[page error]', error.message));
  await page.exposeFunction('benchSignal', async (kind: string, payload: unknown) => {
    if (kind === 'candidate') await relay(payload);
  });
  await page.goto(url);
  await page.addScriptTag({ path: PAGE_SCRIPT });
  return page;
}

export async function startDirectCall(browser: Browser, url: string): Promise<Call> {
  const pages: Page[] = [];
  const relayTo = (target: () => Page | undefined) => async (candidate: unknown): Promise<void> => {
    if (!loopbackUdpHost(candidate as { candidate?: string })) return;
    await target()?.evaluate((c) => (window as any).bench.addCandidate(c), candidate).catch(() => undefined);
  };
  try {
    const a = await openDirectPage(browser, url, relayTo(() => pages[1]));
    pages.push(a);
    const b = await openDirectPage(browser, url, relayTo(() => pages[0]));
    pages.push(b);
    const offer: string = await a.evaluate((o) => (window as any).bench.offer(o), { ...SIZE, maxBitrate: TOP_BITRATE });
    const answer: string = await b.evaluate((sdp) => (window as any).bench.answer(sdp), offer);
    await a.evaluate((sdp) => (window as any).bench.accept(sdp), withStartBitrate(answer));
    const t0 = Date.now();
    while ((await a.evaluate(() => (window as any).bench.connectionState())) !== 'connected') {
      if (Date.now() - t0 > 15_000) throw new Error('the direct call did not connect in 15 s');
      await sleep(100);
    }
    return {
      name: 'direct',
      sample: () => b.evaluate(() => (window as any).bench.receiverStats()),
      limitedPorts: async () => {
        const port: number | undefined = await a.evaluate(() => (window as any).bench.localPort());
        if (!port) throw new Error("no selected candidate pair on A's side");
        return [port];
      },
      senderCpuLimited: () => a.evaluate(() => (window as any).bench.senderCpuLimited()),
      close: async () => {
        for (const page of pages) await page.context().close();
      },
    };
  } catch (error) {
    for (const page of pages) await page.context().close();
    throw error;
  }
}
