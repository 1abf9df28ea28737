/**
 * Rooms spread over workers, and a worker's death: with two workers, two
 * rooms land on different workers; killing one worker's process closes only
 * its room (its peers get roomClosed) while the other room keeps its media
 * and requests; the dead worker is replaced.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startServer, type RunningServer } from '@consomme/server';
import { exitAfterWrtcTests, syntheticMedia, type SyntheticMedia } from '../lib/node-client.js';
import { AppClient, waitUntil } from './app-client.js';

exitAfterWrtcTests(after);

describe('app server: rooms over two workers', { timeout: 60_000 }, () => {
  let server: RunningServer;
  let media: SyntheticMedia;
  const clients: AppClient[] = [];

  async function client(): Promise<AppClient> {
    const c = await AppClient.connect(server.url);
    clients.push(c);
    return c;
  }

  before(async () => {
    server = await startServer({ port: 0, numWorkers: 2, rtc: { webRtcServerPort: 0 }, logLevel: 'silent' });
    media = syntheticMedia();
  });

  after(async () => {
    for (const c of clients) c.close();
    media?.stop();
    await server?.close();
  });

  test('two rooms on two workers; a killed worker closes only its room and is replaced', async () => {
    const doomed1 = await client();
    const doomed2 = await client();
    await doomed1.join('room-doomed', 'D1');
    await doomed2.join('room-doomed', 'D2');
    const speaker = await client();
    const listener = await client();
    await speaker.join('room-safe', 'Speaker');
    await listener.join('room-safe', 'Listener');
    await speaker.setupMedia({ send: true, recv: false });
    await listener.setupMedia({ send: false, recv: true });
    await speaker.produce(media.audioTrack, 'mic');
    await listener.expectMediaFrom(speaker.peerId);

    const doomed = server.rooms.get('room-doomed')!;
    const safe = server.rooms.get('room-safe')!;
    assert.notEqual(doomed.workerIndex, safe.workerIndex, 'the second room went to the other worker');
    assert.notEqual(doomed.workerPid, safe.workerPid);

    process.kill(doomed.workerPid, 'SIGKILL');
    const closed1 = await doomed1.waitFor('roomClosed');
    const closed2 = await doomed2.waitFor('roomClosed');
    assert.equal(closed1.reason, 'media worker died');
    assert.equal(closed2.reason, 'media worker died');
    assert.equal(server.rooms.get('room-doomed'), undefined);
    // Its peers are no longer in a room, but their sockets still work.
    assert.equal(await doomed1.failure('getStats'), 'NOT_JOINED');

    // The other room did not notice.
    await listener.expectMediaFrom(speaker.peerId);
    const stats = await listener.request('getStats');
    assert.equal(stats.consumers.length, 1);
    assert.equal(listener.seen('roomClosed').length, 0);
    assert.equal(listener.seen('consumerClosed').length, 0);

    // The dead worker is replaced, and its former peers can start the room again.
    await waitUntil('worker replaced', 10_000, () => server.rooms.workers().length === 2);
    const pids = server.rooms.workers().map((w) => w.pid);
    assert.ok(!pids.includes(doomed.workerPid));
    const again = await doomed1.join('room-doomed', 'D1');
    assert.equal(again.peers.length, 0);
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as Record<string, unknown>;
    assert.deepEqual(health, { ok: true, rooms: 2, peers: 3, workers: 2 });
  });
});
