/**
 * Both SRTP families against Chromium: the server offers one crypto suite in
 * DTLS-SRTP, Chromium must negotiate it, and media must flow.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sleep, useClientPages } from '../lib/browser.js';
import { SfuFixture } from '../lib/sfu-fixture.js';

const openPage = useClientPages();

describe('SRTP crypto suites with Chromium', { timeout: 90_000 }, () => {
  for (const suite of ['AEAD_AES_256_GCM', 'AEAD_AES_128_GCM', 'AES_CM_128_HMAC_SHA1_80'] as const) {
    test(`${suite} is negotiated and carries video`, async () => {
      const fixture = await new SfuFixture({ transportOptions: { srtpCryptoSuites: [suite] } }).start();
      const a = await openPage((m, d) => fixture.handle(m, d));
      const b = await openPage((m, d) => fixture.handle(m, d));
      try {
        const ids = await a.evaluate(() => (window as any).msTest.produce({ audio: false }));
        const video = await b.evaluate((id) => (window as any).msTest.consume(id), ids.video);
        const stats = () => b.evaluate((cid) => (window as any).msTest.consumerStats(cid), video.id);
        const deadline = Date.now() + 20_000;
        let first = await stats();
        while (first.framesDecoded === 0 && Date.now() < deadline) {
          await sleep(200);
          first = await stats();
        }
        await sleep(1000);
        const second = await stats();
        assert.ok(second.framesDecoded > first.framesDecoded && first.framesDecoded > 0, `frames ${first.framesDecoded} -> ${second.framesDecoded}`);
        for (const transport of fixture.transports.values()) assert.equal(transport.srtpCryptoSuite, suite);
      } finally {
        await a.context().close();
        await b.context().close();
        fixture.close();
      }
    });
  }

  test('with every suite offered, the AEAD_AES_256_GCM preference wins', async () => {
    const fixture = await new SfuFixture().start();
    const a = await openPage((m, d) => fixture.handle(m, d));
    try {
      await a.evaluate(() => (window as any).msTest.produce({ audio: true, video: false }));
      const transport = [...fixture.transports.values()][0]!;
      const deadline = Date.now() + 10_000;
      while (transport.dtlsState !== 'connected' && Date.now() < deadline) await sleep(100);
      assert.equal(transport.srtpCryptoSuite, 'AEAD_AES_256_GCM');
    } finally {
      await a.context().close();
      fixture.close();
    }
  });
});
