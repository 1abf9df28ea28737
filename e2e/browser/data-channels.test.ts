/**
 * Data channels through the SFU with Chromium and the unmodified
 * mediasoup-client: chat (ordered and unordered/unreliable) and a file sent
 * in chunks with bufferedAmount flow control.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { sleep, useClientPages } from '../lib/browser.js';
import { SfuFixture } from '../lib/sfu-fixture.js';

const openPage = useClientPages();

async function waitReceived(page: Page, id: string, done: (r: { texts: string[]; bytes: number }) => boolean, timeoutMs: number): Promise<{ texts: string[]; bytes: number; sha256: string }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await page.evaluate((cid) => (window as any).msTest.received(cid), id);
    if (done(r)) return r;
    if (Date.now() > deadline) throw new Error(`timed out: ${r.texts.length} texts, ${r.bytes} bytes`);
    await sleep(200);
  }
}

describe('data channels with Chromium', { timeout: 120_000 }, () => {
  let fixture: SfuFixture;
  let a: Page;
  let b: Page;

  before(async () => {
    fixture = await new SfuFixture().start();
    a = await openPage((m, d) => fixture.handle(m, d));
    b = await openPage((m, d) => fixture.handle(m, d));
  });

  after(async () => {
    await a?.context().close();
    await b?.context().close();
    fixture?.close();
  });

  test('1,000 chat messages arrive in order and intact', async () => {
    const producerId = await a.evaluate(() => (window as any).msTest.produceData({ label: 'chat', ordered: true }));
    const consumerId = await b.evaluate((id) => (window as any).msTest.consumeData(id), producerId);
    await a.evaluate((id) => (window as any).msTest.sendTexts(id, 1000, 'chat message #'), producerId);
    const r = await waitReceived(b, consumerId, (x) => x.texts.length >= 1000, 20_000);
    assert.deepEqual(r.texts, Array.from({ length: 1000 }, (_, i) => `chat message #${i}`));
    const transport = fixture.transports.get([...fixture.transports.keys()][0]!)!;
    assert.equal(transport.sctpState, 'connected');
  });

  test('an unordered maxRetransmits 0 channel delivers and does not stall', async () => {
    const producerId = await a.evaluate(() => (window as any).msTest.produceData({ label: 'cursor', ordered: false, maxRetransmits: 0 }));
    const dataProducer = fixture.dataProducers.get(producerId)!;
    assert.equal(dataProducer.sctpStreamParameters?.ordered, false);
    assert.equal(dataProducer.sctpStreamParameters?.maxRetransmits, 0);
    const consumerId = await b.evaluate((id) => (window as any).msTest.consumeData(id), producerId);
    // A burst: an unreliable channel may drop some under pressure, but must deliver and never stall.
    await a.evaluate((id) => (window as any).msTest.sendTexts(id, 500, 'u'), producerId);
    const r = await waitReceived(b, consumerId, (x) => x.texts.length >= 100, 20_000);
    assert.ok(r.texts.every((t) => /^u\d+$/.test(t)), 'messages arrive intact');
    await sleep(1000);
    // Paced messages afterwards still flow.
    for (let i = 0; i < 10; i++) {
      await a.evaluate(([id, n]) => (window as any).msTest.sendTexts(id, 1, `later${n}-`), [producerId, i] as const);
      await sleep(50);
    }
    const later = await waitReceived(b, consumerId, (x) => x.texts.filter((t) => t.startsWith('later')).length >= 8, 10_000);
    assert.ok(later.texts.filter((t) => t.startsWith('later')).length >= 8);
  });

  test('a 5 MiB file in 16 KiB chunks arrives with the same SHA-256', async () => {
    const producerId = await a.evaluate(() => (window as any).msTest.produceData({ label: 'file', ordered: true }));
    const consumerId = await b.evaluate((id) => (window as any).msTest.consumeData(id), producerId);
    const size = 5 * 1024 * 1024;
    const sent = await a.evaluate(([id, n]) => (window as any).msTest.sendFile(id, n, 16 * 1024), [producerId, size] as const);
    // page-client.js sendFile: it sends only while bufferedAmount <= 1 MiB, so one 16 KiB chunk past that at most.
    // Chromium lowers bufferedAmount only between tasks, so a synchronous burst must cross 1 MiB and make it wait.
    const high = 1024 * 1024;
    assert.ok(sent.maxBuffered > high, `flow control was exercised: maxBuffered ${sent.maxBuffered}`);
    assert.ok(sent.maxBuffered <= high + 16 * 1024, `flow control held the buffer: maxBuffered ${sent.maxBuffered}`);
    const r = await waitReceived(b, consumerId, (x) => x.bytes >= size, 60_000);
    assert.equal(r.bytes, size);
    assert.equal(r.sha256, sent.sha256);
  });
});
