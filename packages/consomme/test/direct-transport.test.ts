/**
 * DirectTransport: data producers and consumers in Node, through a real
 * worker. Strings, binary, empty messages, subchannels, pause, close.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { InvalidStateError, type types } from 'consomme';
import { SEED_CODECS, WorkerPool, waitEvent, withTimeout } from './helpers.js';

const pool = new WorkerPool();
after(() => pool.closeAll());

function collect(consumer: types.DataConsumer): { messages: [string, number][]; next: (n: number) => Promise<void> } {
  const messages: [string, number][] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  consumer.on('message', (data, ppid) => {
    messages.push([ppid === 53 || ppid === 57 ? `bin:${data.toString('hex')}` : data.toString('utf8'), ppid]);
    for (const w of waiters) if (messages.length >= w.n) w.resolve();
  });
  return {
    messages,
    next: (n) => withTimeout(new Promise<void>((resolve) => (messages.length >= n ? resolve() : waiters.push({ n, resolve }))), 5000, `${n} messages`),
  };
}

test('messages from a direct DataProducer reach direct DataConsumers in order', { timeout: 30_000 }, async () => {
  const worker = await pool.create({ rtcMinPort: 46200, rtcMaxPort: 46299 });
  const router = await worker.createRouter({ mediaCodecs: SEED_CODECS });
  const source = await router.createDirectTransport();
  const sink = await router.createDirectTransport();
  const dataProducer = await source.produceData({ label: 'chat', protocol: 'json' });
  assert.equal(dataProducer.type, 'direct');
  assert.equal(dataProducer.sctpStreamParameters, undefined);
  const dataConsumer = await sink.consumeData({ dataProducerId: dataProducer.id });
  assert.equal(dataConsumer.label, 'chat');
  assert.equal(dataConsumer.protocol, 'json');
  const got = collect(dataConsumer);
  for (let i = 0; i < 1000; i++) dataProducer.send(`message ${i}`);
  dataProducer.send(Buffer.from([1, 2, 3]));
  dataProducer.send('');
  dataProducer.send(Buffer.alloc(0));
  await got.next(1003);
  for (let i = 0; i < 1000; i++) assert.deepEqual(got.messages[i], [`message ${i}`, 51]);
  assert.deepEqual(got.messages.slice(1000), [['bin:010203', 53], ['', 56], ['bin:', 57]]);
  const [producerStats] = await dataProducer.getStats();
  assert.equal(producerStats!.messagesReceived, 1003);
  const [consumerStats] = await dataConsumer.getStats();
  assert.equal(consumerStats!.messagesSent, 1003);
});

test('subchannels, pause and resume, too-large messages, and dataproducerclose', { timeout: 30_000 }, async () => {
  const worker = await pool.create({ rtcMinPort: 46300, rtcMaxPort: 46399 });
  const router = await worker.createRouter({ mediaCodecs: SEED_CODECS });
  const source = await router.createDirectTransport({ maxMessageSize: 1000 });
  const sink = await router.createDirectTransport();
  const dataProducer = await source.produceData();
  const a = await sink.consumeData({ dataProducerId: dataProducer.id, subchannels: [1] });
  const b = await sink.consumeData({ dataProducerId: dataProducer.id, subchannels: [2] });
  const gotA = collect(a);
  const gotB = collect(b);
  dataProducer.send('to 1', undefined, [1]);
  dataProducer.send('to 2', undefined, [2]);
  dataProducer.send('to all');
  dataProducer.send('needs 2', undefined, undefined, 2);
  await gotA.next(2);
  await gotB.next(3);
  assert.deepEqual(gotA.messages.map((m) => m[0]), ['to 1', 'to all']);
  assert.deepEqual(gotB.messages.map((m) => m[0]), ['to 2', 'to all', 'needs 2']);

  await a.setSubchannels([1, 2]);
  assert.deepEqual(a.subchannels, [1, 2]);
  const pausedEvent = waitEvent(a, 'dataproducerpause');
  await dataProducer.pause();
  await pausedEvent;
  assert.equal(a.dataProducerPaused, true);
  dataProducer.send('while paused');
  const resumedEvent = waitEvent(a, 'dataproducerresume');
  await dataProducer.resume();
  await resumedEvent;
  dataProducer.send('after resume', undefined, [2]);
  await gotA.next(3);
  assert.equal(gotA.messages[2]![0], 'after resume');

  assert.throws(() => dataProducer.send('x'.repeat(1001)), TypeError);

  const closed = waitEvent(a, 'dataproducerclose');
  dataProducer.close();
  await closed;
  assert.equal(a.closed, true);
  assert.throws(() => dataProducer.send('late'), InvalidStateError);
  await assert.rejects(source.consumeData({ dataProducerId: dataProducer.id }), TypeError);
});

test('a WebRtcTransport without enableSctp has no data channels', { timeout: 30_000 }, async () => {
  const worker = await pool.create({ rtcMinPort: 46400, rtcMaxPort: 46499 });
  const router = await worker.createRouter({ mediaCodecs: SEED_CODECS });
  const transport = await router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] });
  assert.equal(transport.sctpParameters, undefined);
  await assert.rejects(transport.produceData({ sctpStreamParameters: { streamId: 0 } }), (e: Error) => e.name === 'UnsupportedError');
});
