/** seed 002: Room (properties, receiveRequest with queryRoom and join, events) and the protocol's error answers. */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { errors } from 'consomme';
import { SEED_CODECS, clientCaps, createProducer, createTransport, join, loopbackServer, rejection } from './helpers.js';

const server = loopbackServer();
after(() => server.close());

describe('Room', { timeout: 30_000 }, () => {
  test('rtpCapabilities name each codec and add RTX for video, in the 2.x client form', async () => {
    const room = server.Room(SEED_CODECS);
    const caps = room.rtpCapabilities as { codecs: any[]; headerExtensions: any[]; fecMechanisms: unknown[] };
    const names = caps.codecs.map((c) => c.name);
    assert.deepEqual(names.filter((n) => n !== 'rtx'), ['opus', 'VP8', 'H264']);
    assert.ok(names.includes('rtx'));
    const opus = caps.codecs.find((c) => c.name === 'opus');
    assert.equal(opus.channels, 2);
    assert.equal(opus.parameters.useinbandfec, 1);
    assert.equal(typeof opus.preferredPayloadType, 'number');
    assert.equal(caps.codecs.find((c) => c.name === 'VP8').channels, undefined, 'no channels on video (the 2.x client compares them)');
    assert.ok(caps.headerExtensions.some((e) => e.uri === 'urn:ietf:params:rtp-hdrext:sdes:mid' && typeof e.preferredId === 'number'));
    assert.deepEqual(caps.fecMechanisms, []);
    const response = (await room.receiveRequest({ method: 'queryRoom', target: 'room' })) as any;
    assert.deepEqual(response, { rtpCapabilities: room.rtpCapabilities, mandatoryCodecPayloadTypes: [] });
  });

  test('join creates a Peer (newpeer), lists the existing peers with consumers of their producers', async () => {
    const room = server.Room(SEED_CODECS);
    const newPeers: string[] = [];
    room.on('newpeer', (p) => newPeers.push(p.name));
    const alice = await join(room, 'alice', { role: 'host' });
    assert.deepEqual(alice.response, { peers: [] });
    const send = await createTransport(alice.peer, 'send');
    const producer = await createProducer(alice.peer, send, 'audio', { source: 'mic' });
    const bob = await join(room, 'bob');
    assert.deepEqual(newPeers, ['alice', 'bob']);
    assert.deepEqual(room.peers.map((p) => p.name), ['alice', 'bob']);
    assert.equal(room.getPeerByName('bob'), bob.peer);
    assert.equal(room.getPeerByName('carol'), undefined);
    const [entry] = bob.response.peers;
    assert.equal(entry.name, 'alice');
    assert.deepEqual(entry.appData, { role: 'host' });
    assert.equal(entry.consumers.length, 1);
    const c = entry.consumers[0];
    assert.equal(c.kind, 'audio');
    assert.equal(c.peerName, 'alice');
    assert.equal(c.paused, false);
    assert.deepEqual(c.appData, { source: 'mic' });
    assert.equal(c.rtpParameters.codecs[0].name, 'opus');
    assert.equal(typeof c.rtpParameters.encodings[0].ssrc, 'number');
    assert.equal(bob.peer.consumers[0]!.source, producer);
    // alice heard about bob.
    assert.deepEqual(alice.notes.find((n) => n['method'] === 'newPeer'), { method: 'newPeer', target: 'peer', notification: true, name: 'bob', consumers: [], appData: undefined });
  });

  test('every malformed or unknown room request is rejected with a TypeError', async () => {
    const room = server.Room(SEED_CODECS);
    await join(room, 'taken');
    const bad: unknown[] = [
      null,
      'queryRoom',
      [],
      {},
      { method: 'queryRoom' },
      { method: 'queryRoom', target: 'peer' },
      { method: 'queryRoom', target: 'room', notification: true },
      { method: 'nope', target: 'room' },
      { method: 42, target: 'room' },
      { method: 'createTransport', target: 'room', id: 1 },
      { method: 'join', target: 'room' },
      { method: 'join', target: 'room', peerName: '', rtpCapabilities: clientCaps(room) },
      { method: 'join', target: 'room', peerName: 7, rtpCapabilities: clientCaps(room) },
      { method: 'join', target: 'room', peerName: 'x' },
      { method: 'join', target: 'room', peerName: 'x', rtpCapabilities: { codecs: 'all' } },
      { method: 'join', target: 'room', peerName: 'x', rtpCapabilities: { codecs: [{ mimeType: 'audio/opus' }] } },
      { method: 'join', target: 'room', peerName: 'x', rtpCapabilities: clientCaps(room), spy: 'yes' },
      { method: 'join', target: 'room', peerName: 'taken', rtpCapabilities: clientCaps(room) },
    ];
    for (const request of bad) {
      const error = await rejection(room.receiveRequest(request));
      assert.ok(error instanceof TypeError, `${JSON.stringify(request)} → ${String(error)}`);
    }
    assert.deepEqual(room.peers.map((p) => p.name), ['taken']);
  });

  test("close(appData) closes its peers (their clients hear 'closed') and emits 'close' with appData", async () => {
    const room = server.Room(SEED_CODECS);
    const a = await join(room, 'a');
    const b = await join(room, 'b');
    const events: unknown[] = [];
    room.on('close', (appData) => events.push(appData));
    a.peer.on('close', (originator, appData) => events.push(['a', originator, appData]));
    room.close({ why: 'over' });
    room.close();
    assert.equal(room.closed, true);
    assert.deepEqual(events, [['a', 'local', { why: 'over' }], { why: 'over' }]);
    assert.equal(a.peer.closed && b.peer.closed, true);
    assert.deepEqual(a.notes.at(-1), { method: 'closed', target: 'peer', notification: true, appData: { why: 'over' } });
    assert.equal(b.notes.filter((n) => n['method'] === 'peerClosed').length, 0, 'no peerClosed while the whole room goes');
    assert.deepEqual(room.peers, []);
  });

  test('calls on a closed room are InvalidStateError', async () => {
    const room = server.Room(SEED_CODECS);
    room.close();
    const error = await rejection(room.receiveRequest({ method: 'queryRoom', target: 'room' }));
    assert.ok(error instanceof errors.InvalidStateError);
    assert.throws(() => room.createActiveSpeakerDetector(), errors.InvalidStateError);
  });

  test("a peer that leaves is removed and the others hear 'peerClosed'", async () => {
    const room = server.Room(SEED_CODECS);
    const a = await join(room, 'a');
    const b = await join(room, 'b');
    const closed = b.next('peerClosed');
    a.peer.receiveNotification({ method: 'leave', target: 'peer', notification: true, appData: { bye: 1 } });
    assert.deepEqual(await closed, { method: 'peerClosed', target: 'peer', notification: true, name: 'a', appData: { bye: 1 } });
    assert.deepEqual(room.peers.map((p) => p.name), ['b']);
  });

  test('createActiveSpeakerDetector() returns a detector that closes with the room', async () => {
    const room = server.Room(SEED_CODECS);
    const detector = room.createActiveSpeakerDetector();
    let closes = 0;
    detector.on('close', () => closes++);
    room.close();
    assert.equal(closes, 1);
    assert.equal(detector.closed, true);
  });

  test('createRtpStreamer() validates its arguments', async () => {
    const room = server.Room(SEED_CODECS);
    const a = await join(room, 'a');
    const send = await createTransport(a.peer, 'send');
    const producer = await createProducer(a.peer, send, 'video');
    await assert.rejects(room.createRtpStreamer({} as never, { remoteIP: '127.0.0.1', remotePort: 5004 }), TypeError);
    await assert.rejects(room.createRtpStreamer(producer, { remoteIP: 'localhost', remotePort: 5004 }), TypeError);
    await assert.rejects(room.createRtpStreamer(producer, { remoteIP: '127.0.0.1', remotePort: 0 }), TypeError);
    await assert.rejects(room.createRtpStreamer(producer, { remoteIP: '::1', remotePort: 5004 }), TypeError, 'no IPv6 address configured');
    const other = server.Room(SEED_CODECS);
    await assert.rejects(other.createRtpStreamer(producer, { remoteIP: '127.0.0.1', remotePort: 5004 }), TypeError);
  });
});
