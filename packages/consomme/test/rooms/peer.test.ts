/** seed 002: Peer, WebRtcTransport, Producer and Consumer (properties, events with originator, errors on closed objects). */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { errors, rooms } from 'consomme';
import { SEED_CODECS, createProducer, createTransport, join, loopbackServer, newId, rejection } from './helpers.js';

const server = loopbackServer();
after(() => server.close());

describe('Peer', { timeout: 30_000 }, () => {
  test('name, appData (from join, writable), rtpCapabilities, and lists in creation order', async () => {
    const room = server.Room(SEED_CODECS);
    const { peer } = await join(room, 'alice', { nick: 'A' });
    assert.ok(peer instanceof rooms.Peer);
    assert.equal(peer.name, 'alice');
    assert.deepEqual(peer.appData, { nick: 'A' });
    peer.appData = 'free';
    assert.equal(peer.appData, 'free');
    assert.deepEqual(peer.rtpCapabilities, room.rtpCapabilities);
    const events: string[] = [];
    peer.on('newtransport', (t) => events.push(`t${t.id}`));
    peer.on('newproducer', (p) => events.push(`p${p.id}`));
    const t1 = await createTransport(peer, 'send');
    const t2 = await createTransport(peer, 'recv');
    const p1 = await createProducer(peer, t1, 'audio');
    const p2 = await createProducer(peer, t1, 'video');
    assert.deepEqual(peer.transports, [t1, t2]);
    assert.deepEqual(peer.producers, [p1, p2]);
    assert.deepEqual(events, [`t${t1.id}`, `t${t2.id}`, `p${p1.id}`, `p${p2.id}`]);
    assert.equal(peer.getTransportById(t2.id), t2);
    assert.equal(peer.getProducerById(p2.id), p2);
    assert.equal(peer.getTransportById(1), undefined);
    assert.equal(peer.getProducerById(1), undefined);
    assert.equal(peer.getConsumerById(1), undefined);
  });

  test("consumers: 'newconsumer' and newConsumer for each producer of another peer, in order", async () => {
    const room = server.Room(SEED_CODECS);
    const a = await join(room, 'a');
    const b = await join(room, 'b');
    const seen: rooms.Consumer[] = [];
    b.peer.on('newconsumer', (c) => seen.push(c));
    const send = await createTransport(a.peer, 'send');
    const p1 = await createProducer(a.peer, send, 'audio', { source: 'mic' });
    const p2 = await createProducer(a.peer, send, 'video', { source: 'webcam' });
    assert.deepEqual(b.peer.consumers, seen);
    assert.deepEqual(seen.map((c) => c.source), [p1, p2]);
    assert.equal(b.peer.getConsumerById(seen[1]!.id), seen[1]);
    assert.deepEqual(a.peer.consumers, [], 'no consumer of its own producers');
    const notes = b.notes.filter((n) => n['method'] === 'newConsumer');
    assert.equal(notes.length, 2);
    assert.deepEqual(
      { ...notes[1], rtpParameters: undefined },
      { method: 'newConsumer', target: 'peer', notification: true, id: seen[1]!.id, kind: 'video', peerName: 'a', rtpParameters: undefined, paused: false, preferredProfile: 'default', effectiveProfile: null, appData: { source: 'webcam' } },
    );
    assert.deepEqual(notes[1]!['rtpParameters'], seen[1]!.rtpParameters);
  });

  test("close(appData): 'close' with 'local', the client hears 'closed', transports and producers close", async () => {
    const room = server.Room(SEED_CODECS);
    const a = await join(room, 'a');
    const b = await join(room, 'b');
    const send = await createTransport(a.peer, 'send');
    const producer = await createProducer(a.peer, send, 'audio');
    const consumerAtB = b.peer.consumers[0]!;
    const events: unknown[] = [];
    a.peer.on('close', (...args) => events.push(['peer', ...args]));
    producer.on('close', (...args) => events.push(['producer', ...args]));
    send.on('close', (...args) => events.push(['transport', ...args]));
    consumerAtB.on('close', (...args) => events.push(['consumer', ...args]));
    a.peer.close({ kicked: true });
    assert.deepEqual(a.notes.at(-1), { method: 'closed', target: 'peer', notification: true, appData: { kicked: true } });
    assert.deepEqual(events, [
      ['producer', 'local', { kicked: true }],
      ['consumer', 'local', { kicked: true }],
      ['transport', 'local', { kicked: true }],
      ['peer', 'local', { kicked: true }],
    ]);
    assert.ok(a.peer.closed && producer.closed && send.closed && consumerAtB.closed);
    assert.deepEqual(b.notes.slice(-2).map((n) => n['method']), ['consumerClosed', 'peerClosed']);
    assert.deepEqual(b.peer.consumers, []);
  });

  test("leave: 'close' with 'remote' and no 'closed' back to that client", async () => {
    const room = server.Room(SEED_CODECS);
    const a = await join(room, 'a');
    const got: unknown[] = [];
    a.peer.on('close', (...args) => got.push(args));
    a.peer.receiveNotification({ method: 'leave', target: 'peer', notification: true, appData: 'bye' });
    assert.deepEqual(got, [['remote', 'bye']]);
    assert.equal(a.notes.length, 0);
  });

  test('malformed or unknown peer requests are rejected with typed errors; none is left unanswered', async () => {
    const room = server.Room(SEED_CODECS);
    const { peer } = await join(room, 'a');
    const send = await createTransport(peer, 'send');
    const recv = await createTransport(peer, 'recv');
    const bad: [unknown, new (...a: never[]) => Error][] = [
      [null, TypeError],
      [{ method: 'createTransport', id: 1, direction: 'send' }, TypeError],
      [{ method: 'createTransport', target: 'peer', notification: true, id: 1, direction: 'send' }, TypeError],
      [{ method: 'launch', target: 'peer' }, TypeError],
      [{ method: 'queryRoom', target: 'peer' }, TypeError],
      [{ method: 'createTransport', target: 'peer', id: 'one', direction: 'send' }, TypeError],
      [{ method: 'createTransport', target: 'peer', id: -1, direction: 'send' }, TypeError],
      [{ method: 'createTransport', target: 'peer', id: 1, direction: 'both' }, TypeError],
      [{ method: 'createTransport', target: 'peer', id: send.id, direction: 'send' }, TypeError],
      [{ method: 'createTransport', target: 'peer', id: 1, direction: 'send', dtlsParameters: { fingerprints: [] } }, TypeError],
      [{ method: 'createTransport', target: 'peer', id: 1, direction: 'send', options: { udp: false, tcp: false } }, TypeError],
      [{ method: 'createTransport', target: 'peer', id: 1, direction: 'send', plainRtpParameters: {} }, errors.UnsupportedError],
      [{ method: 'restartTransport', target: 'peer', id: 999 }, TypeError],
      [{ method: 'createProducer', target: 'peer', id: 5, kind: 'audio', transportId: 999, rtpParameters: {} }, TypeError],
      [{ method: 'createProducer', target: 'peer', id: 5, kind: 'text', transportId: send.id, rtpParameters: {} }, TypeError],
      [{ method: 'createProducer', target: 'peer', id: 5, kind: 'audio', transportId: recv.id, rtpParameters: {} }, TypeError],
      [{ method: 'createProducer', target: 'peer', id: 5, kind: 'audio', transportId: send.id, rtpParameters: null }, TypeError],
      [{ method: 'createProducer', target: 'peer', id: 5, kind: 'audio', transportId: send.id, rtpParameters: { codecs: [{ mimeType: 'audio/opus' }] } }, TypeError],
      [{ method: 'createProducer', target: 'peer', id: 5, kind: 'audio', transportId: send.id, rtpParameters: { codecs: [] }, paused: 'no' }, TypeError],
      [{ method: 'enableConsumer', target: 'peer', id: 999, transportId: recv.id }, TypeError],
    ];
    for (const [request, type] of bad) {
      const error = await rejection(peer.receiveRequest(request));
      assert.ok(error instanceof type, `${JSON.stringify(request)} → ${String(error)}`);
    }
    assert.deepEqual(peer.transports, [send, recv]);
    assert.deepEqual(peer.producers, []);
  });

  test('malformed notifications throw TypeError; ones about objects already gone are ignored', async () => {
    const room = server.Room(SEED_CODECS);
    const { peer } = await join(room, 'a');
    for (const n of [null, {}, { method: 'leave', target: 'peer' }, { method: 'leave', notification: true }, { method: 'dance', target: 'peer', notification: true }, { method: 'closeProducer', target: 'peer', notification: true, id: 'x' }, { method: 'setConsumerPreferredProfile', target: 'peer', notification: true, id: 1, profile: 'ultra' }, { method: 'updateTransport', target: 'peer', notification: true, id: 1, dtlsParameters: 5 }]) {
      assert.throws(() => peer.receiveNotification(n), TypeError, JSON.stringify(n));
    }
    peer.receiveNotification({ method: 'closeProducer', target: 'peer', notification: true, id: 424242 });
    assert.equal(peer.closed, false);
  });

  test('calls on a closed peer are InvalidStateError', async () => {
    const room = server.Room(SEED_CODECS);
    const { peer } = await join(room, 'a');
    peer.close();
    assert.ok((await rejection(peer.receiveRequest({ method: 'restartTransport', target: 'peer', id: 1 }))) instanceof errors.InvalidStateError);
    assert.throws(() => peer.receiveNotification({ method: 'leave', target: 'peer', notification: true }), errors.InvalidStateError);
  });
});

describe('WebRtcTransport (seed 002)', { timeout: 30_000 }, () => {
  test('direction, appData, ICE and DTLS properties before any client connects', async () => {
    const room = server.Room(SEED_CODECS);
    const { peer } = await join(room, 'a');
    const recv = await createTransport(peer, 'recv', { purpose: 'x' });
    assert.ok(recv instanceof rooms.WebRtcTransport);
    assert.equal(recv.direction, 'recv');
    assert.deepEqual(recv.appData, { purpose: 'x' });
    assert.equal(recv.iceRole, 'controlled');
    assert.equal(typeof recv.iceLocalParameters.usernameFragment, 'string');
    assert.equal(typeof recv.iceLocalParameters.password, 'string');
    assert.equal(recv.iceLocalParameters.iceLite, true);
    assert.ok(recv.iceLocalCandidates.length >= 2);
    for (const c of recv.iceLocalCandidates) {
      assert.equal(c.ip, '127.0.0.1');
      assert.equal(c.type, 'host');
      assert.ok(['udp', 'tcp'].includes(c.protocol));
      assert.equal(typeof c.priority, 'number');
      if (c.protocol === 'tcp') assert.equal(c.tcpType, 'passive');
    }
    assert.equal(recv.iceState, 'new');
    assert.equal(recv.iceSelectedTuple, undefined);
    const dtls = recv.dtlsLocalParameters;
    assert.equal(dtls.role, 'auto');
    assert.match(dtls.fingerprints['sha-256']!, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/i);
    assert.ok(dtls.fingerprints['sha-1'] && dtls.fingerprints['sha-512']);
    assert.equal(recv.dtlsState, 'new');
    assert.equal(recv.dtlsRemoteCert, undefined);
    const send = await createTransport(peer, 'send');
    assert.equal(send.direction, 'send');
    assert.equal(send.dtlsLocalParameters.role, 'client', 'the client said it is the DTLS server');
    assert.ok(['new', 'connecting'].includes(send.dtlsState), 'as DTLS client it starts once ICE is up');
    const [stats] = await send.getStats();
    assert.equal(stats!.type, 'webrtc-transport');
    // The response carries the fingerprints as the list the 2.x client reads.
    const response = (await peer.receiveRequest({ method: 'createTransport', target: 'peer', id: newId(), direction: 'recv' })) as any;
    assert.ok(Array.isArray(response.dtlsParameters.fingerprints));
    assert.equal(response.dtlsParameters.fingerprints.at(-1).algorithm, 'sha-512');
    assert.equal(response.iceParameters.iceLite, true);
    const restarted = (await peer.receiveRequest({ method: 'restartTransport', target: 'peer', id: recv.id })) as any;
    assert.notEqual(restarted.iceParameters.usernameFragment, response.iceParameters.usernameFragment);
    assert.equal(recv.iceLocalParameters.usernameFragment, restarted.iceParameters.usernameFragment);
  });

  test('setMaxBitrate() resolves to the transport on send transports and throws on recv ones', async () => {
    const room = server.Room(SEED_CODECS);
    const { peer } = await join(room, 'a');
    const send = await createTransport(peer, 'send');
    const recv = await createTransport(peer, 'recv');
    assert.equal(await send.setMaxBitrate(250000), send);
    await assert.rejects(recv.setMaxBitrate(250000), errors.InvalidStateError);
    await assert.rejects(send.setMaxBitrate(-1), TypeError);
    assert.equal((await send.getStats())[0]!.maxIncomingBitrate, 250000);
    // Mirroring works (e2e/node/rooms-mirroring.test.ts checks the traffic); bad options are TypeErrors.
    await send.startMirroring({ remoteIP: '127.0.0.1', remotePort: 9, sendRtp: true });
    await send.stopMirroring();
    await assert.rejects(send.startMirroring({ remoteIP: 'localhost', remotePort: 9 }), TypeError);
    await assert.rejects(send.startMirroring({ remoteIP: '127.0.0.1', remotePort: 0 }), TypeError);
    await assert.rejects(send.startMirroring({ remoteIP: '127.0.0.1', remotePort: 9, localIP: '::1' }), TypeError);
    await assert.rejects(send.startMirroring({ remoteIP: '127.0.0.1', remotePort: 9, recvRtp: 'yes' as never }), TypeError);
  });

  test("close(appData) emits 'close' ('local') and tells the client; closeTransport is 'remote'", async () => {
    const room = server.Room(SEED_CODECS);
    const a = await join(room, 'a');
    const send = await createTransport(a.peer, 'send');
    const producer = await createProducer(a.peer, send, 'audio');
    const recv = await createTransport(a.peer, 'recv');
    const events: unknown[] = [];
    send.on('close', (...args) => events.push(['send', ...args]));
    recv.on('close', (...args) => events.push(['recv', ...args]));
    send.close({ n: 1 });
    assert.equal(send.iceState, 'closed');
    assert.equal(send.dtlsState, 'closed');
    assert.deepEqual(a.notes.slice(-2), [
      { method: 'transportClosed', target: 'peer', notification: true, id: send.id, appData: { n: 1 } },
      { method: 'producerClosed', target: 'peer', notification: true, id: producer.id, appData: { n: 1 } },
    ]);
    assert.equal(producer.closed, true);
    const before = a.notes.length;
    a.peer.receiveNotification({ method: 'closeTransport', target: 'peer', notification: true, id: recv.id, appData: 'r' });
    assert.deepEqual(events, [['send', 'local', { n: 1 }], ['recv', 'remote', 'r']]);
    assert.equal(a.notes.length, before, 'nothing sent back for a remote close');
    assert.deepEqual(a.peer.transports, []);
    await assert.rejects(send.getStats(), errors.InvalidStateError);
    await assert.rejects(send.setMaxBitrate(1), errors.InvalidStateError);
  });
});

describe('Producer and Consumer (seed 002)', { timeout: 30_000 }, () => {
  async function setUp() {
    const room = server.Room(SEED_CODECS);
    const a = await join(room, 'a');
    const b = await join(room, 'b');
    const send = await createTransport(a.peer, 'send');
    const producer = await createProducer(a.peer, send, 'video', { source: 'webcam' });
    const consumer = b.peer.consumers[0]!;
    return { room, a, b, send, producer, consumer };
  }

  test('producer properties', async () => {
    const { a, send, producer } = await setUp();
    assert.ok(producer instanceof rooms.Producer);
    assert.ok(Number.isInteger(producer.id));
    assert.equal(producer.closed, false);
    assert.deepEqual(producer.appData, { source: 'webcam' });
    assert.equal(producer.kind, 'video');
    assert.equal(producer.peer, a.peer);
    assert.equal(producer.transport, send);
    assert.equal((producer.rtpParameters as any).codecs[0].name, 'VP8');
    assert.equal(producer.locallyPaused, false);
    assert.equal(producer.remotelyPaused, false);
    assert.equal(producer.paused, false);
    assert.equal(producer.preferredProfile, 'default');
    producer.setPreferredProfile('low');
    assert.equal(producer.preferredProfile, 'low');
    assert.throws(() => producer.setPreferredProfile('ultra' as 'low'), TypeError);
    const [stat] = await producer.getStats();
    assert.equal(stat!.type, 'inbound-rtp');
    assert.equal(stat!.ssrc, (producer.rtpParameters as any).encodings[0].ssrc);
  });

  test('producer pause/resume: events with originator and appData, the clients are told', async () => {
    const { a, b, producer, consumer } = await setUp();
    const events: unknown[] = [];
    producer.on('pause', (...args) => events.push(['pause', ...args]));
    producer.on('resume', (...args) => events.push(['resume', ...args]));
    producer.pause('p1');
    assert.equal(producer.locallyPaused, true);
    assert.equal(producer.paused, true);
    assert.equal(consumer.sourcePaused, true);
    assert.equal(consumer.paused, true);
    assert.deepEqual(a.notes.at(-1), { method: 'producerPaused', target: 'peer', notification: true, id: producer.id, appData: 'p1' });
    assert.deepEqual(b.notes.at(-1), { method: 'consumerPaused', target: 'peer', notification: true, id: consumer.id, peerName: 'a', appData: 'p1' });
    producer.resume('r1');
    assert.deepEqual(a.notes.at(-1), { method: 'producerResumed', target: 'peer', notification: true, id: producer.id, appData: 'r1' });
    assert.deepEqual(b.notes.at(-1), { method: 'consumerResumed', target: 'peer', notification: true, id: consumer.id, peerName: 'a', appData: 'r1' });
    a.peer.receiveNotification({ method: 'pauseProducer', target: 'peer', notification: true, id: producer.id, appData: 'rp' });
    assert.equal(producer.remotelyPaused, true);
    assert.equal(producer.paused, true);
    a.peer.receiveNotification({ method: 'resumeProducer', target: 'peer', notification: true, id: producer.id });
    assert.deepEqual(events, [['pause', 'local', 'p1'], ['resume', 'local', 'r1'], ['pause', 'remote', 'rp'], ['resume', 'remote', undefined]]);
    assert.equal(producer.paused, false);
  });

  test("producer close(appData): 'close' ('local'), producerClosed to its client, its consumers close", async () => {
    const { a, b, producer, consumer } = await setUp();
    const events: unknown[] = [];
    producer.on('close', (...args) => events.push(['producer', ...args]));
    consumer.on('close', (...args) => events.push(['consumer', ...args]));
    producer.close('done');
    assert.deepEqual(events, [['producer', 'local', 'done'], ['consumer', 'local', 'done']]);
    assert.deepEqual(a.notes.at(-1), { method: 'producerClosed', target: 'peer', notification: true, id: producer.id, appData: 'done' });
    assert.deepEqual(b.notes.at(-1), { method: 'consumerClosed', target: 'peer', notification: true, id: consumer.id, peerName: 'a', appData: 'done' });
    assert.throws(() => producer.pause(), errors.InvalidStateError);
    assert.throws(() => producer.resume(), errors.InvalidStateError);
    assert.throws(() => producer.setPreferredProfile('low'), errors.InvalidStateError);
    await assert.rejects(producer.getStats(), errors.InvalidStateError);
  });

  test("closeProducer from the client is 'remote'", async () => {
    const { a, producer } = await setUp();
    const events: unknown[] = [];
    producer.on('close', (...args) => events.push(args));
    a.peer.receiveNotification({ method: 'closeProducer', target: 'peer', notification: true, id: producer.id, appData: 'x' });
    assert.deepEqual(events, [['remote', 'x']]);
    assert.deepEqual(a.peer.producers, []);
  });

  test('consumer properties before and after enableConsumer', async () => {
    const { b, producer, consumer } = await setUp();
    assert.ok(consumer instanceof rooms.Consumer);
    assert.ok(Number.isInteger(consumer.id));
    assert.equal(consumer.kind, 'video');
    assert.equal(consumer.peer, b.peer);
    assert.equal(consumer.source, producer);
    assert.deepEqual(consumer.appData, { source: 'webcam' });
    assert.equal(consumer.enabled, false);
    assert.equal(consumer.transport, undefined);
    assert.equal(consumer.effectiveProfile, null);
    assert.equal(consumer.preferredProfile, 'default');
    assert.deepEqual(await consumer.getStats(), []);
    const params = consumer.rtpParameters as any;
    assert.equal(params.codecs[0].name, 'VP8');
    assert.equal(params.codecs[0].payloadType, (b.peer.rtpCapabilities as any).codecs.find((c: any) => c.name === 'VP8').preferredPayloadType);
    assert.equal(params.encodings[0].rtx.ssrc, params.encodings[0].ssrc + 1);
    const recv = await createTransport(b.peer, 'recv');
    const profiles: unknown[] = [];
    consumer.on('effectiveprofilechange', (p) => profiles.push(p));
    const response = await b.peer.receiveRequest({ method: 'enableConsumer', target: 'peer', id: consumer.id, transportId: recv.id, paused: true, preferredProfile: 'high' });
    // Remotely paused: nothing flows yet, so no profile is effective.
    assert.deepEqual(response, { paused: false, preferredProfile: 'high', effectiveProfile: 'none' });
    assert.equal(consumer.enabled, true);
    assert.equal(consumer.transport, recv);
    assert.equal(consumer.remotelyPaused, true);
    assert.equal(consumer.paused, true);
    assert.equal(consumer.effectiveProfile, 'none');
    b.peer.receiveNotification({ method: 'resumeConsumer', target: 'peer', notification: true, id: consumer.id });
    assert.equal(consumer.effectiveProfile, 'default');
    assert.deepEqual(profiles, ['none', 'default']);
    const [stat] = await consumer.getStats();
    assert.equal(stat!.ssrc, params.encodings[0].ssrc, 'the core consumer sends with the announced SSRC');
    await consumer.requestKeyFrame();
    await assert.rejects(b.peer.receiveRequest({ method: 'enableConsumer', target: 'peer', id: consumer.id, transportId: recv.id }), errors.InvalidStateError);
    // Its transport closes: disabled, not closed; the client may enable it again.
    recv.close();
    assert.equal(consumer.enabled, false);
    assert.equal(consumer.closed, false);
    assert.deepEqual(profiles, ['none', 'default', null]);
  });

  test('consumer pause/resume: originator, appData, consumerPaused/consumerResumed to its client', async () => {
    const { b, consumer, producer } = await setUp();
    const events: unknown[] = [];
    consumer.on('pause', (...args) => events.push(['pause', ...args]));
    consumer.on('resume', (...args) => events.push(['resume', ...args]));
    consumer.pause('lp');
    assert.equal(consumer.locallyPaused, true);
    assert.deepEqual(b.notes.at(-1), { method: 'consumerPaused', target: 'peer', notification: true, id: consumer.id, peerName: 'a', appData: 'lp' });
    // The source pausing too changes nothing for the client: it is already paused.
    const count = b.notes.length;
    producer.pause();
    producer.resume();
    assert.equal(b.notes.length, count);
    consumer.resume('lr');
    assert.deepEqual(b.notes.at(-1), { method: 'consumerResumed', target: 'peer', notification: true, id: consumer.id, peerName: 'a', appData: 'lr' });
    b.peer.receiveNotification({ method: 'pauseConsumer', target: 'peer', notification: true, id: consumer.id, appData: 'rp' });
    assert.equal(consumer.remotelyPaused, true);
    b.peer.receiveNotification({ method: 'resumeConsumer', target: 'peer', notification: true, id: consumer.id });
    assert.deepEqual(events, [['pause', 'local', 'lp'], ['resume', 'local', 'lr'], ['pause', 'remote', 'rp'], ['resume', 'remote', undefined]]);
    consumer.setPreferredProfile('medium');
    assert.equal(consumer.preferredProfile, 'medium');
    assert.deepEqual(b.notes.at(-1), { method: 'consumerPreferredProfileSet', target: 'peer', notification: true, id: consumer.id, peerName: 'a', profile: 'medium' });
    b.peer.receiveNotification({ method: 'setConsumerPreferredProfile', target: 'peer', notification: true, id: consumer.id, profile: 'low' });
    assert.equal(consumer.preferredProfile, 'low');
  });

  test("consumer close(appData): 'close' ('local'), consumerClosed; calls on it are InvalidStateError", async () => {
    const { b, consumer } = await setUp();
    const events: unknown[] = [];
    consumer.on('close', (...args) => events.push(args));
    consumer.close('c');
    assert.deepEqual(events, [['local', 'c']]);
    assert.deepEqual(b.notes.at(-1), { method: 'consumerClosed', target: 'peer', notification: true, id: consumer.id, peerName: 'a', appData: 'c' });
    assert.deepEqual(b.peer.consumers, []);
    assert.throws(() => consumer.pause(), errors.InvalidStateError);
    assert.throws(() => consumer.resume(), errors.InvalidStateError);
    assert.throws(() => consumer.setPreferredProfile('low'), errors.InvalidStateError);
    await assert.rejects(consumer.requestKeyFrame(), errors.InvalidStateError);
    await assert.rejects(consumer.getStats(), errors.InvalidStateError);
  });
});
