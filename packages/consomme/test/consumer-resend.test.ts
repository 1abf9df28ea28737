/**
 * NACKs answered through a real worker. A producer stream keeps each
 * forwarded packet once; a consumer keeps only where to find it and what it
 * changed (sequence number, timestamp, marker, VP8 picture ID and
 * TL0PICIDX), and rebuilds its own packet on a NACK. Checked here: the
 * resent packet carries the same header fields and payload bytes the
 * consumer sent the first time, for a plain consumer (resent as is) and an
 * RTX consumer (RFC 4588 wrapping), on a two-stream simulcast producer whose
 * picture IDs the consumer rewrites.
 */
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { after, test } from 'node:test';
import type * as mediasoup from 'consomme';
import { buildNack } from '../src/worker/rtcp-out.js';
import { WorkerPool, waitUntil } from './helpers.js';

const pool = new WorkerPool();
const sockets: Socket[] = [];
after(async () => {
  for (const s of sockets) s.close();
  await pool.closeAll();
});

const SSRCS = [5550, 5551];
const PT = 101;

/**
 * VP8 over RTP (RFC 7741 §4.2): X=1 S=1, then I=1 L=1 (15-bit picture ID
 * and TL0PICIDX), then the VP8 payload header whose P bit is 0 on key frames.
 * The rest of the payload is a per-packet pattern, to compare resends with.
 */
function vp8(ssrc: number, seq: number, timestamp: number, marker: boolean, pictureId: number, tl0: number, key: boolean): Buffer {
  const head = Buffer.alloc(12);
  head[0] = 0x80;
  head[1] = (marker ? 0x80 : 0) | PT;
  head.writeUInt16BE(seq & 0xffff, 2);
  head.writeUInt32BE(timestamp >>> 0, 4);
  head.writeUInt32BE(ssrc, 8);
  const descriptor = Buffer.from([0x90, 0xc0, 0x80 | ((pictureId >> 8) & 0x7f), pictureId & 0xff, tl0 & 0xff]);
  const body = Buffer.alloc(200 + (seq % 50));
  for (let i = 0; i < body.length; i++) body[i] = (seq * 7 + i) & 0xff;
  body[0] = key ? 0x10 : 0x11;
  return Buffer.concat([head, descriptor, body]);
}

interface Seen {
  ssrc: number;
  seq: number;
  timestamp: number;
  marker: boolean;
  payloadType: number;
  /** Everything after the fixed header and the extension block. */
  payload: Buffer;
}

function parse(msg: Buffer): Seen {
  let offset = 12 + (msg[0]! & 0x0f) * 4;
  if (msg[0]! & 0x10) offset += 4 + msg.readUInt16BE(offset + 2) * 4;
  return {
    ssrc: msg.readUInt32BE(8),
    seq: msg.readUInt16BE(2),
    timestamp: msg.readUInt32BE(4),
    marker: (msg[1]! & 0x80) !== 0,
    payloadType: msg[1]! & 0x7f,
    payload: Buffer.from(msg.subarray(offset)),
  };
}

async function boundSocket(): Promise<Socket> {
  const socket = createSocket('udp4');
  sockets.push(socket);
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return socket;
}

test('a NACKed packet comes back as it was first sent: as is, and wrapped in RTX, with rewritten VP8 picture IDs', { timeout: 30_000 }, async () => {
  const worker = await pool.create({ logLevel: 'warn' });
  const router = await worker.createRouter({ mediaCodecs: [{ kind: 'video', mimeType: 'video/VP8', clockRate: 90000 }] });
  const input = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, comedia: true, rtcpMux: true });
  const producer = await input.produce({
    kind: 'video',
    rtpParameters: {
      codecs: [{ mimeType: 'video/VP8', payloadType: PT, clockRate: 90000, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }] }],
      encodings: SSRCS.map((ssrc) => ({ ssrc })),
    },
  });
  assert.equal(producer.type, 'simulcast');

  const withoutRtx: mediasoup.types.RtpCapabilities = {
    codecs: router.rtpCapabilities.codecs!.filter((c) => !c.mimeType.toLowerCase().endsWith('/rtx')),
    headerExtensions: [],
  };
  const endpoints: { consumer: mediasoup.types.Consumer; socket: Socket; port: number; seen: Seen[] }[] = [];
  for (const caps of [withoutRtx, { ...router.rtpCapabilities, headerExtensions: [] }]) {
    const output = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: true });
    const socket = await boundSocket();
    await output.connect({ ip: '127.0.0.1', port: socket.address().port });
    const consumer = await output.consume({ producerId: producer.id, rtpCapabilities: caps, preferredLayers: { spatialLayer: 0 } });
    assert.equal(consumer.type, 'simulcast');
    const seen: Seen[] = [];
    // RTCP (the consumer's sender reports) has packet types 192..223 in the second byte (RFC 5761).
    socket.on('message', (msg) => {
      if (msg.length >= 12 && (msg[1]! < 192 || msg[1]! > 223)) seen.push(parse(msg));
    });
    endpoints.push({ consumer, socket, port: output.tuple.localPort, seen });
  }
  const [plain, rtx] = endpoints as [(typeof endpoints)[0], (typeof endpoints)[0]];
  assert.equal(plain.consumer.rtpParameters.encodings![0]!.rtx, undefined);
  const rtxSsrc = rtx.consumer.rtpParameters.encodings![0]!.rtx!.ssrc;
  const rtxPt = rtx.consumer.rtpParameters.codecs.find((c) => c.mimeType.toLowerCase() === 'video/rtx')!.payloadType;

  // Both streams, 3 packets a frame, a key frame at frames 0 and 10. The consumers start on the
  // low stream and move to the top one at frame 10, whose picture IDs (from 610) and TL0PICIDX
  // they rewrite to follow the low stream's (300 to 309).
  const sender = await boundSocket();
  const frames = 20;
  const sendFrames = async (from: number, to: number): Promise<void> => {
    for (let f = from; f < to; f++) {
      // The top stream first: at frame 10 the consumers switch before the low stream's frame.
      for (const [index, ssrc] of [...SSRCS.entries()].reverse()) {
        for (let p = 0; p < 3; p++) {
          const seq = 1000 * (index + 1) + f * 3 + p;
          sender.send(vp8(ssrc, seq, 90_000 + f * 3000, p === 2, 300 * (index + 1) + f, 10 * (index + 1) + f, f % 10 === 0 && p === 0), input.tuple.localPort, '127.0.0.1');
        }
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  await sendFrames(0, 10);
  await waitUntil(() => plain.seen.length >= 30 && rtx.seen.length >= 30, 5000, 'the low stream at both consumers');
  for (const { consumer } of endpoints) await consumer.setPreferredLayers({ spatialLayer: 1 });
  await sendFrames(10, frames);
  await waitUntil(() => plain.seen.length >= frames * 3 && rtx.seen.length >= frames * 3, 5000, 'the top stream at both consumers');
  await new Promise((r) => setTimeout(r, 100));
  const pictureId = (s: Seen) => ((s.payload[2]! & 0x7f) << 8) | s.payload[3]!;
  for (const { consumer, seen } of endpoints) {
    assert.equal(consumer.currentLayers?.spatialLayer, 1);
    assert.equal(seen.length, frames * 3, 'one stream at a time');
    assert.deepEqual(seen.map(pictureId), Array.from({ length: frames * 3 }, (_, i) => 300 + Math.floor(i / 3)), 'picture IDs continue across the switch');
    assert.deepEqual(seen.map((s) => s.payload[4]), Array.from({ length: frames * 3 }, (_, i) => 10 + Math.floor(i / 3)), 'so do TL0PICIDX');
  }

  const wanted = [4, 5, 17, 40, 59];
  for (const { consumer, socket, port, seen } of endpoints) {
    const original = seen.slice();
    socket.send(buildNack(1234, consumer.rtpParameters.encodings![0]!.ssrc!, wanted.map((i) => original[i]!.seq)), port, '127.0.0.1');
    await waitUntil(() => seen.length >= original.length + wanted.length, 5000, 'the resent packets');
    await new Promise((r) => setTimeout(r, 100));
    const resent = seen.slice(original.length);
    assert.equal(resent.length, wanted.length, 'each NACKed packet once');
    for (const [k, i] of wanted.entries()) {
      const first = original[i]!;
      let again = resent[k]!;
      if (consumer === rtx.consumer) {
        assert.equal(again.ssrc, rtxSsrc);
        assert.equal(again.payloadType, rtxPt);
        assert.equal(again.payload.readUInt16BE(0), first.seq, 'RTX carries the original sequence number first');
        again = { ...again, ssrc: first.ssrc, seq: first.seq, payloadType: first.payloadType, payload: again.payload.subarray(2) };
      }
      assert.deepEqual(again, first, `packet ${i} (seq ${first.seq})`);
    }
  }
  const [stats] = await rtx.consumer.getStats();
  assert.equal(stats!.packetsRetransmitted, wanted.length);
});
