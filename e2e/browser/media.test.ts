/**
 * Browser end-to-end: page A produces Chromium's fake camera and microphone
 * through the SFU, page B consumes both with the unmodified mediasoup-client.
 * Run per video codec.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { sleep, useClientPages } from '../lib/browser.js';
import { SfuFixture } from '../lib/sfu-fixture.js';
import type { types } from 'consomme';

const CODECS: Record<string, types.RtpCodecCapability> = {
  VP8: { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
  VP9: { kind: 'video', mimeType: 'video/VP9', clockRate: 90000, parameters: { 'profile-id': 0 } },
  H264: {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 },
  },
  AV1: { kind: 'video', mimeType: 'video/AV1', clockRate: 90000 },
};

const openPage = useClientPages();

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

async function canEncode(page: Page, mime: string): Promise<boolean> {
  return page.evaluate((m) => (RTCRtpSender.getCapabilities('video')?.codecs ?? []).some((c) => c.mimeType.toLowerCase() === m.toLowerCase()), mime);
}

for (const [name, codec] of Object.entries(CODECS)) {
  describe(`browser call with ${name}`, { timeout: 60_000 }, () => {
    test(`page B decodes page A's ${name} video and receives its audio`, async () => {
      const fixture = await new SfuFixture({
        mediaCodecs: [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 }, codec],
      }).start();
      const a = await openPage((m, d) => fixture.handle(m, d));
      const b = await openPage((m, d) => fixture.handle(m, d));
      try {
        // Debian's Chromium 156 encodes all four; if a Chromium ever lacks one, fail with the evidence, never skip.
        if (!(await canEncode(a, codec.mimeType))) {
          const list = await a.evaluate(() => (RTCRtpSender.getCapabilities('video')?.codecs ?? []).map((c) => c.mimeType));
          assert.fail(`this Chromium cannot encode ${name}; sender codecs: ${[...new Set(list)].join(', ')}`);
        }
        const ids = await a.evaluate((mime) => (window as any).msTest.produce({ videoCodec: mime }), codec.mimeType);
        const video = await b.evaluate((id) => (window as any).msTest.consume(id), ids.video);
        const audio = await b.evaluate((id) => (window as any).msTest.consume(id), ids.audio);

        const stats = (id: string) => b.evaluate((cid) => (window as any).msTest.consumerStats(cid), id);
        const first = await waitFor('decoded video frames', 20_000, async () => {
          const s = await stats(video.id);
          return s.framesDecoded > 0 && s.videoWidth > 0 ? s : undefined;
        }).catch(async (error: Error) => {
          throw new Error(`${error.message}; client: ${JSON.stringify(await stats(video.id))}; sfu: ${await fixture.diagnostics()}`);
        });
        await sleep(1000);
        const second = await stats(video.id);
        assert.ok(second.framesDecoded > first.framesDecoded, `framesDecoded rose: ${first.framesDecoded} -> ${second.framesDecoded}`);
        assert.ok(second.videoWidth > 0, 'video element has a width');

        const a1 = await waitFor('audio packets', 10_000, async () => {
          const s = await stats(audio.id);
          return s.packetsReceived > 0 ? s : undefined;
        });
        await sleep(1000);
        const a2 = await stats(audio.id);
        assert.ok(a2.packetsReceived > a1.packetsReceived, `audio packetsReceived rose: ${a1.packetsReceived} -> ${a2.packetsReceived}`);

        // RTCP both ways: B got the SFU's sender reports, A got its receiver reports.
        await waitFor('sender reports at B', 10_000, async () => ((await stats(audio.id)).remoteSenderReports > 0 ? true : undefined));
        const remote = await waitFor('receiver reports at A', 10_000, async () => {
          const r = await a.evaluate(() => (window as any).msTest.producerRemoteInbound());
          return r.audio && r.video ? r : undefined;
        });
        assert.ok(remote.video.roundTripTime !== undefined, 'A computed an RTT from the SFU receiver reports');

        const producer = fixture.producers.get(ids.video)!;
        assert.equal(producer.rtpParameters.codecs[0]!.mimeType.toLowerCase(), codec.mimeType.toLowerCase());
      } finally {
        await a.context().close();
        await b.context().close();
        fixture.close();
      }
    });
  });
}

for (const mime of ['audio/PCMU', 'audio/PCMA']) {
  describe(`browser call with ${mime}`, { timeout: 60_000 }, () => {
    test(`page B receives page A's ${mime} audio`, async () => {
      const fixture = await new SfuFixture({
        mediaCodecs: [
          { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
          { kind: 'audio', mimeType: mime, clockRate: 8000 },
        ],
      }).start();
      const a = await openPage((m, d) => fixture.handle(m, d));
      const b = await openPage((m, d) => fixture.handle(m, d));
      try {
        const ids = await a.evaluate((m) => (window as any).msTest.produce({ video: false, audioCodec: m }), mime);
        const audio = await b.evaluate((id) => (window as any).msTest.consume(id), ids.audio);
        const stats = () => b.evaluate((cid) => (window as any).msTest.consumerStats(cid), audio.id);
        const first = await waitFor('audio packets', 15_000, async () => {
          const s = await stats();
          return s.packetsReceived > 0 ? s : undefined;
        });
        await sleep(1000);
        const second = await stats();
        assert.ok(second.packetsReceived > first.packetsReceived, `packets ${first.packetsReceived} -> ${second.packetsReceived}`);
        assert.ok(second.totalSamplesReceived > first.totalSamplesReceived, 'samples decoded');
        const consumer = fixture.consumers.get(audio.id)!;
        assert.equal(consumer.rtpParameters.codecs[0]!.mimeType, mime);
      } finally {
        await a.context().close();
        await b.context().close();
        fixture.close();
      }
    });
  });
}
