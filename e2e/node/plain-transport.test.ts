/**
 * PlainTransport with real ffmpeg: ffmpeg sends VP8 over plain RTP into the
 * SFU and a libwebrtc client decodes it; a libwebrtc producer's VP8 leaves
 * through a PlainTransport to ffmpeg, which records it (checked with ffprobe).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { SfuFixture } from '../lib/sfu-fixture.js';
import { NodeClient, exitAfterWrtcTests, sleep, syntheticMedia, waitUntil } from '../lib/node-client.js';

exitAfterWrtcTests(after);

const children: ChildProcess[] = [];
after(() => {
  for (const child of children) child.kill('SIGKILL');
});

async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

describe('PlainTransport with ffmpeg', { timeout: 120_000 }, () => {
  test('ffmpeg → PlainTransport (comedia) → a libwebrtc consumer decodes the video', async () => {
    const fixture = await new SfuFixture().start();
    const client = new NodeClient((m, d) => fixture.handle(m, d));
    try {
      const plain = await fixture.router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, comedia: true, rtcpMux: true });
      assert.equal(plain.tuple.localAddress, '127.0.0.1');
      const ssrc = 22222222;
      const producer = await plain.produce({
        kind: 'video',
        rtpParameters: {
          codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }] }],
          encodings: [{ ssrc }],
        },
      });
      fixture.producers.set(producer.id, producer);
      const tupleLearned = new Promise((resolve) => plain.once('tuple', resolve));
      const ffmpeg = spawn('ffmpeg', [
        '-hide_banner', '-loglevel', 'error', '-re',
        '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=20',
        '-t', '30',
        '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '300k', '-g', '10',
        '-ssrc', String(ssrc), '-payload_type', '101',
        '-f', 'rtp', `rtp://127.0.0.1:${plain.tuple.localPort}?rtcpport=${plain.tuple.localPort}&pkt_size=1200`,
      ], { stdio: ['ignore', 'ignore', 'inherit'] });
      children.push(ffmpeg);
      await tupleLearned;
      assert.equal(plain.tuple.remoteIp, '127.0.0.1', 'comedia learned the remote address');
      const { counters } = await client.consume(producer.id);
      await waitUntil('decoded frames from ffmpeg', 20_000, () => counters.frames >= 20);
      assert.equal(counters.lastWidth, 320);
      const [stats] = await producer.getStats();
      assert.ok(stats!.packetCount > 0);
      ffmpeg.kill('SIGKILL');
    } finally {
      client.close();
      fixture.close();
    }
  });

  test('ffmpeg → SRTP PlainTransport (keys out of band) → decoded; a wrong key is dropped and counted', async () => {
    const fixture = await new SfuFixture().start();
    const client = new NodeClient((m, d) => fixture.handle(m, d));
    try {
      const plain = await fixture.router.createPlainTransport({
        listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
        comedia: true,
        enableSrtp: true,
        srtpCryptoSuite: 'AES_CM_128_HMAC_SHA1_80',
      });
      assert.equal(plain.srtpParameters?.cryptoSuite, 'AES_CM_128_HMAC_SHA1_80');
      assert.equal(Buffer.from(plain.srtpParameters!.keyBase64, 'base64').length, 30);
      const key = randomBytes(30).toString('base64');
      await plain.connect({ srtpParameters: { cryptoSuite: 'AES_CM_128_HMAC_SHA1_80', keyBase64: key } });
      const ssrc = 33333333;
      const producer = await plain.produce({
        kind: 'video',
        rtpParameters: { codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }], encodings: [{ ssrc }] },
      });
      fixture.producers.set(producer.id, producer);
      const ffmpeg = (k: string): ChildProcess => {
        const child = spawn('ffmpeg', [
          '-hide_banner', '-loglevel', 'error', '-re',
          '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=20', '-t', '30',
          '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '300k', '-g', '10',
          '-ssrc', String(ssrc), '-payload_type', '101',
          '-f', 'rtp', '-srtp_out_suite', 'AES_CM_128_HMAC_SHA1_80', '-srtp_out_params', k,
          `srtp://127.0.0.1:${plain.tuple.localPort}?rtcpport=${plain.tuple.localPort}&pkt_size=1200`,
        ], { stdio: ['ignore', 'ignore', 'inherit'] });
        children.push(child);
        return child;
      };
      // A sender with the wrong key: every packet fails authentication.
      const impostor = ffmpeg(randomBytes(30).toString('base64'));
      await sleep(2000);
      impostor.kill('SIGKILL');
      const [before] = (await plain.getStats()) as { dropped: Record<string, number> }[];
      assert.ok((before!.dropped['srtp-auth'] ?? 0) > 0, `forged SRTP counted: ${JSON.stringify(before!.dropped)}`);
      const sender = ffmpeg(key);
      const { counters } = await client.consume(producer.id);
      await waitUntil('decoded frames from SRTP ffmpeg', 20_000, () => counters.frames >= 20);
      sender.kill('SIGKILL');
    } finally {
      client.close();
      fixture.close();
    }
  });

  test('a libwebrtc producer → PlainTransport → ffmpeg records VP8 (ffprobe)', async () => {
    const fixture = await new SfuFixture().start();
    const client = new NodeClient((m, d) => fixture.handle(m, d));
    const media = syntheticMedia();
    const dir = mkdtempSync(join(tmpdir(), 'consomme-plain-'));
    try {
      const send = await client.createSendTransport();
      const producer = await send.produce({ track: media.videoTrack });
      const plain = await fixture.router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, comedia: false, rtcpMux: false });
      assert.ok(plain.rtcpTuple, 'a separate RTCP port without rtcpMux');
      const port = await freeUdpPort();
      await plain.connect({ ip: '127.0.0.1', port, rtcpPort: port + 1 });
      const consumer = await plain.consume({ producerId: producer.id, rtpCapabilities: fixture.router.rtpCapabilities, paused: true });
      const codec = consumer.rtpParameters.codecs[0]!;
      assert.equal(codec.mimeType, 'video/VP8');
      const sdp = [
        'v=0',
        'o=- 0 0 IN IP4 127.0.0.1',
        's=consomme',
        'c=IN IP4 127.0.0.1',
        't=0 0',
        `m=video ${port} RTP/AVP ${codec.payloadType}`,
        `a=rtpmap:${codec.payloadType} VP8/90000`,
        `a=rtcp:${port + 1}`,
        'a=recvonly',
        '',
      ].join('\n');
      writeFileSync(join(dir, 'in.sdp'), sdp);
      const out = join(dir, 'out.webm');
      const ffmpeg = spawn('ffmpeg', [
        '-hide_banner', '-loglevel', 'error', '-protocol_whitelist', 'file,udp,rtp',
        '-i', join(dir, 'in.sdp'), '-t', '4', '-c', 'copy', '-y', out,
      ], { stdio: ['ignore', 'ignore', 'inherit'] });
      children.push(ffmpeg);
      await sleep(500); // ffmpeg binds its port
      await consumer.resume();
      const code = await new Promise<number | null>((resolve) => ffmpeg.once('exit', resolve));
      assert.equal(code, 0, 'ffmpeg recorded and exited cleanly');
      const probe = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,width:format=duration', '-of', 'json', out], { encoding: 'utf8' });
      const info = JSON.parse(probe.stdout) as { streams: { codec_name: string; width: number }[]; format: { duration: string } };
      assert.equal(info.streams[0]!.codec_name, 'vp8');
      assert.equal(info.streams[0]!.width, 320);
      assert.ok(Number(info.format.duration) >= 2, `recorded ${info.format.duration} s`);
      const [stats] = await consumer.getStats();
      assert.ok(stats!.packetCount > 0);
    } finally {
      media.stop();
      client.close();
      fixture.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
