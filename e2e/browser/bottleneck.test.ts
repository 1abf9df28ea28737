/**
 * Consumer-side congestion control with Chromium (issue 6): page A sends
 * three VP8 simulcast layers; pages B and C consume them. B's path from the
 * SFU goes through a 300 kbit/s bottleneck (an HTB class on loopback, see
 * e2e/lib/bottleneck.ts); C's does not.
 *
 * From B's transport-cc feedback the SFU's estimate falls, the allocator
 * moves B to the lowest layer within 10 s, and B keeps decoding (freezes
 * under 2 s per minute). When the limit is lifted the estimate probes back
 * up and B returns to the top layer within 15 s. C stays on the top layer
 * throughout.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { types } from 'consomme';
import { sleep, useClientPages } from '../lib/browser.js';
import { SfuFixture } from '../lib/sfu-fixture.js';
import { limitUdpFromPorts, type Bottleneck } from '../lib/bottleneck.js';

before(() => {
  execFileSync('tc', ['-V']); // fails clearly when iproute2 is missing (.ci/run installs it)
});

const openPage = useClientPages();

interface Sample {
  framesDecoded: number;
  frameWidth: number;
  totalFreezesDuration: number;
}

const stats = (page: Page, id: string): Promise<Sample> => page.evaluate((consumerId) => (window as any).msTest.consumerStats(consumerId), id);

async function until(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<number> {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(200);
  }
  return Date.now() - t0;
}

describe('a 300 kbit/s bottleneck on one consumer', { timeout: 180_000 }, () => {
  test('the limited consumer drops to the lowest layer and keeps decoding, then climbs back; the other keeps the top layer', async () => {
    const fixture = await new SfuFixture().start();
    const a = await openPage((m, d) => fixture.handle(m, d));
    const b = await openPage((m, d) => fixture.handle(m, d));
    const c = await openPage((m, d) => fixture.handle(m, d));
    let bottleneck: Bottleneck | undefined;
    const cLayers: number[] = [];
    try {
      const ids = await a.evaluate(() =>
        (window as any).msTest.produce({
          audio: false,
          videoSize: { width: 1280, height: 720 },
          videoEncodings: [
            { scaleResolutionDownBy: 4, maxBitrate: 150_000 },
            { scaleResolutionDownBy: 2, maxBitrate: 500_000 },
            { scaleResolutionDownBy: 1, maxBitrate: 1_200_000 },
          ],
        }),
      );
      const consumedB = await b.evaluate((id) => (window as any).msTest.consume(id), ids.video);
      const consumedC = await c.evaluate((id) => (window as any).msTest.consume(id), ids.video);
      const consumerB: types.Consumer = fixture.consumers.get(consumedB.id)!;
      const consumerC: types.Consumer = fixture.consumers.get(consumedC.id)!;
      consumerC.on('layerschange', (l) => cLayers.push(l?.spatialLayer ?? -1));
      const recvB = fixture.transports.get(await b.evaluate(() => (window as any).msTest.state.recv.id))!;
      const recvC = fixture.transports.get(await c.evaluate(() => (window as any).msTest.state.recv.id))!;

      await until('both consumers decoding the top layer', 40_000, async () => (await stats(b, consumedB.id)).frameWidth === 1280 && (await stats(c, consumedC.id)).frameWidth === 1280);
      const estimateBefore = (await recvB.getStats())[0]!.availableOutgoingBitrate!;
      cLayers.length = 0;

      if (process.env.DEBUG_BWE) {
        await recvB.enableTraceEvent(['bwe', 'probation']);
        const t0 = Date.now();
        recvB.on('trace', (t: any) => {
          const i = t.info;
          const info = t.type === 'bwe' ? { avail: Math.round(i.availableBitrate / 1000), acked: Math.round((i.ackedBitrate ?? 0) / 1000), used: Math.round(i.usedBitrate / 1000), delay: i.delaySignal, loss: i.lossFraction.toFixed(2), h: i.upSwitchHeadroom } : i;
          console.log(`${Date.now() - t0} ${t.type} ${JSON.stringify(info)}`);
        });
        consumerB.on('layerschange', (l) => console.log(`${Date.now() - t0} B layers ${JSON.stringify(l)}`));
      }
      const ports = recvB.iceCandidates.map((candidate) => candidate.port);
      bottleneck = limitUdpFromPorts(ports, 300);
      const tLimit = Date.now();
      const freezeAtLimit = (await stats(b, consumedB.id)).totalFreezesDuration;
      const down = await until('B on spatial layer 0', 10_000, async () => consumerB.currentLayers?.spatialLayer === 0);
      const estimateLimited = (await recvB.getStats())[0]!.availableOutgoingBitrate!;
      // Decoding on the low layer for the rest of a minute (the freeze budget is per minute).
      const framesAt = (await stats(b, consumedB.id)).framesDecoded;
      await sleep(Math.max(0, 60_000 - (Date.now() - tLimit)));
      const limited = await stats(b, consumedB.id);
      const freezeLimited = limited.totalFreezesDuration - freezeAtLimit;
      const limitedWindowS = (Date.now() - tLimit) / 1000;
      assert.equal(consumerB.currentLayers?.spatialLayer, 0, 'still on the lowest layer under the limit');
      assert.equal(limited.frameWidth, 320);
      assert.ok(limited.framesDecoded - framesAt > 100, `B kept decoding: ${limited.framesDecoded - framesAt} frames`);
      assert.ok(freezeLimited < (2 * limitedWindowS) / 60, `freezes under the limit: ${freezeLimited.toFixed(2)} s in ${limitedWindowS.toFixed(0)} s`);
      const drops = bottleneck.drops();

      bottleneck.lift();
      const up = await until('B back on spatial layer 2', 15_000, async () => consumerB.currentLayers?.spatialLayer === 2);
      await until('B decoding 1280 wide again', 5000, async () => (await stats(b, consumedB.id)).frameWidth === 1280);
      const estimateAfter = (await recvB.getStats())[0]!.availableOutgoingBitrate!;

      assert.deepEqual(cLayers.filter((l) => l !== 2), [], `C's layers while B was limited: ${JSON.stringify(cLayers)}`);
      assert.equal(consumerC.currentLayers?.spatialLayer, 2);
      assert.equal((await stats(c, consumedC.id)).frameWidth, 1280);
      const estimateC = (await recvC.getStats())[0]!.availableOutgoingBitrate!;
      console.log(
        `B: estimate ${Math.round(estimateBefore / 1000)} kbps → ${Math.round(estimateLimited / 1000)} kbps; on layer 0 after ${down} ms; ` +
          `freezes ${freezeLimited.toFixed(2)} s in ${limitedWindowS.toFixed(0)} s limited (${drops} packets dropped at the bottleneck); ` +
          `back on layer 2 ${up} ms after the lift (estimate ${Math.round(estimateAfter / 1000)} kbps). C: estimate ${Math.round(estimateC / 1000)} kbps`,
      );
    } catch (error) {
      console.error(await fixture.diagnostics());
      throw error;
    } finally {
      bottleneck?.remove();
      await a.context().close();
      await b.context().close();
      await c.context().close();
      fixture.close();
    }
  });
});
