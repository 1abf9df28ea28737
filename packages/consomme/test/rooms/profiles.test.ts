/**
 * seed 002 profiles: producer.preferredProfile/setPreferredProfile,
 * consumer.preferredProfile/effectiveProfile/setPreferredProfile, the
 * 'effectiveprofilechange' event, and the mediasoup-client 2.x messages that
 * carry them (setConsumerPreferredProfile, enableConsumer's preferredProfile,
 * consumerPreferredProfileSet, consumerEffectiveProfileChanged). Real
 * workers; the media side of simulcast is e2e/browser/rooms-profiles.test.ts.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { errors, type rooms } from 'consomme';
import { SEED_CODECS, clientRtpParameters, createProducer, createTransport, join, loopbackServer, newId, rejection, type TestPeer } from './helpers.js';

const server = loopbackServer();
after(() => server.close());

/** A VP8 producer as 2.x sends one with simulcast: three SSRCs (RTX each), labelled low, medium, high. */
async function createSimulcastProducer(peer: rooms.Peer, transport: rooms.WebRtcTransport): Promise<rooms.Producer> {
  const id = newId();
  const ssrc = 200000 + id * 8;
  const rtpParameters = clientRtpParameters('video', ssrc);
  rtpParameters['encodings'] = (['low', 'medium', 'high'] as const).map((profile, i) => ({ ssrc: ssrc + i, rtx: { ssrc: ssrc + 3 + i }, profile }));
  await peer.receiveRequest({ method: 'createProducer', target: 'peer', id, kind: 'video', transportId: transport.id, rtpParameters, paused: false });
  return peer.getProducerById(id)!;
}

interface SetUp {
  room: rooms.Room;
  a: TestPeer;
  b: TestPeer;
  producer: rooms.Producer;
  consumer: rooms.Consumer;
}

async function setUp(simulcast = false): Promise<SetUp> {
  const room = server.Room(SEED_CODECS);
  const a = await join(room, 'a');
  const b = await join(room, 'b');
  const send = await createTransport(a.peer, 'send');
  const producer = simulcast ? await createSimulcastProducer(a.peer, send) : await createProducer(a.peer, send, 'video', { source: 'webcam' });
  const consumer = b.peer.consumers.find((c) => c.source === producer)!;
  return { room, a, b, producer, consumer };
}

async function enable(b: TestPeer, consumer: rooms.Consumer, extra: Record<string, unknown> = {}): Promise<any> {
  const recv = await createTransport(b.peer, 'recv');
  return b.peer.receiveRequest({ method: 'enableConsumer', target: 'peer', id: consumer.id, transportId: recv.id, ...extra });
}

const ofMethod = (peer: TestPeer, method: string): Record<string, any>[] => peer.notes.filter((n) => n['method'] === method);

const BAD_PROFILES: unknown[] = [undefined, null, '', 'ultra', 'LOW', 'none', 'auto', 1, {}, ['low']];

describe('seed-002 profiles', { timeout: 30_000 }, () => {
  test("defaults: 'default' preferred, no effective profile until enabled, in newConsumer and in join", async () => {
    const { room, b, producer, consumer } = await setUp();
    assert.equal(producer.preferredProfile, 'default');
    assert.equal(consumer.preferredProfile, 'default');
    assert.equal(consumer.effectiveProfile, null);
    const announced = ofMethod(b, 'newConsumer').find((n) => n['id'] === consumer.id)!;
    assert.equal(announced['preferredProfile'], 'default');
    assert.equal(announced['effectiveProfile'], null);
    // A peer joining later gets the same in its join response.
    const c = await join(room, 'c');
    const described = c.response.peers.find((p: any) => p.name === 'a').consumers[0];
    assert.equal(described.preferredProfile, 'default');
    assert.equal(described.effectiveProfile, null);
  });

  test('setPreferredProfile: bad values are TypeError and change nothing; closed objects are InvalidStateError', async () => {
    const { b, producer, consumer } = await setUp();
    const count = b.notes.length;
    for (const bad of BAD_PROFILES) {
      assert.throws(() => consumer.setPreferredProfile(bad as 'low'), TypeError, `consumer ${JSON.stringify(bad)}`);
      assert.throws(() => producer.setPreferredProfile(bad as 'low'), TypeError, `producer ${JSON.stringify(bad)}`);
    }
    assert.equal(consumer.preferredProfile, 'default');
    assert.equal(producer.preferredProfile, 'default');
    assert.equal(b.notes.length, count, 'nothing told to the client');
    consumer.close();
    assert.throws(() => consumer.setPreferredProfile('low'), errors.InvalidStateError);
    assert.throws(() => consumer.setPreferredProfile('ultra' as 'low'), errors.InvalidStateError);
    producer.close();
    assert.throws(() => producer.setPreferredProfile('high'), errors.InvalidStateError);
  });

  test('consumer.preferredProfile reflects each call; its client hears consumerPreferredProfileSet once per change', async () => {
    const { b, consumer } = await setUp();
    for (const profile of ['low', 'medium', 'high', 'default'] as const) {
      consumer.setPreferredProfile(profile);
      assert.equal(consumer.preferredProfile, profile);
      assert.deepEqual(b.notes.at(-1), { method: 'consumerPreferredProfileSet', target: 'peer', notification: true, id: consumer.id, peerName: 'a', profile });
    }
    const count = b.notes.length;
    consumer.setPreferredProfile('default');
    assert.equal(b.notes.length, count, 'the same profile again is not announced');
    assert.equal(ofMethod(b, 'consumerPreferredProfileSet').length, 4);
  });

  test("producer.setPreferredProfile: reflected by the producer, not by its consumers' own preference", async () => {
    const { b, producer, consumer } = await setUp();
    const count = b.notes.length;
    producer.setPreferredProfile('low');
    assert.equal(producer.preferredProfile, 'low');
    assert.equal(consumer.preferredProfile, 'default', "the consumer's own preference stays unset");
    assert.equal(b.notes.length, count);
    producer.setPreferredProfile('high');
    assert.equal(producer.preferredProfile, 'high');
  });

  test('setConsumerPreferredProfile (notification) and enableConsumer preferredProfile (request) from the 2.x client', async () => {
    const { b, consumer } = await setUp();
    const notify = (extra: Record<string, unknown>): void => b.peer.receiveNotification({ method: 'setConsumerPreferredProfile', target: 'peer', notification: true, ...extra });
    const notified: unknown[] = [];
    b.peer.on('notify', (n) => notified.push(n));
    notify({ id: consumer.id, profile: 'medium' });
    assert.equal(consumer.preferredProfile, 'medium');
    assert.deepEqual(notified, [], 'the client is not told what it said itself');
    for (const bad of BAD_PROFILES) assert.throws(() => notify({ id: consumer.id, profile: bad }), TypeError);
    assert.throws(() => notify({ id: 'x', profile: 'low' }), TypeError);
    assert.equal(consumer.preferredProfile, 'medium');
    notify({ id: 987654, profile: 'low' }); // a consumer already gone: ignored
    // enableConsumer: a bad preferredProfile is refused before anything is enabled.
    const recv = await createTransport(b.peer, 'recv');
    const error = await rejection(b.peer.receiveRequest({ method: 'enableConsumer', target: 'peer', id: consumer.id, transportId: recv.id, preferredProfile: 'ultra' }));
    assert.ok(error instanceof TypeError);
    assert.equal(consumer.enabled, false);
    const response = await b.peer.receiveRequest({ method: 'enableConsumer', target: 'peer', id: consumer.id, transportId: recv.id, preferredProfile: 'low' });
    assert.deepEqual(response, { paused: false, preferredProfile: 'low', effectiveProfile: 'default' });
    assert.equal(consumer.preferredProfile, 'low');
  });

  test("without simulcast: 'default' while media may flow, 'none' while paused, null once disabled; events and consumerEffectiveProfileChanged", async () => {
    const { b, producer, consumer } = await setUp();
    const events: unknown[] = [];
    consumer.on('effectiveprofilechange', (p) => events.push(p));
    const response = await enable(b, consumer);
    assert.equal(response.effectiveProfile, 'default');
    assert.equal(consumer.effectiveProfile, 'default');
    assert.deepEqual(ofMethod(b, 'consumerEffectiveProfileChanged'), [], 'the enableConsumer response carries the first one');
    const told = (): unknown[] => ofMethod(b, 'consumerEffectiveProfileChanged').map((n) => n['profile']);
    consumer.pause();
    assert.equal(consumer.effectiveProfile, 'none');
    assert.deepEqual(b.notes.at(-1), { method: 'consumerEffectiveProfileChanged', target: 'peer', notification: true, id: consumer.id, peerName: 'a', profile: 'none' });
    consumer.resume();
    assert.equal(consumer.effectiveProfile, 'default');
    producer.pause();
    assert.equal(consumer.effectiveProfile, 'none');
    producer.resume();
    b.peer.receiveNotification({ method: 'pauseConsumer', target: 'peer', notification: true, id: consumer.id });
    assert.equal(consumer.effectiveProfile, 'none');
    b.peer.receiveNotification({ method: 'resumeConsumer', target: 'peer', notification: true, id: consumer.id });
    // A preference changes nothing for a stream with one profile.
    consumer.setPreferredProfile('low');
    assert.equal(consumer.effectiveProfile, 'default');
    assert.deepEqual(told(), ['none', 'default', 'none', 'default', 'none', 'default']);
    consumer.transport!.close();
    assert.equal(consumer.effectiveProfile, null);
    assert.deepEqual(events, ['default', 'none', 'default', 'none', 'default', 'none', 'default', null]);
    assert.equal(told().length, 6, 'a disabled consumer is not announced');
  });

  test("simulcast producer: its consumer's effectiveProfile is 'none' until a layer is forwarded; audio is 'default'", async () => {
    const { a, b, producer, consumer } = await setUp(true);
    assert.deepEqual((producer.rtpParameters['encodings'] as any[]).map((e) => e.profile), ['low', 'medium', 'high']);
    assert.equal((consumer.rtpParameters as any).encodings.length, 1, 'the client receives one stream');
    consumer.setPreferredProfile('medium');
    const response = await enable(b, consumer);
    assert.deepEqual(response, { paused: false, preferredProfile: 'medium', effectiveProfile: 'none' });
    assert.equal(consumer.effectiveProfile, 'none');
    // Preferences on a live simulcast consumer reach the core without error.
    consumer.setPreferredProfile('low');
    producer.setPreferredProfile('high');
    consumer.setPreferredProfile('default');
    const [stat] = await consumer.getStats();
    assert.equal(stat!.ssrc, (consumer.rtpParameters as any).encodings[0].ssrc);
    const send = a.peer.transports[0]!;
    const audio = await createProducer(a.peer, send, 'audio');
    const audioConsumer = b.peer.consumers.find((c) => c.source === audio)!;
    assert.equal((await enable(b, audioConsumer)).effectiveProfile, 'default');
  });
});
