/**
 * Acceptance: a misbehaving client sends malformed and out-of-order requests
 * (more than 50 of them). Each gets the exact typed error; its socket stays
 * connected; meanwhile two well-behaved peers in the same room keep their
 * media and their requests working, and the server stays healthy. Also
 * RATE_LIMITED under a flood and ROOM_FULL over maxPeersPerRoom.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ErrorCode } from '@consomme/protocol';
import { startServer, type RunningServer } from '@consomme/server';
import type { Socket } from 'socket.io-client';
import { exitAfterWrtcTests, syntheticMedia, type SyntheticMedia } from '../lib/node-client.js';
import { AppClient, rawRequest, sleep } from './app-client.js';

exitAfterWrtcTests(after);

const ROOM = 'bad-input';
const opus = { mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2 };
const goodRtp = { mid: '0', codecs: [opus], headerExtensions: [], encodings: [{ ssrc: 1111 }], rtcp: { cname: 'x' } };
const dtls = { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: 'AB:CD' }] };

type Case = [name: string, expected: ErrorCode, payload: unknown];

async function code(socket: Socket, payload: unknown): Promise<ErrorCode | 'OK'> {
  const reply = await rawRequest(socket, payload);
  return reply.ok ? 'OK' : reply.error.code;
}

describe('app server: bad input from one client', { timeout: 60_000 }, () => {
  let server: RunningServer;
  let media: SyntheticMedia;
  let producerPeer: AppClient;
  let consumerPeer: AppClient;
  let bad: AppClient;
  let badDisconnected = false;
  const extra: AppClient[] = [];

  before(async () => {
    server = await startServer({
      port: 0,
      numWorkers: 1,
      rtc: { webRtcServerPort: 0 },
      logLevel: 'silent',
      limits: { maxPeersPerRoom: 3, requestsPerSecond: 50 },
    });
    media = syntheticMedia();
    producerPeer = await AppClient.connect(server.url);
    consumerPeer = await AppClient.connect(server.url);
    await producerPeer.join(ROOM, 'Producer');
    await consumerPeer.join(ROOM, 'Consumer');
    await producerPeer.setupMedia({ send: true, recv: false });
    await consumerPeer.setupMedia({ send: false, recv: true });
    await producerPeer.produce(media.audioTrack, 'mic');
    await consumerPeer.expectMediaFrom(producerPeer.peerId);
    bad = await AppClient.connect(server.url);
    bad.socket.on('disconnect', () => (badDisconnected = true));
  });

  after(async () => {
    for (const c of [bad, producerPeer, consumerPeer, ...extra]) c?.close();
    media?.stop();
    await server?.close();
  });

  test('every malformed or out-of-order request gets its typed error; the socket, the others and the server carry on', async () => {
    const s = bad.socket;
    const big = 'x'.repeat(70_000);
    const goodPeerTransport = producerPeer.send!.id;
    const goodPeerProducer = consumerPeer.seen('newConsumer')[0]!.producerId;
    const before: Case[] = [
      // Out of order: room requests before join (valid data otherwise).
      ['createTransport before join', 'NOT_JOINED', { method: 'createTransport', data: { direction: 'send' } }],
      ['connectTransport before join', 'NOT_JOINED', { method: 'connectTransport', data: { transportId: 't1', dtlsParameters: dtls } }],
      ['ready before join', 'NOT_JOINED', { method: 'ready', data: { rtpCapabilities: {} } }],
      ['produce before join', 'NOT_JOINED', { method: 'produce', data: { transportId: 't1', kind: 'audio', rtpParameters: goodRtp, source: 'mic' } }],
      ['produceData before join', 'NOT_JOINED', { method: 'produceData', data: { transportId: 't1', sctpStreamParameters: { streamId: 1 }, label: 'chat', protocol: '' } }],
      ['resumeConsumer before join', 'NOT_JOINED', { method: 'resumeConsumer', data: { consumerId: 'c1' } }],
      ['getStats before join', 'NOT_JOINED', { method: 'getStats' }],
      ['leave before join', 'NOT_JOINED', { method: 'leave', data: {} }],
      // "consume" is not a client request in this protocol: the server consumes for the client.
      ['consume (not a method)', 'UNKNOWN_METHOD', { method: 'consume', data: { producerId: 'p1' } }],
      // Not an object.
      ['string payload', 'BAD_REQUEST', 'hello'],
      ['number payload', 'BAD_REQUEST', 42],
      ['null payload', 'BAD_REQUEST', null],
      ['array payload', 'BAD_REQUEST', [{ method: 'join' }]],
      ['boolean payload', 'BAD_REQUEST', true],
      // Bad envelopes.
      ['missing method', 'BAD_REQUEST', { data: {} }],
      ['numeric method', 'BAD_REQUEST', { method: 42 }],
      ['empty method', 'BAD_REQUEST', { method: '' }],
      ['overlong method', 'BAD_REQUEST', { method: 'm'.repeat(65) }],
      ['unknown method', 'UNKNOWN_METHOD', { method: 'launchRockets', data: {} }],
      ['__proto__ method', 'UNKNOWN_METHOD', { method: '__proto__' }],
      ['constructor method', 'UNKNOWN_METHOD', { method: 'constructor' }],
      ['toString method', 'UNKNOWN_METHOD', { method: 'toString' }],
      // Bad join data.
      ['room id with a slash', 'BAD_REQUEST', { method: 'join', data: { roomId: '../etc', displayName: 'x' } }],
      ['room id with a space', 'BAD_REQUEST', { method: 'join', data: { roomId: 'a b', displayName: 'x' } }],
      ['room id with non-ASCII', 'BAD_REQUEST', { method: 'join', data: { roomId: 'salle-é', displayName: 'x' } }],
      ['empty room id', 'BAD_REQUEST', { method: 'join', data: { roomId: '', displayName: 'x' } }],
      ['overlong room id', 'BAD_REQUEST', { method: 'join', data: { roomId: 'r'.repeat(65), displayName: 'x' } }],
      ['missing displayName', 'BAD_REQUEST', { method: 'join', data: { roomId: ROOM } }],
      ['numeric displayName', 'BAD_REQUEST', { method: 'join', data: { roomId: ROOM, displayName: 7 } }],
      ['join data is a string', 'BAD_REQUEST', { method: 'join', data: 'room' }],
      ['reconnect key too short', 'BAD_REQUEST', { method: 'join', data: { roomId: ROOM, displayName: 'x', reconnect: { peerId: 'p', key: 'short' } } }],
      [
        'reconnect as another peer with a wrong key',
        'UNAUTHORIZED',
        { method: 'join', data: { roomId: ROOM, displayName: 'x', reconnect: { peerId: producerPeer.peerId, key: 'k'.repeat(32) } } },
      ],
      // Too large (checked before anything else).
      ['oversized join', 'TOO_LARGE', { method: 'join', data: { roomId: ROOM, displayName: big } }],
      ['oversized junk', 'TOO_LARGE', { method: 'createTransport', data: { direction: 'send', junk: big } }],
    ];
    let n = 0;
    for (const [name, expected, payload] of before) {
      assert.equal(await code(s, payload), expected, name);
      n++;
    }
    // No ack at all: ignored, and the socket still works. No payload but an ack: BAD_REQUEST.
    s.emit('request', { method: 'getStats' });
    n++;
    assert.equal(((await s.timeout(5000).emitWithAck('request')) as { ok: boolean; error: { code: string } }).error.code, 'BAD_REQUEST', 'no payload');
    n++;

    await bad.join(ROOM, 'Mallory');
    const own = await bad.request('createTransport', { direction: 'send' }); // no SCTP
    const joined: Case[] = [
      ['join twice', 'ALREADY_JOINED', { method: 'join', data: { roomId: ROOM, displayName: 'again' } }],
      ['second send transport', 'INVALID_STATE', { method: 'createTransport', data: { direction: 'send' } }],
      ['unknown direction', 'BAD_REQUEST', { method: 'createTransport', data: { direction: 'sideways' } }],
      ['zero SCTP streams', 'BAD_REQUEST', { method: 'createTransport', data: { direction: 'recv', sctpCapabilities: { numStreams: { OS: 0, MIS: 1 } } } }],
      ['connect an unknown transport', 'NOT_FOUND', { method: 'connectTransport', data: { transportId: 'no-such-transport', dtlsParameters: dtls } }],
      ['connect another peer’s transport', 'NOT_FOUND', { method: 'connectTransport', data: { transportId: goodPeerTransport, dtlsParameters: dtls } }],
      ['connect without dtlsParameters', 'BAD_REQUEST', { method: 'connectTransport', data: { transportId: own.id } }],
      ['connect with no fingerprints', 'BAD_REQUEST', { method: 'connectTransport', data: { transportId: own.id, dtlsParameters: { fingerprints: [] } } }],
      ['restartIce on an unknown transport', 'NOT_FOUND', { method: 'restartIce', data: { transportId: 'nope' } }],
      ['produce on an unknown transport', 'NOT_FOUND', { method: 'produce', data: { transportId: 'nope', kind: 'audio', rtpParameters: goodRtp, source: 'mic' } }],
      [
        'produce on another peer’s transport',
        'NOT_FOUND',
        { method: 'produce', data: { transportId: goodPeerTransport, kind: 'audio', rtpParameters: goodRtp, source: 'mic' } },
      ],
      ['produce with an unknown kind', 'BAD_REQUEST', { method: 'produce', data: { transportId: own.id, kind: 'smell', rtpParameters: goodRtp, source: 'mic' } }],
      ['produce with an unknown source', 'BAD_REQUEST', { method: 'produce', data: { transportId: own.id, kind: 'audio', rtpParameters: goodRtp, source: 'radio' } }],
      ['produce with paused: "yes"', 'BAD_REQUEST', { method: 'produce', data: { transportId: own.id, kind: 'audio', rtpParameters: goodRtp, source: 'mic', paused: 'yes' } }],
      ['produce with no codecs', 'BAD_REQUEST', { method: 'produce', data: { transportId: own.id, kind: 'audio', rtpParameters: { ...goodRtp, codecs: [] }, source: 'mic' } }],
      [
        'produce with payloadType 300',
        'BAD_REQUEST',
        { method: 'produce', data: { transportId: own.id, kind: 'audio', rtpParameters: { ...goodRtp, codecs: [{ ...opus, payloadType: 300 }] }, source: 'mic' } },
      ],
      ['produce with rtpParameters as a string', 'BAD_REQUEST', { method: 'produce', data: { transportId: own.id, kind: 'audio', rtpParameters: 'opus', source: 'mic' } }],
      ['produce video from the mic', 'INVALID_PARAMETERS', { method: 'produce', data: { transportId: own.id, kind: 'video', rtpParameters: goodRtp, source: 'mic' } }],
      // Well-shaped for the schema, refused by the media library.
      [
        'produce an unsupported codec',
        'INVALID_PARAMETERS',
        {
          method: 'produce',
          data: { transportId: own.id, kind: 'audio', rtpParameters: { ...goodRtp, codecs: [{ mimeType: 'audio/x-nothing', payloadType: 100, clockRate: 8000 }] }, source: 'mic' },
        },
      ],
      [
        'produce a codec without a type',
        'INVALID_PARAMETERS',
        { method: 'produce', data: { transportId: own.id, kind: 'audio', rtpParameters: { ...goodRtp, codecs: [{ ...opus, mimeType: 'opus' }] }, source: 'mic' } },
      ],
      ['produce with no encodings', 'INVALID_PARAMETERS', { method: 'produce', data: { transportId: own.id, kind: 'audio', rtpParameters: { ...goodRtp, encodings: [] }, source: 'mic' } }],
      [
        'produce audio with two encodings',
        'INVALID_PARAMETERS',
        { method: 'produce', data: { transportId: own.id, kind: 'audio', rtpParameters: { ...goodRtp, encodings: [{ ssrc: 1 }, { ssrc: 2 }] }, source: 'mic' } },
      ],
      ['closeProducer unknown', 'NOT_FOUND', { method: 'closeProducer', data: { producerId: 'nope' } }],
      ['closeProducer of another peer', 'NOT_FOUND', { method: 'closeProducer', data: { producerId: goodPeerProducer } }],
      ['pauseProducer of another peer', 'NOT_FOUND', { method: 'pauseProducer', data: { producerId: goodPeerProducer } }],
      ['pauseProducer with a numeric id', 'BAD_REQUEST', { method: 'pauseProducer', data: { producerId: 5 } }],
      ['resumeConsumer unknown', 'NOT_FOUND', { method: 'resumeConsumer', data: { consumerId: 'nope' } }],
      ['pauseConsumer with an empty id', 'BAD_REQUEST', { method: 'pauseConsumer', data: { consumerId: '' } }],
      ['requestKeyFrame unknown', 'NOT_FOUND', { method: 'requestKeyFrame', data: { consumerId: 'nope' } }],
      ['produceData with streamId 70000', 'BAD_REQUEST', { method: 'produceData', data: { transportId: own.id, sctpStreamParameters: { streamId: 70000 }, label: 'chat', protocol: '' } }],
      ['produceData without SCTP', 'INVALID_PARAMETERS', { method: 'produceData', data: { transportId: own.id, sctpStreamParameters: { streamId: 1 }, label: 'chat', protocol: '' } }],
      ['produceData on an unknown transport', 'NOT_FOUND', { method: 'produceData', data: { transportId: 'nope', sctpStreamParameters: { streamId: 1 }, label: 'chat', protocol: '' } }],
      ['getStats with a string', 'BAD_REQUEST', { method: 'getStats', data: 'all' }],
      ['ready with capabilities as a list', 'BAD_REQUEST', { method: 'ready', data: { rtpCapabilities: [] } }],
    ];
    for (const [name, expected, payload] of joined) {
      assert.equal(await code(s, payload), expected, name);
      n++;
    }
    // ready is once per session.
    assert.equal(await code(s, { method: 'ready', data: { rtpCapabilities: {} } }), 'OK');
    assert.equal(await code(s, { method: 'ready', data: { rtpCapabilities: {} } }), 'INVALID_STATE', 'ready twice');
    n++;
    assert.ok(n >= 50, `${n} bad requests`);

    // The bad client is still connected and served; the others never noticed.
    assert.equal(badDisconnected, false);
    assert.equal(s.connected, true);
    const badStats = await bad.request('getStats');
    assert.equal(badStats.transports.length, 1);
    assert.equal(badStats.producers.length, 0);
    await consumerPeer.expectMediaFrom(producerPeer.peerId);
    const stats = await consumerPeer.request('getStats');
    assert.equal(stats.consumers.length, 1);
    assert.equal(consumerPeer.errors.length, 0, consumerPeer.errors.join('; '));
    assert.equal(consumerPeer.seen('peerLeft').length, 0);
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as Record<string, unknown>;
    assert.deepEqual(health, { ok: true, rooms: 1, peers: 3, workers: 1 });
    for (const { pid } of server.rooms.workers()) assert.equal(process.kill(pid, 0), true, 'the media worker is alive');
  });

  test('a flood gets RATE_LIMITED, every request is answered, and the socket recovers', async () => {
    const s = bad.socket;
    await sleep(2100); // a full bucket (burst 100 at 50/s)
    const codes = await Promise.all(Array.from({ length: 300 }, () => code(s, { method: 'getStats' })));
    const limited = codes.filter((c) => c === 'RATE_LIMITED').length;
    const served = codes.filter((c) => c === 'OK').length;
    assert.equal(limited + served, 300, `unexpected codes: ${[...new Set(codes)].join(',')}`);
    assert.ok(served >= 100 && served < 200, `${served} served`);
    assert.ok(limited >= 100, `${limited} limited`);
    await sleep(1000);
    assert.equal(await code(s, { method: 'getStats' }), 'OK');
    assert.equal(s.connected, true);
    await consumerPeer.request('getStats');
  });

  test('ROOM_FULL over maxPeersPerRoom; another room still works', async () => {
    const fourth = await AppClient.connect(server.url);
    extra.push(fourth);
    assert.equal(await fourth.failure('join', { roomId: ROOM, displayName: 'Fourth' }), 'ROOM_FULL');
    const reply = await fourth.join('another-room', 'Fourth');
    assert.equal(reply.peers.length, 0);
    assert.equal(server.rooms.size, 2);
    await fourth.request('leave');
    assert.equal(server.rooms.size, 1);
    assert.deepEqual(server.rooms.get(ROOM)?.peers.length, 3);
  });
});
