/**
 * The seed-002 rooms API with the real mediasoup-client 2.x (unmodified, in
 * Node on libwebrtc): the protocol messages it sends and receives, media
 * between two peers, close propagation, audio levels and the active speaker.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import { after, describe, test } from 'node:test';
import { Server, type rooms } from 'consomme';
import { exitAfterWrtcTests, syntheticMedia, waitUntil } from '../lib/node-client.js';
import { V2NodeClient } from '../lib/v2-node-client.js';

exitAfterWrtcTests(after);
const wrtc = createRequire(import.meta.url)('@roamhq/wrtc');

const CODECS = [
  { kind: 'audio', name: 'opus', clockRate: 48000, channels: 2 },
  { kind: 'video', name: 'VP8', clockRate: 90000 },
];

const server = Server({ numWorkers: 1, logLevel: 'warn', rtcIPv4: '127.0.0.1', rtcIPv6: false });
after(() => server.close());

/** An audio track that sends digital silence. */
function silentTrack(): { track: any; stop(): void } {
  const source = new wrtc.nonstandard.RTCAudioSource();
  const samples = new Int16Array(480);
  const timer = setInterval(() => source.onData({ samples, sampleRate: 48000, bitsPerSample: 16, channelCount: 1, numberOfFrames: 480 }), 10);
  const track = source.createTrack();
  return { track, stop: () => (clearInterval(timer), track.stop()) };
}

describe('mediasoup-client 2.x against the rooms API', { timeout: 90_000 }, () => {
  test('two peers: join, send audio and video, receive them, and a close reaches the other side', async () => {
    const room = server.Room(CODECS);
    const alice = new V2NodeClient(room, 'alice');
    const bob = new V2NodeClient(room, 'bob');
    const media = syntheticMedia();
    try {
      await alice.join({ display: 'Alice' });
      await bob.join();
      assert.deepEqual(alice.log.toServer.map((m) => [m.method, m.target]), [['queryRoom', 'room'], ['join', 'room']]);
      assert.equal(room.getPeerByName('alice')!.appData && (room.getPeerByName('alice')!.appData as any).display, 'Alice');
      const sendTransport = alice.room.createTransport('send', { t: 'send' });
      const videoProducer = alice.room.createProducer(media.videoTrack, {}, { source: 'webcam' });
      const audioProducer = alice.room.createProducer(media.audioTrack, {}, { source: 'mic' });
      await videoProducer.send(sendTransport);
      await audioProducer.send(sendTransport);
      const serverAlice = room.getPeerByName('alice')!;
      assert.deepEqual(serverAlice.producers.map((p) => [p.id, p.kind]), [[videoProducer.id, 'video'], [audioProducer.id, 'audio']]);
      const [serverSend] = serverAlice.transports;
      assert.equal(serverSend!.id, sendTransport.id);
      assert.deepEqual(serverSend!.appData, { t: 'send' });
      const createTransport = alice.log.toServer.find((m) => m.method === 'createTransport')!;
      assert.equal(createTransport.target, 'peer');
      assert.equal(createTransport.direction, 'send');
      assert.equal(createTransport.dtlsParameters.role, 'server');
      const createProducer = alice.log.toServer.find((m) => m.method === 'createProducer')!;
      assert.equal(createProducer.transportId, sendTransport.id);
      assert.deepEqual(createProducer.appData, { source: 'webcam' });

      // bob hears of alice's producers as consumers, and receives them on a recv transport.
      const remoteAlice = bob.room.getPeerByName('alice');
      assert.ok(remoteAlice, 'bob knows alice (newPeer)');
      await waitUntil('two consumers at bob', 5000, () => remoteAlice.consumers.length === 2);
      assert.deepEqual(bob.log.toClient.filter((m) => m.method === 'newConsumer').map((m) => [m.kind, m.peerName, m.appData.source]), [['video', 'alice', 'webcam'], ['audio', 'alice', 'mic']]);
      const recvTransport = bob.room.createTransport('recv');
      const counters = [];
      for (const consumer of remoteAlice.consumers) counters.push({ consumer, counts: bob.count(await consumer.receive(recvTransport)) });
      assert.ok(bob.log.toServer.some((m) => m.method === 'enableConsumer' && m.transportId === recvTransport.id));
      assert.ok(bob.log.toServer.some((m) => m.method === 'updateTransport' && m.notification === true && m.dtlsParameters), 'recv transport DTLS parameters via updateTransport');
      const video = counters.find((c) => c.consumer.kind === 'video')!.counts;
      const audio = counters.find((c) => c.consumer.kind === 'audio')!.counts;
      await waitUntil('decoded video and audio at bob', 20_000, () => video.frames >= 20 && audio.samples >= 48000);

      // The server-side objects now show a connected transport.
      const serverRecv = room.getPeerByName('bob')!.transports[0]!;
      assert.equal(serverRecv.direction, 'recv');
      assert.ok(['connected', 'completed'].includes(serverRecv.iceState));
      assert.equal(serverRecv.iceSelectedTuple!.localIP, '127.0.0.1');
      assert.equal(isIP(serverRecv.iceSelectedTuple!.remoteIP), 4);
      assert.ok(serverRecv.iceSelectedTuple!.remotePort > 0);
      assert.equal(serverRecv.iceSelectedTuple!.protocol, 'udp');
      assert.equal(serverRecv.dtlsState, 'connected');
      assert.ok(new X509Certificate(serverRecv.dtlsRemoteCert!).fingerprint256.length > 0, 'dtlsRemoteCert is a PEM certificate');
      const serverConsumer = room.getPeerByName('bob')!.consumers.find((c) => c.kind === 'video')!;
      assert.equal(serverConsumer.enabled, true);
      assert.equal(serverConsumer.transport, serverRecv);
      const [stat] = await serverConsumer.getStats();
      assert.ok(stat!.packetCount > 0);

      // A server-side pause reaches bob's consumer; resume too.
      serverConsumer.pause();
      const bobVideo = remoteAlice.consumers.find((c: any) => c.kind === 'video');
      await waitUntil('consumer paused at bob', 3000, () => bobVideo.remotelyPaused === true);
      serverConsumer.resume();
      await waitUntil('consumer resumed at bob', 3000, () => bobVideo.remotelyPaused === false);
      // bob pausing its consumer is 'remote' on the server.
      const remotePause = new Promise((resolve) => serverConsumer.once('pause', (originator) => resolve(originator)));
      bobVideo.pause();
      assert.equal(await remotePause, 'remote');
      bobVideo.resume();

      // alice leaves: bob's consumers close and alice disappears from his room.
      const closed: string[] = [];
      for (const c of remoteAlice.consumers) c.on('close', () => closed.push(c.kind));
      alice.close();
      await waitUntil('consumers closed at bob', 3000, () => closed.length === 2);
      assert.deepEqual(bob.log.toClient.slice(-3).map((m) => m.method), ['consumerClosed', 'consumerClosed', 'peerClosed']);
      assert.equal(bob.room.getPeerByName('alice'), undefined);
      assert.equal(room.getPeerByName('alice'), undefined);
    } finally {
      media.stop();
      alice.close();
      bob.close();
      room.close();
    }
  });

  test("stats notifications: enableStats() on a producer brings 'producerStats' until disabled", async () => {
    const room = server.Room(CODECS);
    const alice = new V2NodeClient(room, 'alice');
    const media = syntheticMedia();
    try {
      await alice.join();
      const send = alice.room.createTransport('send');
      const producer = alice.room.createProducer(media.videoTrack);
      await producer.send(send);
      const stats: unknown[] = [];
      producer.on('stats', (s: unknown) => stats.push(s));
      producer.enableStats(1000);
      await waitUntil('producer stats', 5000, () => stats.length >= 1);
      assert.ok(Array.isArray(stats[0]));
      producer.disableStats();
      const n = stats.length;
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(stats.length, n);
    } finally {
      media.stop();
      alice.close();
      room.close();
    }
  });

  test("audiolevels orders a tone before silence, and activespeakerchange names the loud peer", async () => {
    const room = server.Room(CODECS);
    const loud = new V2NodeClient(room, 'loud');
    const quiet = new V2NodeClient(room, 'quiet');
    const tone = syntheticMedia();
    const silence = silentTrack();
    const detector = room.createActiveSpeakerDetector();
    try {
      await loud.join();
      await quiet.join();
      const changes: [rooms.Peer | undefined, rooms.Producer | undefined][] = [];
      detector.on('activespeakerchange', (peer, producer) => changes.push([peer, producer]));
      const levels: rooms.AudioLevelInfo[][] = [];
      room.on('audiolevels', (infos) => levels.push(infos));
      const p1 = loud.room.createProducer(tone.audioTrack);
      await p1.send(loud.room.createTransport('send'));
      const p2 = quiet.room.createProducer(silence.track);
      await p2.send(quiet.room.createTransport('send'));
      await waitUntil('both producers in audiolevels', 15_000, () => levels.some((l) => l.length === 2));
      const both = levels.filter((l) => l.length === 2).at(-1)!;
      assert.equal(both[0]!.producer.peer.name, 'loud');
      assert.equal(both[1]!.producer.peer.name, 'quiet');
      assert.ok(both[0]!.audioLevel > both[1]!.audioLevel);
      assert.ok(both[1]!.audioLevel <= -100, `silence is near -127, got ${both[1]!.audioLevel}`);
      await waitUntil('active speaker', 5000, () => changes.length > 0);
      const [peer, producer] = changes[0]!;
      assert.equal(peer!.name, 'loud');
      assert.equal(producer!.peer, peer);
      // The tone stops: nobody speaks, so the detector reports undefined, undefined.
      loud.close();
      await waitUntil('no active speaker', 5000, () => changes.length >= 2);
      assert.deepEqual(changes.at(-1), [undefined, undefined]);
    } finally {
      tone.stop();
      silence.stop();
      detector.close();
      loud.close();
      quiet.close();
      room.close();
    }
  });
});
