/**
 * An SCTP DataConsumer's own API against a live endpoint: pause/resume,
 * getBufferedAmount, subchannels (set/add/remove, with the producer's
 * subchannels and requiredSubchannel) and getStats. Messages come from a
 * DirectTransport DataProducer in Node and go to the raw peer (our own
 * ICE/DTLS/SCTP, e2e/lib/raw-peer.ts) over 127.0.0.1:
 *   DirectTransport DataProducer → SCTP DataConsumer(s) → raw peer
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as mediasoup from 'consomme';
import type { types } from 'consomme';
import { RawPeer } from '../lib/raw-peer.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('SCTP DataConsumer API with a live endpoint', { timeout: 60_000 }, () => {
  let worker: types.Worker;
  let transport: types.WebRtcTransport;
  let source: types.DataProducer;
  let consumer: types.DataConsumer;
  let control: types.DataConsumer;
  let peer: RawPeer;
  /** Texts the raw peer received, per SCTP stream. */
  const received = new Map<number, string[]>();
  const at = (c: types.DataConsumer): string[] => received.get(c.sctpStreamParameters!.streamId) ?? [];

  before(async () => {
    worker = await mediasoup.createWorker({ logLevel: 'warn', rtcMinPort: 40000, rtcMaxPort: 49999 });
    const router = await worker.createRouter({ mediaCodecs: [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 }] });
    transport = await router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }], enableSctp: true });
    peer = await RawPeer.create();
    peer.onMessage((streamId, _ppid, data) => {
      const list = received.get(streamId) ?? [];
      list.push(data.toString());
      received.set(streamId, list);
    });
    await transport.connect({ dtlsParameters: peer.dtlsParameters });
    await peer.connect(transport);
    await waitFor('sctpState connected', () => transport.sctpState === 'connected');
    const direct = await router.createDirectTransport();
    source = await direct.produceData({ label: 'source' });
    consumer = await transport.consumeData({ dataProducerId: source.id });
    // A second consumer of the same source: proof that a message was sent while `consumer` skipped it.
    control = await transport.consumeData({ dataProducerId: source.id });
    assert.notEqual(consumer.sctpStreamParameters!.streamId, control.sctpStreamParameters!.streamId);
  });

  after(() => {
    peer?.close();
    worker?.close();
  });

  test('a paused consumer gets no messages; after resume it does (the paused ones are not replayed)', async () => {
    const events: string[] = [];
    consumer.observer.on('pause', () => events.push('pause'));
    consumer.observer.on('resume', () => events.push('resume'));
    await consumer.pause();
    assert.equal(consumer.paused, true);
    source.send('while-paused');
    await waitFor('the control consumer gets it', () => at(control).includes('while-paused'));
    await consumer.resume();
    assert.equal(consumer.paused, false);
    source.send('after-resume');
    await waitFor('after-resume at the endpoint', () => at(consumer).includes('after-resume'));
    // One ordered stream: had the paused message been sent, it would have arrived first.
    assert.ok(!at(consumer).includes('while-paused'), `delivered while paused: ${JSON.stringify(at(consumer))}`);
    assert.deepEqual(events, ['pause', 'resume']);
  });

  test('getBufferedAmount: above 0 right after a burst, back to 0 once the endpoint acknowledged it', async () => {
    await waitFor('an idle stream', async () => (await consumer.getBufferedAmount()) === 0);
    const before = at(consumer).length;
    // One synchronous burst of 20 × 4 KiB; the request below is read by the worker right after it,
    // before the endpoint's SACKs (and far beyond SCTP's initial congestion window).
    for (let i = 0; i < 20; i++) source.send('x'.repeat(4096));
    const buffered = await consumer.getBufferedAmount();
    assert.ok(buffered > 0 && buffered <= 20 * 4096, `bufferedAmount right after the burst: ${buffered}`);
    await waitFor('the burst at the endpoint', () => at(consumer).length === before + 20);
    await waitFor('bufferedAmount back to 0', async () => (await consumer.getBufferedAmount()) === 0);
    assert.equal((await consumer.getStats())[0]!.bufferedAmount, 0);
  });

  test('subchannels: setSubchannels, addSubchannel, removeSubchannel filter what the producer tags', async () => {
    await consumer.setSubchannels([1, 2]);
    assert.deepEqual([...consumer.subchannels].sort(), [1, 2]);
    source.send('for-3', undefined, [3]);
    source.send('for-2', undefined, [2]);
    await consumer.addSubchannel(3);
    assert.deepEqual([...consumer.subchannels].sort(), [1, 2, 3]);
    source.send('for-3-again', undefined, [3]);
    await consumer.removeSubchannel(1);
    assert.deepEqual([...consumer.subchannels].sort(), [2, 3]);
    source.send('requires-1', undefined, undefined, 1);
    source.send('requires-2', undefined, undefined, 2);
    source.send('untagged');
    await waitFor('the last message', () => at(consumer).includes('untagged'));
    const got = at(consumer).filter((t) => ['for-3', 'for-2', 'for-3-again', 'requires-1', 'requires-2', 'untagged'].includes(t));
    assert.deepEqual(got, ['for-2', 'for-3-again', 'requires-2', 'untagged']);
    await assert.rejects(consumer.setSubchannels([70000]), TypeError);
    await consumer.setSubchannels([]);
    assert.deepEqual(consumer.subchannels, []);
  });

  test('getStats: one data-consumer record whose counters follow what was sent', async () => {
    const [s0] = await consumer.getStats();
    assert.equal(s0!.type, 'data-consumer');
    assert.equal(s0!.label, 'source');
    assert.equal(s0!.protocol, '');
    assert.ok(typeof s0!.timestamp === 'number' && s0!.timestamp > 0);
    source.send('counted: 13 b');
    await waitFor('the counted message', () => at(consumer).includes('counted: 13 b'));
    const [s1] = await consumer.getStats();
    assert.equal(s1!.messagesSent, s0!.messagesSent + 1);
    assert.equal(s1!.bytesSent, s0!.bytesSent + 13);
    assert.ok(s1!.messagesSent >= 4, `earlier tests' messages counted too: ${s1!.messagesSent}`);
  });
});
