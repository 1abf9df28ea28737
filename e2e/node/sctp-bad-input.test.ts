/**
 * Bad input on a live SCTP association: a raw peer (our own ICE/DTLS/SCTP, see
 * e2e/lib/raw-peer.ts) sends malformed SCTP packets inside DTLS, oversized
 * messages, DCEP OPENs on taken and free streams, and messages on streams with
 * no DataProducer (never opened, or closed). After each, the association and the worker are still up
 * and messages still flow both ways:
 *   raw peer → DataProducer (stream 1) → DirectTransport DataConsumer
 *   DirectTransport DataProducer → SCTP DataConsumer → raw peer
 * Loopback only; everything is closed at the end.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import * as mediasoup from 'consomme';
import type { types } from 'consomme';
import { writeSctpChecksum } from '../../packages/consomme/src/wire/sctp/crc32c.js';
import { PPID } from '../../packages/consomme/src/wire/sctp/ppid.js';
import { parseDcepMessage, serializeDcepOpen } from '../../packages/consomme/src/wire/dcep/index.js';
import { RawPeer } from '../lib/raw-peer.js';

const MAX_MESSAGE_SIZE = 4096;
const PRODUCER_STREAM = 1;
const FREE_STREAM = 4;
const UNKNOWN_STREAM = 6;
const CLOSED_STREAM = 8;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, check: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** One SCTP packet: common header with our ports and `tag`, the chunks, then the CRC-32C (unless told not to). */
function sctpPacket(tag: number, chunks: Buffer[], checksum = true): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(5000, 0);
  header.writeUInt16BE(5000, 2);
  header.writeUInt32BE(tag >>> 0, 4);
  const packet = Buffer.concat([header, ...chunks]);
  if (checksum) writeSctpChecksum(packet);
  return packet;
}

/** RFC 9260 §3.3.1 DATA chunk (flags B|E = one whole message), padded to 4 bytes. */
function dataChunk(tsn: number, streamId: number, ppid: number, payload: Buffer, lengthField?: number): Buffer {
  const length = 16 + payload.length;
  const chunk = Buffer.alloc((length + 3) & ~3);
  chunk[0] = 0; // DATA
  chunk[1] = 0x03; // B | E
  chunk.writeUInt16BE(lengthField ?? length, 2);
  chunk.writeUInt32BE(tsn >>> 0, 4);
  chunk.writeUInt16BE(streamId, 8);
  chunk.writeUInt16BE(0, 10); // SSN
  chunk.writeUInt32BE(ppid, 12);
  payload.copy(chunk, 16);
  return chunk;
}

describe('SCTP bad input on a live WebRtcTransport', () => {
  let worker: types.Worker;
  let router: types.Router;
  let transport: types.WebRtcTransport;
  let direct: types.DirectTransport;
  let peer: RawPeer;
  let dataProducer: types.DataProducer;
  let directConsumer: types.DataConsumer;
  let directProducer: types.DataProducer;
  let sctpConsumer: types.DataConsumer;
  let consumerStream = -1;
  const atDirect: string[] = [];
  const atPeer: { streamId: number; ppid: number; data: Buffer }[] = [];
  let workerDied = false;

  before(async () => {
    worker = await mediasoup.createWorker({ logLevel: 'warn', rtcMinPort: 40000, rtcMaxPort: 49999 });
    worker.on('died', () => (workerDied = true));
    router = await worker.createRouter({ mediaCodecs: [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 }] });
    transport = await router.createWebRtcTransport({
      listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }],
      enableSctp: true,
      numSctpStreams: { OS: 1024, MIS: 1024 },
      maxSctpMessageSize: MAX_MESSAGE_SIZE,
    });
    peer = await RawPeer.create();
    peer.onMessage((streamId, ppid, data) => atPeer.push({ streamId, ppid, data: Buffer.from(data) }));
    await transport.connect({ dtlsParameters: peer.dtlsParameters });
    await peer.connect(transport);
    await waitFor('sctpState connected', () => transport.sctpState === 'connected');

    dataProducer = await transport.produceData({ sctpStreamParameters: { streamId: PRODUCER_STREAM, ordered: true }, label: 'from-peer' });
    direct = await router.createDirectTransport({ maxMessageSize: MAX_MESSAGE_SIZE });
    directConsumer = await direct.consumeData({ dataProducerId: dataProducer.id });
    directConsumer.on('message', (data: Buffer) => atDirect.push(data.toString()));
    directProducer = await direct.produceData({ label: 'to-peer' });
    sctpConsumer = await transport.consumeData({ dataProducerId: directProducer.id });
    consumerStream = sctpConsumer.sctpStreamParameters?.streamId ?? -1;
    assert.notEqual(consumerStream, -1);
    assert.notEqual(consumerStream, FREE_STREAM);
    assert.notEqual(consumerStream, UNKNOWN_STREAM);
    assert.notEqual(consumerStream, CLOSED_STREAM);
  });

  after(() => {
    peer?.close();
    worker?.close();
  });

  /** Both directions still deliver, the association is connected, the worker alive. */
  async function assertAlive(tag: string): Promise<void> {
    const up = `up-${tag}-${randomBytes(4).toString('hex')}`;
    assert.equal(peer.sendSctpMessage(PRODUCER_STREAM, PPID.string, Buffer.from(up)), 'ok');
    await waitFor(`${up} at the DirectTransport consumer`, () => atDirect.includes(up));
    const down = `down-${tag}-${randomBytes(4).toString('hex')}`;
    directProducer.send(down);
    await waitFor(`${down} at the raw peer`, () => atPeer.some((m) => m.streamId === consumerStream && m.data.toString() === down));
    assert.equal(transport.sctpState, 'connected');
    assert.equal(peer.sctpState, 'connected');
    assert.equal(workerDied, false);
    assert.equal(worker.closed, false);
  }

  async function dropped(): Promise<Record<string, number>> {
    const stats = (await transport.getStats()) as unknown as { dropped?: Record<string, number> }[];
    return stats[0]?.dropped ?? {};
  }

  test('messages flow both ways before any bad input', async () => {
    await assertAlive('baseline');
  });

  test('random bytes as SCTP packets', async () => {
    for (const length of [1, 4, 11, 12, 13, 16, 17, 64, 300, 1200]) {
      for (let i = 0; i < 5; i++) peer.sendRawSctp(randomBytes(length));
    }
    await assertAlive('random');
  });

  test('bad CRC-32C, truncated chunks, chunk length overruns, zero lengths, unknown chunks', async () => {
    const tag = peer.remoteVerificationTag;
    assert.notEqual(tag, 0);
    const poison = Buffer.from('must-not-arrive');
    // A DATA chunk far ahead of the cumulative TSN; only its framing is wrong, never its TSN window.
    const good = dataChunk(0x7fff0000, PRODUCER_STREAM, PPID.string, poison);
    const badCrc = sctpPacket(tag, [good], false);
    badCrc.writeUInt32LE(0xdeadbeef, 8);
    const cases: Buffer[] = [
      badCrc,
      sctpPacket(tag, [good.subarray(0, 10)]), // truncated chunk (length says 31, 10 bytes present)
      sctpPacket(tag, [good.subarray(0, 3)]), // shorter than a chunk header
      sctpPacket(tag, [dataChunk(1, PRODUCER_STREAM, PPID.string, poison, 0xffff)]), // length overruns the packet
      sctpPacket(tag, [dataChunk(1, PRODUCER_STREAM, PPID.string, poison, 0)]), // length 0 (would loop forever)
      sctpPacket(tag, [dataChunk(1, PRODUCER_STREAM, PPID.string, poison, 16)]), // DATA without user data
      sctpPacket(tag, [Buffer.from([0x3f, 0, 0, 8, 1, 2, 3, 4])]), // unknown chunk type, "stop and discard"
      sctpPacket(tag, [Buffer.from([0xbf, 0, 0, 8, 1, 2, 3, 4])]), // unknown chunk type, "skip"
      sctpPacket(tag, [Buffer.from([3, 0, 0, 16, 0, 0, 0, 0, 0, 1, 0, 0, 0xff, 0xff, 0, 0])]), // SACK: counts overrun
      sctpPacket(0, [Buffer.from([1, 0, 0, 20, 1, 2, 3, 4, 0, 1, 0, 0, 0, 10, 0, 10, 0, 0, 0, 1])]), // INIT mid-association
      sctpPacket(0x12345678, [dataChunk(1, PRODUCER_STREAM, PPID.string, poison)]), // wrong verification tag
    ];
    for (const packet of cases) peer.sendRawSctp(packet);
    // Raw datagrams that look like DTLS records of every content type, with nonsense inside.
    for (const first of [20, 21, 22, 23, 63]) {
      const d = randomBytes(60);
      d[0] = first;
      await peer.sendRawDtls(d);
    }
    await assertAlive('malformed');
    assert.ok(!atDirect.includes(poison.toString()), 'a malformed packet delivered its message');
    // Each was counted by the SCTP layer and shows in the transport's drop counters.
    const [stats] = await transport.getStats();
    const dropped = stats!.dropped;
    for (const reason of ['sctp-bad-checksum', 'sctp-bad-chunk-length']) {
      assert.ok((dropped[reason] ?? 0) > 0, `${reason} counted: ${JSON.stringify(dropped)}`);
    }
  });

  test('messages above maxSctpMessageSize', async () => {
    const big = Buffer.alloc(MAX_MESSAGE_SIZE + 1, 0x61);
    const tooLarge0 = (await dropped())['sctp-message-too-large'] ?? 0;
    const received0 = atDirect.length;
    // From the raw peer (its own limit is 256 KiB): the SFU must refuse it, never truncate it.
    assert.equal(peer.sendSctpMessage(PRODUCER_STREAM, PPID.binary, big), 'ok');
    await assertAlive('oversize-in');
    assert.ok(!atDirect.some((m) => m.length > MAX_MESSAGE_SIZE), 'oversized message forwarded');
    // Refused on purpose and counted, not lost: exactly one drop, and only assertAlive's message went through.
    assert.equal((await dropped())['sctp-message-too-large'] ?? 0, tooLarge0 + 1);
    assert.equal(atDirect.length, received0 + 1);
    // One byte under the limit still passes whole.
    const largest = Buffer.alloc(MAX_MESSAGE_SIZE, 0x62);
    assert.equal(peer.sendSctpMessage(PRODUCER_STREAM, PPID.binary, largest), 'ok');
    await waitFor('the largest allowed message at the DirectTransport', () => atDirect.some((m) => m.length === MAX_MESSAGE_SIZE));
    assert.equal((await dropped())['sctp-message-too-large'] ?? 0, tooLarge0 + 1);
    // From Node: a DirectTransport DataProducer throws TypeError synchronously.
    assert.throws(() => directProducer.send(big), TypeError);
    // And an SCTP DataConsumer's send() rejects.
    await assert.rejects(sctpConsumer.send(big));
    await assertAlive('oversize-out');
  });

  test('DCEP DATA_CHANNEL_OPEN on the DataProducer stream: no ACK, counted', async () => {
    const before = (await dropped())['dcep-open-stream-in-use'] ?? 0;
    const open = serializeDcepOpen({ channelType: 'reliable', priority: 256, reliabilityParameter: 0, label: 'taken', protocol: '' })!;
    assert.equal(peer.sendSctpMessage(PRODUCER_STREAM, PPID.dcep, open), 'ok');
    let count = before;
    const end = Date.now() + 3000;
    while (count === before && Date.now() < end) {
      await sleep(50);
      count = (await dropped())['dcep-open-stream-in-use'] ?? 0;
    }
    assert.equal(count, before + 1);
    await assertAlive('dcep-taken');
    assert.ok(!atPeer.some((m) => m.streamId === PRODUCER_STREAM && m.ppid === PPID.dcep), 'ACK sent for a taken stream');
  });

  test('DCEP DATA_CHANNEL_OPEN on a free stream: DATA_CHANNEL_ACK back', async () => {
    const open = serializeDcepOpen({ channelType: 'reliable', priority: 256, reliabilityParameter: 0, label: 'free', protocol: 'x' })!;
    assert.equal(peer.sendSctpMessage(FREE_STREAM, PPID.dcep, open), 'ok');
    await waitFor('DATA_CHANNEL_ACK', () => atPeer.some((m) => m.streamId === FREE_STREAM && m.ppid === PPID.dcep));
    const ack = atPeer.find((m) => m.streamId === FREE_STREAM && m.ppid === PPID.dcep)!;
    assert.equal(parseDcepMessage(ack.data)?.type, 'ack');
    await assertAlive('dcep-free');
    // Later data consumers skip the stream the endpoint took in-band, instead of failing.
    const extra: types.DataConsumer[] = [];
    for (let i = 0; i < FREE_STREAM + 2; i++) extra.push(await transport.consumeData({ dataProducerId: directProducer.id }));
    const ids = extra.map((c) => c.sctpStreamParameters!.streamId);
    assert.ok(!ids.includes(FREE_STREAM), `stream ${FREE_STREAM} was not handed out: ${ids.join(',')}`);
    for (const c of extra) c.close();
  });

  test("a data consumer's bufferedamountlow fires once its messages are acknowledged", async () => {
    await sctpConsumer.setBufferedAmountLowThreshold(0);
    const low = new Promise<number>((resolve) => sctpConsumer.once('bufferedamountlow', resolve));
    await sctpConsumer.send('x'.repeat(1000));
    assert.equal(await low, 0);
  });

  test('a message on a stream with no DataProducer is counted', async () => {
    const before = (await dropped())['sctp-message-unknown-stream'] ?? 0;
    assert.equal(peer.sendSctpMessage(UNKNOWN_STREAM, PPID.string, Buffer.from('nobody')), 'ok');
    let count = before;
    const end = Date.now() + 3000;
    while (count === before && Date.now() < end) {
      await sleep(50);
      count = (await dropped())['sctp-message-unknown-stream'] ?? 0;
    }
    assert.equal(count, before + 1);
    await assertAlive('unknown-stream');
  });

  test("a message on the stream of a closed DataProducer is dropped and counted; other streams go on", async () => {
    const streamId = CLOSED_STREAM;
    const closing = await transport.produceData({ sctpStreamParameters: { streamId, ordered: true }, label: 'to-close' });
    const consumer = await direct.consumeData({ dataProducerId: closing.id });
    const got: string[] = [];
    consumer.on('message', (data: Buffer) => got.push(data.toString()));
    assert.equal(peer.sendSctpMessage(streamId, PPID.string, Buffer.from('while-open')), 'ok');
    await waitFor('a message while the DataProducer is open', () => got.includes('while-open'));

    const consumerClosed = new Promise<void>((resolve) => consumer.once('dataproducerclose', () => resolve()));
    closing.close();
    await consumerClosed;
    const before = (await dropped())['sctp-message-unknown-stream'] ?? 0;
    // Sent at once, while the stream's reset (RFC 6525, from the close) may still be under way:
    // it must reach the SFU and be counted, not stall in the stream (association.reset.test.ts).
    assert.equal(peer.sendSctpMessage(streamId, PPID.string, Buffer.from('after-close')), 'ok');
    let count = before;
    const end = Date.now() + 3000;
    while (count === before && Date.now() < end) {
      await sleep(50);
      count = (await dropped())['sctp-message-unknown-stream'] ?? 0;
    }
    assert.equal(count, before + 1);
    assert.ok(!got.includes('after-close'), 'delivered after its DataProducer closed');
    // The association, the worker and the other streams are untouched (assertAlive uses stream 1 and the consumer's stream).
    await assertAlive('closed-stream');
    // And the stream can be used again by a new DataProducer.
    const reopened = await transport.produceData({ sctpStreamParameters: { streamId, ordered: true }, label: 'reopened' });
    const again: string[] = [];
    (await direct.consumeData({ dataProducerId: reopened.id })).on('message', (data: Buffer) => again.push(data.toString()));
    assert.equal(peer.sendSctpMessage(streamId, PPID.string, Buffer.from('reopened')), 'ok');
    await waitFor('a message on the reused stream', () => again.includes('reopened'));
    assert.ok(!again.includes('after-close'));
    reopened.close();
  });

  test('after everything: consent still answered, stats readable', async () => {
    const responses = peer.stunResponses;
    await waitFor('a consent answer', () => peer.stunResponses > responses, 2500);
    await assertAlive('final');
    const stats = await dataProducer.getStats();
    assert.ok(Array.isArray(stats));
  });
});
