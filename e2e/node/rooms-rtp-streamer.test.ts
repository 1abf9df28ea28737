/**
 * seed 002 RtpStreamer with real ffmpeg: a 2.x client sends VP8 and Opus,
 * two RtpStreamers relay them as plain RTP, ffmpeg records 5 s from an SDP
 * file, and ffprobe finds both streams.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Server, rooms } from 'consomme';
import { exitAfterWrtcTests, sleep, syntheticMedia, waitUntil } from '../lib/node-client.js';
import { V2NodeClient } from '../lib/v2-node-client.js';

exitAfterWrtcTests(after);
const children: ChildProcess[] = [];
const server = Server({ numWorkers: 1, logLevel: 'warn', rtcIPv4: '127.0.0.1', rtcIPv6: false });
after(() => {
  for (const child of children) child.kill('SIGKILL');
  server.close();
});

async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

function mediaLines(room: rooms.Room, kind: 'audio' | 'video', port: number): string[] {
  const codec = (room.rtpCapabilities as any).codecs.find((c: any) => c.kind === kind && c.name !== 'rtx');
  const pt = codec.preferredPayloadType;
  return [`m=${kind} ${port} RTP/AVP ${pt}`, `a=rtpmap:${pt} ${codec.name}/${codec.clockRate}${codec.channels ? `/${codec.channels}` : ''}`, 'a=rtcp-mux', 'a=recvonly'];
}

describe('RtpStreamer', { timeout: 90_000 }, () => {
  test('ffmpeg records a producer pair (VP8 + Opus) for 5 s from two RtpStreamers', async () => {
    const room = server.Room([
      { kind: 'audio', name: 'opus', clockRate: 48000, channels: 2 },
      { kind: 'video', name: 'VP8', clockRate: 90000 },
    ]);
    const client = new V2NodeClient(room, 'sender');
    const media = syntheticMedia();
    const dir = mkdtempSync(join(tmpdir(), 'consomme-streamer-'));
    try {
      await client.join();
      const send = client.room.createTransport('send');
      await client.room.createProducer(media.videoTrack).send(send);
      await client.room.createProducer(media.audioTrack).send(send);
      const peer = room.getPeerByName('sender')!;
      const [video, audio] = peer.producers;
      await waitUntil('video arriving', 10_000, async () => ((await video!.getStats())[0]?.packetCount ?? 0) > 20);
      const videoPort = await freeUdpPort();
      const audioPort = await freeUdpPort();
      const sdp = ['v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=consomme', 'c=IN IP4 127.0.0.1', 't=0 0'];
      // A streamer's consumer keeps the room's payload types, so the SDP can be written before
      // the streamers exist; ffmpeg must be listening when they start (it needs the first keyframe).
      sdp.push(...mediaLines(room, 'video', videoPort), ...mediaLines(room, 'audio', audioPort), '');
      const out = join(dir, 'out.mkv');
      const streamers: rooms.RtpStreamer[] = [];
      writeFileSync(join(dir, 'in.sdp'), sdp.join('\n'));
      const ffmpeg = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-protocol_whitelist', 'file,udp,rtp', '-i', join(dir, 'in.sdp'), '-t', '5', '-c', 'copy', '-y', out], {
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      children.push(ffmpeg);
      await sleep(700);
      streamers.push(await room.createRtpStreamer(video!, { remoteIP: '127.0.0.1', remotePort: videoPort }));
      streamers.push(await room.createRtpStreamer(audio!, { remoteIP: '127.0.0.1', remotePort: audioPort }));
      const [vs, as] = streamers;
      assert.ok(vs!.transport instanceof rooms.PlainRtpTransport);
      assert.ok(vs!.consumer instanceof rooms.Consumer);
      assert.equal(vs!.consumer.source, video);
      assert.equal(vs!.consumer.peer, undefined);
      assert.equal(vs!.consumer.enabled, true);
      assert.equal(vs!.transport.tuple.localIP, '127.0.0.1');
      assert.equal(vs!.transport.tuple.remoteIP, '127.0.0.1');
      assert.equal(vs!.transport.tuple.remotePort, videoPort);
      assert.equal(as!.transport.tuple.remotePort, audioPort);
      assert.equal((vs!.consumer.rtpParameters as any).codecs[0].payloadType, (room.rtpCapabilities as any).codecs.find((c: any) => c.name === 'VP8').preferredPayloadType);
      // Keep asking for keyframes until ffmpeg has started writing.
      const keyframes = setInterval(() => vs!.consumer.requestKeyFrame().catch(() => undefined), 1000);
      const code = await new Promise<number | null>((resolve) => ffmpeg.once('exit', resolve));
      clearInterval(keyframes);
      assert.equal(code, 0, 'ffmpeg recorded and exited cleanly');
      const probe = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name:format=duration', '-of', 'json', out], { encoding: 'utf8' });
      const info = JSON.parse(probe.stdout) as { streams: { codec_name: string }[]; format: { duration: string } };
      assert.deepEqual(info.streams.map((s) => s.codec_name).sort(), ['opus', 'vp8']);
      assert.ok(Number(info.format.duration) >= 4, `recorded ${info.format.duration} s`);
      // Closing the producer closes its streamer.
      let closed = 0;
      vs!.on('close', () => closed++);
      video!.close();
      assert.equal(closed, 1);
      assert.equal(vs!.transport.closed, true);
      as!.close();
      assert.equal(as!.consumer.closed, true);
    } finally {
      media.stop();
      client.close();
      room.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
