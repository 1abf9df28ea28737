/**
 * AV1 SVC through a real worker: plain RTP with the dependency descriptor
 * (L3T3_KEY, the template structure Chromium 156 sends) goes into a
 * PlainTransport; a consumer that prefers spatial layer 0 receives only the
 * S0 frames, with their descriptors, markers and continuous sequence numbers;
 * packets whose descriptor cannot be read are dropped and counted.
 */
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { after, test } from 'node:test';
import { buildNack } from '../src/worker/rtcp-out.js';
import { WorkerPool, waitUntil } from './helpers.js';

const pool = new WorkerPool();
const sockets: Socket[] = [];
after(async () => {
  for (const s of sockets) s.close();
  await pool.closeAll();
});

const DD_URI = 'https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension';
// What follows the 3 mandatory bytes in Chromium's L3T3_KEY key frame descriptor: the structure.
const STRUCTURE_TAIL = Buffer.from(
  '80081485214eaaaaa8000600004000100002aa80a8000600004000100002a000a800060000400016d549241b5524906d54923157e001974ca864330e222396eca8655304224390eca87753013f00b3027f016704ff02cf',
  'hex',
);
const SSRC = 1111;
const DD_ID_IN = 12;

/** An RTP packet with a two-byte-form header extension block holding the DD (or none). */
function rtp(seq: number, timestamp: number, marker: boolean, dd: Buffer | undefined, key: boolean): Buffer {
  const head = Buffer.alloc(12);
  head[0] = 0x80 | (dd ? 0x10 : 0);
  head[1] = (marker ? 0x80 : 0) | 45;
  head.writeUInt16BE(seq, 2);
  head.writeUInt32BE(timestamp, 4);
  head.writeUInt32BE(SSRC, 8);
  const parts = [head];
  if (dd) {
    const body = Buffer.concat([Buffer.from([DD_ID_IN, dd.length]), dd]);
    const padded = Buffer.concat([body, Buffer.alloc((4 - (body.length % 4)) % 4)]);
    const ext = Buffer.alloc(4);
    ext.writeUInt16BE(0x1000, 0);
    ext.writeUInt16BE(padded.length / 4, 2);
    parts.push(ext, padded);
  }
  // AV1 aggregation header (W=1, N on key frames) and a stand-in OBU.
  parts.push(Buffer.from([key ? 0x18 : 0x10, 0x32, 0xaa, 0xbb, 0xcc]));
  return Buffer.concat(parts);
}

function mandatory(start: boolean, end: boolean, templateId: number, frameNumber: number): Buffer {
  const b = Buffer.alloc(3);
  b[0] = (start ? 0x80 : 0) | (end ? 0x40 : 0) | templateId;
  b.writeUInt16BE(frameNumber, 1);
  return b;
}

interface Received {
  seq: number;
  marker: boolean;
  dd: Buffer | undefined;
}

/** Reads the element `id` from a received packet's header extension block (either form). */
function parseReceived(msg: Buffer, id: number): Received {
  const seq = msg.readUInt16BE(2);
  const marker = (msg[1]! & 0x80) !== 0;
  if ((msg[0]! & 0x10) === 0) return { seq, marker, dd: undefined };
  const start = 12 + (msg[0]! & 0x0f) * 4;
  const profile = msg.readUInt16BE(start);
  const end = start + 4 + msg.readUInt16BE(start + 2) * 4;
  const twoByte = profile !== 0xbede;
  for (let pos = start + 4; pos < end; ) {
    if (msg[pos] === 0) {
      pos++;
      continue;
    }
    const elementId = twoByte ? msg[pos]! : msg[pos]! >> 4;
    const length = twoByte ? msg[pos + 1]! : (msg[pos]! & 0x0f) + 1;
    const value = pos + (twoByte ? 2 : 1);
    if (elementId === id) return { seq, marker, dd: msg.subarray(value, value + length) };
    pos = value + length;
  }
  return { seq, marker, dd: undefined };
}

test('AV1 L3T3_KEY: a consumer at spatial layer 0 gets the S0 frames only; unreadable descriptors are dropped and counted', { timeout: 30_000 }, async () => {
  const worker = await pool.create({ logLevel: 'warn' });
  const router = await worker.createRouter({ mediaCodecs: [{ kind: 'video', mimeType: 'video/AV1', clockRate: 90000 }] });
  const input = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, comedia: true, rtcpMux: true });
  const output = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: true });
  const producer = await input.produce({
    kind: 'video',
    rtpParameters: {
      codecs: [{ mimeType: 'video/AV1', payloadType: 45, clockRate: 90000, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }] }],
      headerExtensions: [{ uri: DD_URI, id: DD_ID_IN }],
      encodings: [{ ssrc: SSRC, scalabilityMode: 'L3T3_KEY' }],
    },
  });
  assert.equal(producer.type, 'svc');

  const receiver = createSocket('udp4');
  sockets.push(receiver);
  await new Promise<void>((resolve) => receiver.bind(0, '127.0.0.1', resolve));
  await output.connect({ ip: '127.0.0.1', port: receiver.address().port });
  const consumer = await output.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities, preferredLayers: { spatialLayer: 0, temporalLayer: 2 } });
  assert.equal(consumer.type, 'svc');
  const ddOut = consumer.rtpParameters.headerExtensions?.find((e) => e.uri === DD_URI);
  assert.equal(ddOut?.id, 8, 'the descriptor is negotiated for this AV1 consumer');
  const received: Received[] = [];
  receiver.on('message', (msg) => {
    // RTCP (the consumer's sender reports) has packet types 192..223 in the second byte (RFC 5761).
    if (msg.length >= 12 && (msg[1]! < 192 || msg[1]! > 223)) received.push(parseReceived(msg, ddOut.id));
  });

  const sender = createSocket('udp4');
  sockets.push(sender);
  await new Promise<void>((resolve) => sender.bind(0, '127.0.0.1', resolve));
  let seq = 100;
  let ts = 9000;
  const send = async (dd: Buffer | undefined, marker = false, key = false): Promise<void> => {
    sender.send(rtp(seq++ & 0xffff, ts, marker, dd, key), input.tuple.localPort, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 2));
  };
  // A temporal unit: a two-packet layer frame per spatial layer; the marker ends the unit.
  const unit = async (templates: number[], frame: number, key = false): Promise<void> => {
    for (const [s, templateId] of templates.entries()) {
      const first = mandatory(true, false, templateId, frame + s);
      await send(key && s === 0 ? Buffer.concat([first, STRUCTURE_TAIL]) : first, false, key && s === 0);
      await send(mandatory(false, true, templateId, frame + s), s === templates.length - 1);
    }
    ts += 3000;
  };

  // Before the structure: the descriptors refer to templates nobody has seen.
  await unit([3, 8, 13], 500);
  await unit([0, 5, 10], 1, true);
  const cycle = [[3, 8, 13], [2, 7, 12], [4, 9, 14], [1, 6, 11]];
  let frame = 4;
  for (let c = 0; c < 2; c++) for (const templates of cycle) {
    await unit(templates, frame);
    frame += 3;
  }
  await send(mandatory(true, true, 40, frame)); // template 40 of 15
  await send(undefined, true); // no descriptor on a stream that sends them
  await send(Buffer.from([0xc0])); // one byte: too short

  await waitUntil(() => received.length >= 18, 5_000, 'the S0 packets at the consumer');
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(received.length, 18, 'key unit and eight units, two S0 packets each');
  const s0Templates = new Set([0, 1, 2, 3, 4]);
  for (const p of received) {
    assert.ok(p.dd, 'every packet carries its descriptor');
    assert.ok(s0Templates.has(p.dd[0]! & 0x3f), `template ${p.dd[0]! & 0x3f} is spatial layer 0`);
  }
  assert.deepEqual(received[0]!.dd, Buffer.concat([mandatory(true, false, 0, 1), STRUCTURE_TAIL]), 'the structure goes through untouched');
  // The marker moves to the end of each S0 frame (the producer put it on S2's).
  assert.deepEqual(received.map((p) => p.marker), received.map((_, i) => i % 2 === 1));
  for (let i = 1; i < received.length; i++) assert.equal(received[i]!.seq, (received[i - 1]!.seq + 1) & 0xffff, 'no holes for the dropped layers');

  // A NACK for two frame ends: the resends (RTX) carry the marker this consumer moved there, and the descriptor.
  const rtxSsrc = consumer.rtpParameters.encodings![0]!.rtx?.ssrc;
  assert.ok(rtxSsrc !== undefined, 'RTX negotiated');
  const count = received.length;
  receiver.send(buildNack(4321, consumer.rtpParameters.encodings![0]!.ssrc!, [received[3]!.seq, received[5]!.seq]), output.tuple.localPort, '127.0.0.1');
  await waitUntil(() => received.length >= count + 2, 5_000, 'the resent frame ends');
  for (const [k, i] of [3, 5].entries()) {
    const again = received[count + k]!;
    assert.equal(again.marker, true, `resent packet ${i} keeps the moved marker`);
    assert.deepEqual(again.dd, received[i]!.dd);
  }

  const [stats] = (await input.getStats()) as unknown as { dropped: Record<string, number> }[];
  assert.equal(stats!.dropped['av1-dd-unreadable'], 6 + 3, `dropped: ${JSON.stringify(stats!.dropped)}`);
  const [producerStats] = (await producer.getStats()) as unknown as { bitrateByLayer?: Record<string, number> }[];
  const byLayer = producerStats!.bitrateByLayer ?? {};
  assert.ok(byLayer['2.2']! > 0 && byLayer['1.0']! > 0, `per-layer bitrates from the descriptor: ${JSON.stringify(byLayer)}`);
});
