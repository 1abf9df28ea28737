/**
 * The app server with real clients: socket.io-client signaling and
 * mediasoup-client on @roamhq/wrtc. Server-driven consuming of audio and a
 * chat data channel, pause notifications, leave, reconnect within the grace
 * period, and clean-up of a peer that never comes back.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CHAT_LABEL, type ChatMessage } from '@consomme/protocol';
import { startServer, type RunningServer } from '@consomme/server';
import { exitAfterWrtcTests, syntheticMedia, type SyntheticMedia } from '../lib/node-client.js';
import { AppClient, sleep, waitUntil } from './app-client.js';

exitAfterWrtcTests(after);

const GRACE_MS = 2500;

describe('app server: two peers in a room', { timeout: 60_000 }, () => {
  let server: RunningServer;
  let media: SyntheticMedia;
  const clients: AppClient[] = [];

  async function client(): Promise<AppClient> {
    const c = await AppClient.connect(server.url);
    clients.push(c);
    return c;
  }

  before(async () => {
    server = await startServer({
      port: 0,
      numWorkers: 1,
      rtc: { webRtcServerPort: 0 },
      logLevel: 'warn',
      limits: { reconnectGraceMs: GRACE_MS },
    });
    media = syntheticMedia();
  });

  after(async () => {
    for (const c of clients) c.close();
    media?.stop();
    await server?.close();
  });

  test('audio and chat flow A → B; pause is notified; leave closes consumers, then peerLeft; the empty room closes', async () => {
    const a = await client();
    const b = await client();
    const joinA = await a.join('room-1', 'Alice');
    assert.equal(joinA.roomId, 'room-1');
    assert.equal(joinA.resumed, false);
    assert.deepEqual(joinA.peers, []);
    assert.ok(joinA.reconnectKey.length >= 16);
    const joinB = await b.join('room-1', 'Bob');
    assert.deepEqual(joinB.peers, [{ id: a.peerId, displayName: 'Alice', producers: [] }]);
    assert.deepEqual(await a.waitFor('peerJoined'), { id: b.peerId, displayName: 'Bob', producers: [] });
    assert.deepEqual(server.rooms.get('room-1')?.peers.sort(), [a.peerId, b.peerId].sort());

    await a.setupMedia({ send: true, recv: true });
    await b.setupMedia({ send: false, recv: true });
    const producer = await a.produce(media.audioTrack, 'mic');
    const chat = await a.produceData(CHAT_LABEL);

    const newConsumer = await b.waitFor('newConsumer');
    assert.equal(newConsumer.producerId, producer.id);
    assert.equal(newConsumer.peerId, a.peerId);
    assert.equal(newConsumer.kind, 'audio');
    assert.equal(newConsumer.source, 'mic');
    assert.equal(newConsumer.producerPaused, false);
    const newDataConsumer = await b.waitFor('newDataConsumer');
    assert.equal(newDataConsumer.dataProducerId, chat.id);
    assert.equal(newDataConsumer.label, CHAT_LABEL);
    // A consumes nothing of its own.
    assert.equal(a.seen('newConsumer').length, 0);

    await b.expectMediaFrom(a.peerId);
    // libwebrtc in @roamhq/wrtc has no per-receiver stats: read the peer connection's.
    const inbound = async (): Promise<number> => {
      let packets = 0;
      (await b.recv!.getStats()).forEach((s: any) => {
        if (s.type === 'inbound-rtp' && s.kind === 'audio') packets += s.packetsReceived;
      });
      return packets;
    };
    const p0 = await inbound();
    await waitUntil('inbound-rtp packetsReceived rising', 10_000, async () => (await inbound()) > p0 + 20);

    await waitUntil('B data consumer open', 10_000, () => [...b.dataConsumed.values()].some((d) => d.dataConsumer.readyState === 'open'));
    const message: ChatMessage = { type: 'chat', id: 'm1', text: 'hello Bob', sentAt: Date.now() };
    chat.send(JSON.stringify(message));
    await waitUntil('chat message at B', 10_000, () => [...b.dataConsumed.values()].some((d) => d.texts.length > 0));
    const texts = [...b.dataConsumed.values()].flatMap((d) => d.texts);
    assert.deepEqual(JSON.parse(texts[0]!), message);

    const stats = await b.request('getStats');
    assert.equal(stats.consumers.length, 1);
    assert.equal(stats.consumers[0]!.peerId, a.peerId);
    assert.equal(stats.consumers[0]!.source, 'mic');
    assert.ok(stats.transports.some((t) => t.direction === 'recv' && t.bytesReceived > 0));

    // A's tone makes A the active speaker, for everyone in the room.
    await b.waitFor('activeSpeaker', (s) => s.peerId === a.peerId);
    await a.waitFor('activeSpeaker', (s) => s.peerId === a.peerId);

    await a.request('pauseProducer', { producerId: producer.id });
    const paused = await b.waitFor('consumerPaused');
    assert.deepEqual(paused, { consumerId: newConsumer.id, peerId: a.peerId, byProducer: true });
    // A muted: silence.
    await b.waitFor('activeSpeaker', (s) => s.peerId === null);
    const speakerNotes = b.seen('activeSpeaker').length;
    await a.request('resumeProducer', { producerId: producer.id });
    assert.deepEqual(await b.waitFor('consumerResumed'), { consumerId: newConsumer.id, peerId: a.peerId, byProducer: true });
    await waitUntil('A speaks again', 10_000, () => b.seen('activeSpeaker').slice(speakerNotes).some((s) => s.peerId === a.peerId));

    await a.request('leave');
    const left = await b.waitFor('peerLeft');
    assert.deepEqual(left, { peerId: a.peerId });
    const methods = b.notifications.map((n) => n.method);
    const closedAt = methods.indexOf('consumerClosed');
    assert.ok(closedAt >= 0, 'B got consumerClosed');
    assert.ok(methods.indexOf('dataConsumerClosed') >= 0, 'B got dataConsumerClosed');
    assert.ok(closedAt < methods.indexOf('peerLeft'), 'consumerClosed came before peerLeft');
    assert.deepEqual(b.seen('consumerClosed'), [{ consumerId: newConsumer.id, peerId: a.peerId }]);
    // A left but its socket is still usable, e.g. to join again.
    assert.equal(await a.failure('getStats'), 'NOT_JOINED');

    assert.equal(server.rooms.size, 1);
    await b.request('leave');
    assert.equal(server.rooms.size, 0, 'the room closed with its last peer');
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as Record<string, unknown>;
    assert.deepEqual(health, { ok: true, rooms: 0, peers: 0, workers: 1 });
  });

  test('reconnect within the grace period: same peer id, resumed, no peerLeft; a wrong key is refused', async () => {
    const a = await client();
    const b = await client();
    const joinA = await a.join('room-2', 'Alice');
    await b.join('room-2', 'Bob');
    await a.setupMedia({ send: true, recv: true });
    await b.setupMedia({ send: false, recv: true });
    await a.produce(media.audioTrack, 'mic');
    await b.expectMediaFrom(joinA.peerId);
    const firstConsumer = (await b.waitFor('newConsumer')).id;

    // The signaling connection drops (no leave).
    a.socket.io.engine.close();
    await waitUntil('A socket down', 5000, () => !a.socket.connected);
    await sleep(200);
    assert.equal(server.rooms.get('room-2')?.peers.length, 2, 'A is kept during the grace period');

    const intruder = await client();
    const wrongKey = 'x'.repeat(joinA.reconnectKey.length);
    assert.equal(await intruder.failure('join', { roomId: 'room-2', displayName: 'Mallory', reconnect: { peerId: joinA.peerId, key: wrongKey } }), 'UNAUTHORIZED');

    const a2 = await client();
    const resumed = await a2.join('room-2', 'Alice', { reconnect: { peerId: joinA.peerId, key: joinA.reconnectKey } });
    assert.equal(resumed.resumed, true);
    assert.equal(resumed.peerId, joinA.peerId);
    assert.deepEqual(resumed.peers.map((p) => p.id), [b.peerId]);
    assert.deepEqual(await b.waitFor('consumerClosed'), { consumerId: firstConsumer, peerId: joinA.peerId });

    // The client rebuilds its media on fresh transports.
    await a2.setupMedia({ send: true, recv: true });
    await a2.produce(media.audioTrack, 'mic');
    await b.waitFor('newConsumer', (c) => c.id !== firstConsumer);
    await b.expectMediaFrom(joinA.peerId);

    // Well past the old connection's grace period: nobody left, nobody joined twice.
    await sleep(GRACE_MS + 500);
    assert.equal(b.seen('peerLeft').length, 0);
    assert.equal(b.seen('peerJoined').length, 0);
    assert.deepEqual(server.rooms.get('room-2')?.peers.sort(), [joinA.peerId, b.peerId].sort());
    assert.equal(intruder.seen('roomClosed').length, 0);
    const stats = await a2.request('getStats');
    assert.equal(stats.producers.length, 1);
  });

  test('a peer that never comes back is removed after the grace period', async () => {
    const c = await client();
    const b = await client();
    const joinC = await c.join('room-3', 'Carol');
    await b.join('room-3', 'Bob');
    await c.setupMedia({ send: true, recv: false });
    await b.setupMedia({ send: false, recv: true });
    await c.produce(media.audioTrack, 'mic');
    await b.waitFor('newConsumer');

    const droppedAt = Date.now();
    c.socket.disconnect();
    const left = await b.waitFor('peerLeft', () => true, GRACE_MS + 5000);
    const waited = Date.now() - droppedAt;
    assert.deepEqual(left, { peerId: joinC.peerId });
    assert.ok(waited >= GRACE_MS - 200, `peerLeft after ${waited} ms, grace is ${GRACE_MS} ms`);
    assert.equal(b.seen('consumerClosed').length, 1);
    assert.deepEqual(server.rooms.get('room-3')?.peers, [b.peerId]);
  });
});
