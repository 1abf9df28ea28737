/**
 * Data channels between libwebrtc clients (@roamhq/wrtc with the unmodified
 * mediasoup-client) and a DirectTransport in Node: chat both ways, an
 * unordered maxRetransmits 0 channel through the SFU, and a 5 MiB file both
 * ways with bufferedAmount flow control.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { types } from 'consomme';
import { SfuFixture } from '../lib/sfu-fixture.js';
import { NodeClient, exitAfterWrtcTests, sleep, waitUntil, type ReceivedData } from '../lib/node-client.js';

exitAfterWrtcTests(after);

function sha256(chunks: Buffer[]): string {
  const hash = createHash('sha256');
  for (const c of chunks) hash.update(c);
  return hash.digest('hex');
}

describe('data channels between libwebrtc clients and a DirectTransport', { timeout: 120_000 }, () => {
  let fixture: SfuFixture;
  let client: NodeClient;
  let direct: types.DirectTransport;

  before(async () => {
    fixture = await new SfuFixture().start();
    client = new NodeClient((m, d) => fixture.handle(m, d));
    direct = await fixture.router.createDirectTransport();
  });

  after(() => {
    client?.close();
    fixture?.close();
  });

  test('chat: 1,000 messages from the client reach a Node listener in order', async () => {
    const dataProducer = await client.produceData({ label: 'chat' });
    const dataConsumer = await direct.consumeData({ dataProducerId: dataProducer.id });
    const got: string[] = [];
    dataConsumer.on('message', (data, ppid) => {
      assert.equal(ppid, 51);
      got.push(data.toString('utf8'));
    });
    for (let i = 0; i < 1000; i++) dataProducer.send(`hello ${i}`);
    await waitUntil('1000 messages at the DirectTransport', 20_000, () => got.length >= 1000);
    assert.deepEqual(got, Array.from({ length: 1000 }, (_, i) => `hello ${i}`));
  });

  test('strings, binary and empty messages keep their kind (WebRTC PPIDs 51, 53, 56, 57)', async () => {
    const dataProducer = await client.produceData({ label: 'kinds' });
    const dataConsumer = await direct.consumeData({ dataProducerId: dataProducer.id });
    const got: [string, number][] = [];
    dataConsumer.on('message', (data, ppid) => got.push([data.toString('hex'), ppid]));
    dataProducer.send('hi');
    dataProducer.send(new Uint8Array([0xca, 0xfe]).buffer);
    dataProducer.send('');
    dataProducer.send(new ArrayBuffer(0));
    await waitUntil('4 messages', 10_000, () => got.length >= 4);
    assert.deepEqual(got, [
      ['6869', 51],
      ['cafe', 53],
      ['', 56],
      ['', 57],
    ]);
  });

  test('chat: 1,000 messages from Node (a bot) reach the client in order', async () => {
    const bot = await direct.produceData({ label: 'bot' });
    const { received } = await client.consumeData(bot.id);
    for (let i = 0; i < 1000; i++) bot.send(`bot says ${i}`);
    await waitUntil('1000 messages at the client', 20_000, () => received.texts.length >= 1000);
    assert.deepEqual(received.texts, Array.from({ length: 1000 }, (_, i) => `bot says ${i}`));
  });

  test('unordered, maxRetransmits 0: a burst delivers intact messages and paced ones afterwards never stall', async () => {
    // Client → SFU → the same client's receive transport: both SCTP hops are unreliable.
    const dataProducer = await client.produceData({ label: 'cursor', ordered: false, maxRetransmits: 0 });
    const serverProducer = fixture.dataProducers.get(dataProducer.id)!;
    assert.equal(serverProducer.sctpStreamParameters?.ordered, false);
    assert.equal(serverProducer.sctpStreamParameters?.maxRetransmits, 0);
    const { dataConsumer, received } = await client.consumeData(dataProducer.id);
    const serverConsumer = fixture.dataConsumers.get(dataConsumer.id)!;
    assert.equal(serverConsumer.sctpStreamParameters?.ordered, false);
    assert.equal(serverConsumer.sctpStreamParameters?.maxRetransmits, 0);
    assert.equal(dataConsumer.sctpStreamParameters.ordered, false);
    // A burst: an unreliable channel may drop some under pressure, but must deliver and never stall.
    for (let i = 0; i < 500; i++) dataProducer.send(`u${i}`);
    await waitUntil('100 of the burst at the client', 20_000, () => received.texts.length >= 100);
    assert.ok(received.texts.every((t) => /^u\d+$/.test(t)), 'messages arrive intact');
    assert.ok(new Set(received.texts).size === received.texts.length, 'no message delivered twice');
    await sleep(1000);
    for (let i = 0; i < 10; i++) {
      dataProducer.send(`later${i}`);
      await sleep(50);
    }
    await waitUntil('8 of 10 paced messages', 10_000, () => received.texts.filter((t) => t.startsWith('later')).length >= 8);
  });

  test('file: 5 MiB from the client in 16 KiB chunks, paced by bufferedAmount, arrives intact', { timeout: 60_000 }, async () => {
    const dataProducer = await client.produceData({ label: 'file' });
    const dataConsumer = await direct.consumeData({ dataProducerId: dataProducer.id });
    const chunks: Buffer[] = [];
    let bytes = 0;
    dataConsumer.on('message', (data, ppid) => {
      assert.equal(ppid, 53);
      chunks.push(data);
      bytes += data.length;
    });
    const file = randomBytes(5 * 1024 * 1024);
    // libwebrtc in @roamhq/wrtc does not fire bufferedamountlow: poll bufferedAmount instead.
    let maxBuffered = 0;
    for (let offset = 0; offset < file.length; offset += 16 * 1024) {
      while (dataProducer.bufferedAmount > 1024 * 1024) await sleep(5);
      dataProducer.send(file.subarray(offset, offset + 16 * 1024));
      maxBuffered = Math.max(maxBuffered, dataProducer.bufferedAmount);
    }
    assert.ok(maxBuffered <= 1024 * 1024 + 16 * 1024, `flow control held the buffer at ${maxBuffered} bytes`);
    await waitUntil('5 MiB at the DirectTransport', 60_000, () => bytes >= file.length);
    assert.equal(bytes, file.length);
    assert.equal(sha256(chunks), sha256([file]));
  });

  test('file: 5 MiB from Node to the client arrives intact', { timeout: 60_000 }, async () => {
    const source = await direct.produceData({ label: 'download' });
    const { received } = await client.consumeData(source.id);
    const file = randomBytes(5 * 1024 * 1024);
    for (let offset = 0; offset < file.length; offset += 16 * 1024) source.send(file.subarray(offset, offset + 16 * 1024));
    await waitUntil('5 MiB at the client', 60_000, () => (received as ReceivedData).bytes >= file.length);
    assert.equal(received.bytes, file.length);
    assert.equal(sha256(received.chunks), sha256([file]));
  });
});
