/**
 * Simulcast and SVC layer selection with Chromium (issue 6): page A sends
 * its fake camera at 1280x720 as three layers (VP8 simulcast with rids, then
 * VP9 SVC in the K-SVC mode L3T3_KEY and the full-SVC mode L3T3, then AV1 SVC in L3T3_KEY, whose
 * layers the server reads from the dependency descriptor); page B consumes it; the server moves the consumer's
 * preferred spatial layer 0 → 1 → 2 and B's decoded frame width follows
 * within 3 s each, without decoding stalling for a second.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { types } from 'consomme';
import { sleep, useClientPages } from '../lib/browser.js';
import { SfuFixture, DEFAULT_CODECS } from '../lib/sfu-fixture.js';

const openPage = useClientPages();

interface Sample {
  framesDecoded: number;
  frameWidth: number;
  frameHeight: number;
}

function consumerStats(page: Page, id: string): Promise<Sample> {
  return page.evaluate((consumerId) => (window as any).msTest.consumerStats(consumerId), id);
}

/**
 * Samples B every 100 ms until `done` holds or `timeoutMs` passes; records
 * the longest time framesDecoded stood still.
 */
async function watch(page: Page, id: string, timeoutMs: number, done: (s: Sample) => boolean, stall: { maxMs: number }): Promise<Sample> {
  const deadline = Date.now() + timeoutMs;
  let last = await consumerStats(page, id);
  let lastChange = Date.now();
  for (;;) {
    if (done(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out; last sample ${JSON.stringify(last)}`);
    await sleep(100);
    const s = await consumerStats(page, id);
    const now = Date.now();
    if (s.framesDecoded !== last.framesDecoded) lastChange = now;
    stall.maxMs = Math.max(stall.maxMs, now - lastChange);
    last = s;
  }
}

async function runLayerSwitches(fixture: SfuFixture, a: Page, b: Page, produceOptions: Record<string, unknown>, expectType: string): Promise<void> {
  const ids = await a.evaluate((options) => (window as any).msTest.produce({ audio: false, videoSize: { width: 1280, height: 720 }, ...options }), produceOptions);
  const producer = fixture.producers.get(ids.video)!;
  assert.equal(producer.type, expectType);
  const consumed = await b.evaluate((id) => (window as any).msTest.consume(id), ids.video);
  const consumer: types.Consumer = fixture.consumers.get(consumed.id)!;
  assert.equal(consumer.type, expectType);
  const layers: (types.ConsumerLayers | undefined)[] = [];
  consumer.on('layerschange', (l) => layers.push(l));
  const traces: string[] = [];
  await producer.enableTraceEvent(['pli', 'keyframe']);
  await consumer.enableTraceEvent(['keyframe']);
  producer.on('trace', (t) => traces.push(`producer ${t.type} ${t.direction}`));
  consumer.on('trace', (t) => traces.push(`consumer ${t.type} ${t.direction}`));
  // Chromium ramps its layers up over a few seconds; wait until the top one is decoded at B.
  const stall = { maxMs: 0 };
  await watch(b, consumed.id, 30_000, (s) => s.frameWidth === 1280, stall);
  const widths = [320, 640, 1280];
  stall.maxMs = 0;
  for (const spatialLayer of [0, 1, 2]) {
    const t0 = Date.now();
    await consumer.setPreferredLayers({ spatialLayer, temporalLayer: 2 });
    assert.deepEqual(consumer.preferredLayers, { spatialLayer, temporalLayer: 2 });
    const s = await watch(b, consumed.id, 3000, (x) => x.frameWidth === widths[spatialLayer], stall);
    console.log(`${expectType}: spatial layer ${spatialLayer} → ${s.frameWidth}x${s.frameHeight} at B after ${Date.now() - t0} ms`);
    assert.equal(consumer.currentLayers?.spatialLayer, spatialLayer);
  }
  // A few more samples on the top layer so a stall right after the last switch counts too.
  await watch(b, consumed.id, 1500, () => false, stall).catch(() => undefined);
  assert.ok(stall.maxMs < 1000, `framesDecoded stood still for ${stall.maxMs} ms during the switches`);
  assert.ok(layers.some((l) => l?.spatialLayer === 0) && layers.at(-1)?.spatialLayer === 2, `layerschange events: ${JSON.stringify(layers)}`);
  // Each switch up asked the producer for a keyframe and forwarded one.
  for (const kind of ['producer pli out', 'producer keyframe in', 'consumer keyframe out']) {
    assert.ok(traces.includes(kind), `trace events: ${[...new Set(traces)].join(', ')}`);
  }
  // Temporal layers: at most temporal layer 0 the frame rate drops (L1T3: a quarter of the frames).
  const fps = async (): Promise<number> => {
    const s0 = await consumerStats(b, consumed.id);
    await sleep(2000);
    const s1 = await consumerStats(b, consumed.id);
    return (s1.framesDecoded - s0.framesDecoded) / 2;
  };
  const full = await fps();
  await consumer.setPreferredLayers({ spatialLayer: 2, temporalLayer: 0 });
  await sleep(500);
  const base = await fps();
  console.log(`${expectType}: ${full.toFixed(1)} fps with all temporal layers, ${base.toFixed(1)} fps with temporal layer 0`);
  assert.equal(consumer.currentLayers?.temporalLayer, 0);
  assert.ok(base > 0 && base < full * 0.6, `temporal layer 0 alone: ${base} fps against ${full} fps`);
}

describe('simulcast and SVC layers with Chromium', { timeout: 240_000 }, () => {
  test('VP8 simulcast (3 rids): preferred spatial layer 0, 1, 2 gives 320, 640, 1280 wide frames', async () => {
    const fixture = await new SfuFixture().start();
    const a = await openPage((m, d) => fixture.handle(m, d));
    const b = await openPage((m, d) => fixture.handle(m, d));
    try {
      await runLayerSwitches(
        fixture,
        a,
        b,
        {
          videoEncodings: [
            { scaleResolutionDownBy: 4, maxBitrate: 150_000 },
            { scaleResolutionDownBy: 2, maxBitrate: 500_000 },
            { scaleResolutionDownBy: 1, maxBitrate: 1_500_000 },
          ],
        },
        'simulcast',
      );
    } catch (error) {
      console.error(await fixture.diagnostics());
      throw error;
    } finally {
      await a.context().close();
      await b.context().close();
      fixture.close();
    }
  });

  for (const mode of ['L3T3_KEY', 'L3T3']) test(`VP9 SVC (${mode}): preferred spatial layer 0, 1, 2 gives 320, 640, 1280 wide frames`, async () => {
    const codecs: types.RtpCodecCapability[] = [
      DEFAULT_CODECS[0]!,
      { kind: 'video', mimeType: 'video/VP9', clockRate: 90000, parameters: { 'profile-id': 0, 'x-google-start-bitrate': 1500 } },
    ];
    const fixture = await new SfuFixture({ mediaCodecs: codecs }).start();
    const a = await openPage((m, d) => fixture.handle(m, d));
    const b = await openPage((m, d) => fixture.handle(m, d));
    try {
      await runLayerSwitches(fixture, a, b, { videoCodec: 'video/VP9', videoEncodings: [{ scalabilityMode: mode }] }, 'svc');
    } catch (error) {
      console.error(await fixture.diagnostics());
      throw error;
    } finally {
      await a.context().close();
      await b.context().close();
      fixture.close();
    }
  });

  test('AV1 SVC (L3T3_KEY, dependency descriptor): preferred spatial layer 0, 1, 2 gives 320, 640, 1280 wide frames', async () => {
    const codecs: types.RtpCodecCapability[] = [
      DEFAULT_CODECS[0]!,
      { kind: 'video', mimeType: 'video/AV1', clockRate: 90000, parameters: { 'x-google-start-bitrate': 1500 } },
    ];
    const fixture = await new SfuFixture({ mediaCodecs: codecs }).start();
    const a = await openPage((m, d) => fixture.handle(m, d));
    const b = await openPage((m, d) => fixture.handle(m, d));
    try {
      await runLayerSwitches(fixture, a, b, { videoCodec: 'video/AV1', videoEncodings: [{ scalabilityMode: 'L3T3_KEY' }] }, 'svc');
    } catch (error) {
      console.error(await fixture.diagnostics());
      throw error;
    } finally {
      await a.context().close();
      await b.context().close();
      fixture.close();
    }
  });
});
