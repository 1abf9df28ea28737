/**
 * WebRtcTransport options and events that need a live endpoint: SCTP
 * parameters, sctpSendBufferSize, initialAvailableOutgoingBitrate, and the
 * iceselectedtuplechange / sctpstatechange events. The endpoint is the raw
 * peer (our own ICE/DTLS/SCTP in Node, e2e/lib/raw-peer.ts) on 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import * as mediasoup from 'consomme';
import type { types } from 'consomme';
import { writeSctpChecksum } from '../../packages/consomme/src/wire/sctp/crc32c.js';
import { PPID } from '../../packages/consomme/src/wire/sctp/ppid.js';
import { RawPeer } from '../lib/raw-peer.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** An SCTP packet with one ABORT chunk (type 6, no error causes), ports 5000, the CRC-32C filled in. */
function abortPacket(verificationTag: number): Buffer {
  const packet = Buffer.alloc(16);
  packet.writeUInt16BE(5000, 0);
  packet.writeUInt16BE(5000, 2);
  packet.writeUInt32BE(verificationTag >>> 0, 4);
  packet[12] = 6;
  packet.writeUInt16BE(4, 14);
  writeSctpChecksum(packet);
  return packet;
}

const LISTEN: types.TransportListenInfo[] = [{ protocol: 'udp', ip: '127.0.0.1' }];

describe('WebRtcTransport options and events with a live endpoint', { timeout: 60_000 }, () => {
  let worker: types.Worker;
  let router: types.Router;
  const peers: RawPeer[] = [];

  before(async () => {
    worker = await mediasoup.createWorker({ logLevel: 'warn', rtcMinPort: 40000, rtcMaxPort: 49999 });
    router = await worker.createRouter({ mediaCodecs: [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 }] });
  });

  after(() => {
    for (const peer of peers) peer.close();
    worker?.close();
  });

  async function connectPeer(transport: types.WebRtcTransport): Promise<RawPeer> {
    const peer = await RawPeer.create();
    peers.push(peer);
    await transport.connect({ dtlsParameters: peer.dtlsParameters });
    await peer.connect(transport);
    await waitFor('sctpState connected', () => transport.sctpState === 'connected');
    return peer;
  }

  test('sctpParameters: port 5000, OS/MIS from numSctpStreams, maxMessageSize from maxSctpMessageSize; none without SCTP', async () => {
    const custom = await router.createWebRtcTransport({ listenInfos: LISTEN, enableSctp: true, numSctpStreams: { OS: 300, MIS: 200 }, maxSctpMessageSize: 100_000 });
    assert.deepEqual(custom.sctpParameters, { port: 5000, OS: 300, MIS: 200, maxMessageSize: 100_000 });
    assert.equal(custom.sctpState, 'new');
    const defaults = await router.createWebRtcTransport({ listenInfos: LISTEN, enableSctp: true });
    assert.deepEqual(defaults.sctpParameters, { port: 5000, OS: 1024, MIS: 1024, maxMessageSize: 262144 });
    const none = await router.createWebRtcTransport({ listenInfos: LISTEN });
    assert.equal(none.sctpParameters, undefined);
    assert.equal(none.sctpState, undefined);
    for (const bad of [{ OS: 0, MIS: 10 }, { OS: 10, MIS: 65536 }, { OS: 1.5, MIS: 10 }]) {
      await assert.rejects(router.createWebRtcTransport({ listenInfos: LISTEN, enableSctp: true, numSctpStreams: bad }), TypeError);
    }
    await assert.rejects(router.createWebRtcTransport({ listenInfos: LISTEN, enableSctp: true, maxSctpMessageSize: 0 }), TypeError);
    // The parameters are the ones the association runs with: a message of maxMessageSize + 1 is refused.
    const peer = await connectPeer(custom);
    const dataProducer = await custom.produceData({ sctpStreamParameters: { streamId: 2, ordered: true } });
    const direct = await router.createDirectTransport();
    const sizes: number[] = [];
    (await direct.consumeData({ dataProducerId: dataProducer.id })).on('message', (data: Buffer) => sizes.push(data.length));
    assert.equal(peer.sendSctpMessage(2, PPID.binary, Buffer.alloc(100_001)), 'ok');
    assert.equal(peer.sendSctpMessage(2, PPID.binary, Buffer.alloc(100_000)), 'ok');
    await waitFor('the largest allowed message', () => sizes.length > 0);
    assert.deepEqual(sizes, [100_000]);
    for (const t of [custom, defaults, none]) t.close();
  });

  test('dump() lists the transport ICE, DTLS and SCTP state, its producers, consumers and data endpoints (mediasoup TransportDump fields)', async () => {
    const transport = await router.createWebRtcTransport({ listenInfos: LISTEN, enableSctp: true, numSctpStreams: { OS: 64, MIS: 64 } });
    type Dump = {
      id: string;
      direct: boolean;
      iceRole: string;
      iceParameters: { usernameFragment: string; iceLite: boolean };
      iceState: string;
      iceSelectedTuple?: { remoteIp: string; protocol: string };
      iceCandidates: unknown[];
      dtlsParameters: { role: string; fingerprints: unknown[] };
      dtlsState: string;
      sctpParameters: types.SctpParameters;
      sctpState: string;
      producerIds: string[];
      consumerIds: string[];
      dataProducerIds: string[];
      dataConsumerIds: string[];
      traceEventTypes: string[];
    };
    const fresh = (await transport.dump()) as Dump;
    assert.equal(fresh.id, transport.id);
    assert.equal(fresh.direct, false);
    assert.equal(fresh.iceRole, 'controlled');
    assert.deepEqual(fresh.iceParameters, transport.iceParameters);
    assert.equal(fresh.iceState, 'new');
    assert.equal(fresh.iceSelectedTuple, undefined);
    assert.equal(fresh.iceCandidates.length, transport.iceCandidates.length);
    assert.equal(fresh.dtlsState, 'new');
    assert.deepEqual(fresh.sctpParameters, { port: 5000, OS: 64, MIS: 64, maxMessageSize: 262144 });
    assert.equal(fresh.sctpState, 'new');
    assert.deepEqual([fresh.producerIds, fresh.consumerIds, fresh.dataProducerIds, fresh.dataConsumerIds], [[], [], [], []]);

    await connectPeer(transport);
    const dataProducer = await transport.produceData({ sctpStreamParameters: { streamId: 3, ordered: true } });
    const direct = await router.createDirectTransport();
    const source = await direct.produceData();
    const dataConsumer = await transport.consumeData({ dataProducerId: source.id });
    await transport.enableTraceEvent(['bwe']);
    const live = (await transport.dump()) as Dump;
    assert.equal(live.iceState, 'completed');
    assert.equal(live.iceSelectedTuple?.remoteIp, '127.0.0.1');
    assert.equal(live.iceSelectedTuple?.protocol, 'udp');
    assert.equal(live.dtlsState, 'connected');
    assert.ok(['client', 'server'].includes(live.dtlsParameters.role));
    assert.equal(live.sctpState, 'connected');
    assert.deepEqual(live.dataProducerIds, [dataProducer.id]);
    assert.deepEqual(live.dataConsumerIds, [dataConsumer.id]);
    assert.deepEqual(live.traceEventTypes, ['bwe']);
    const directDump = (await direct.dump()) as Dump;
    assert.equal(directDump.direct, true);
    assert.deepEqual(directDump.dataProducerIds, [source.id]);
    transport.close();
    direct.close();
  });

  test('listenInfo sendBufferSize/recvBufferSize set the socket buffers (4 MiB / 1 MiB by default, within the kernel caps); bad sizes are TypeErrors', async () => {
    const caps = { rb: Number(readFileSync('/proc/sys/net/core/rmem_max', 'utf8')), tb: Number(readFileSync('/proc/sys/net/core/wmem_max', 'utf8')) };
    // `ss -m` shows the kernel's view of a socket's buffers (twice the granted size, as getsockopt does).
    const buffers = (port: number): { rb: number; tb: number } => {
      const out = execFileSync('ss', ['-uamnH', `sport = :${port}`], { encoding: 'utf8' });
      const m = /rb(\d+),t\d+,tb(\d+)/.exec(out);
      assert.ok(m, `ss output for port ${port}: ${out}`);
      return { rb: Number(m[1]), tb: Number(m[2]) };
    };
    const custom = await router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1', recvBufferSize: 1_000_000, sendBufferSize: 300_000 }] });
    assert.deepEqual(buffers(custom.iceCandidates[0]!.port), { rb: 2 * Math.min(1_000_000, caps.rb), tb: 2 * Math.min(300_000, caps.tb) });
    const defaults = await router.createWebRtcTransport({ listenInfos: LISTEN });
    assert.deepEqual(buffers(defaults.iceCandidates[0]!.port), { rb: 2 * Math.min(4 * 1024 * 1024, caps.rb), tb: 2 * Math.min(1024 * 1024, caps.tb) });
    const plain = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1', recvBufferSize: 500_000 } });
    assert.equal(buffers(plain.tuple.localPort).rb, 2 * Math.min(500_000, caps.rb));
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      await assert.rejects(router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1', recvBufferSize: bad }] }), TypeError);
      await assert.rejects(router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1', sendBufferSize: bad } }), TypeError);
      await assert.rejects(worker.createWebRtcServer({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1', recvBufferSize: bad }] }), TypeError);
    }
    for (const t of [custom, defaults, plain]) t.close();
  });

  test('iceselectedtuplechange and sctpstatechange are emitted (and on the observer) as the endpoint connects and goes away', async () => {
    const transport = await router.createWebRtcTransport({ listenInfos: LISTEN, enableSctp: true });
    const tuples: types.TransportTuple[] = [];
    const observedTuples: types.TransportTuple[] = [];
    const sctpStates: string[] = [];
    const observedSctpStates: string[] = [];
    transport.on('iceselectedtuplechange', (tuple) => tuples.push(tuple));
    transport.observer.on('iceselectedtuplechange', (tuple) => observedTuples.push(tuple));
    transport.on('sctpstatechange', (state) => sctpStates.push(state));
    transport.observer.on('sctpstatechange', (state) => observedSctpStates.push(state));
    const peer = await connectPeer(transport);

    assert.equal(tuples.length, 1, `one selected tuple: ${JSON.stringify(tuples)}`);
    const tuple = tuples[0]!;
    const udpPort = transport.iceCandidates.find((c) => c.protocol === 'udp')!.port;
    assert.equal(tuple.protocol, 'udp');
    assert.equal(tuple.localPort, udpPort);
    assert.equal(tuple.remoteIp, '127.0.0.1');
    assert.equal(tuple.remotePort, peer.localPort);
    assert.deepEqual(transport.iceSelectedTuple, tuple);
    assert.deepEqual(observedTuples, tuples);
    assert.deepEqual(sctpStates, ['connecting', 'connected']);

    // The endpoint aborts its association (RFC 9260 §3.3.7 ABORT, inside DTLS): the SFU's side leaves 'connected'.
    assert.ok(peer.sendRawSctp(abortPacket(peer.remoteVerificationTag)));
    await waitFor('sctpstatechange after the ABORT', () => sctpStates.length === 3);
    assert.ok(['failed', 'closed'].includes(sctpStates[2]!), `state after ABORT: ${sctpStates[2]}`);
    assert.equal(transport.sctpState, sctpStates[2]);
    assert.deepEqual(observedSctpStates, sctpStates);
    transport.close();
  });

  test('initialAvailableOutgoingBitrate is the available outgoing bitrate until feedback arrives', async () => {
    const transport = await router.createWebRtcTransport({ listenInfos: LISTEN, initialAvailableOutgoingBitrate: 1_234_000 });
    const stats = async (): Promise<types.WebRtcTransportStats> => (await transport.getStats())[0]!;
    assert.equal((await stats()).availableOutgoingBitrate, 1_234_000);
    const plain = await router.createWebRtcTransport({ listenInfos: LISTEN });
    assert.equal((await plain.getStats())[0]!.availableOutgoingBitrate, 600_000, 'the default');
    // With the congestion controller running (a max bitrate set) and still no feedback, it starts from the same value...
    await transport.setMaxOutgoingBitrate(3_000_000);
    assert.equal((await stats()).availableOutgoingBitrate, 1_234_000);
    // ...and is clamped by a lower maximum.
    await transport.setMaxOutgoingBitrate(800_000);
    assert.equal((await stats()).availableOutgoingBitrate, 800_000);
    transport.close();
    plain.close();
    for (const bad of [0, -1, Number.NaN, '600000']) {
      await assert.rejects(router.createWebRtcTransport({ listenInfos: LISTEN, initialAvailableOutgoingBitrate: bad as number }), TypeError);
    }
  });

  test('sctpSendBufferSize is validated and bounds the association send buffer', async () => {
    for (const bad of [0, -1, 1.5]) {
      await assert.rejects(router.createWebRtcTransport({ listenInfos: LISTEN, enableSctp: true, sctpSendBufferSize: bad }), TypeError);
    }
    /** A burst of 20 × 4 KiB to the endpoint through a reliable SCTP data consumer: did the buffer fill, and did all arrive in order? */
    const burst = async (sctpSendBufferSize: number | undefined): Promise<{ full: number; got: number[] }> => {
      const transport = await router.createWebRtcTransport({
        listenInfos: LISTEN,
        enableSctp: true,
        ...(sctpSendBufferSize !== undefined ? { sctpSendBufferSize } : {}),
      });
      const peer = await connectPeer(transport);
      const direct = await router.createDirectTransport();
      const source = await direct.produceData();
      const consumer = await transport.consumeData({ dataProducerId: source.id });
      let full = 0;
      consumer.on('sctpsendbufferfull', () => full++);
      const got: number[] = [];
      peer.onMessage((streamId, _ppid, data) => streamId === consumer.sctpStreamParameters!.streamId && got.push(data[0]!));
      // One synchronous burst: the worker reads these IPC messages together, before any SACK can come back.
      for (let i = 0; i < 20; i++) source.send(Buffer.alloc(4096, i));
      await waitFor('20 messages at the endpoint', () => got.length === 20, 10_000);
      transport.close();
      direct.close();
      return { full, got };
    };
    const small = await burst(8192);
    assert.ok(small.full >= 1, 'an 8 KiB send buffer fills with 80 KiB');
    assert.deepEqual(small.got, Array.from({ length: 20 }, (_, i) => i), 'a reliable consumer waits instead of dropping');
    const large = await burst(undefined);
    assert.equal(large.full, 0, 'the default 256 KiB buffer holds 80 KiB');
    assert.deepEqual(large.got, Array.from({ length: 20 }, (_, i) => i));
  });
});
