/**
 * The two SFUs under test, behind one shape: each takes the same feeder RTP and serves the
 * same light viewers. Consommé: PlainTransport (comedia) producers → one WebRtcTransport
 * per viewer on a WebRtcServer. Janus: streaming mountpoint 1, one session per viewer.
 * Both are pinned to core 0 once started.
 */
import * as mediasoup from 'consomme';
import type { types } from 'consomme';
import { FEEDER_AUDIO_SSRC, FEEDER_VIDEO_SSRC } from './clip.js';
import type { Target } from './feeder.js';
import { JanusServer, JanusViewerSession } from './janus.js';
import { pin } from './proc.js';
import { remoteFromTransport } from '../light-viewer/remote.js';
import type { LightViewer } from '../light-viewer/viewer.js';

export interface SfuUnderTest {
  readonly name: 'consomme' | 'janus';
  /** The process whose tree is measured. */
  readonly pid: number;
  readonly audio: Target;
  readonly video: Target;
  addViewer(viewer: LightViewer): Promise<void>;
  /** addViewer in two halves: the signaling now, ICE/DTLS when the returned function is called. */
  prepareViewer(viewer: LightViewer): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export const SFU_CORE = 0;

export async function startConsomme(): Promise<SfuUnderTest> {
  const worker = await mediasoup.createWorker({ logLevel: 'warn', rtcMinPort: 40000, rtcMaxPort: 49999 });
  pin(worker.pid, SFU_CORE);
  const router = await worker.createRouter({
    mediaCodecs: [
      { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
      { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
    ],
  });
  const server = await worker.createWebRtcServer({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] });
  const plain = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, comedia: true, rtcpMux: true });
  const producers = [
    await plain.produce({
      kind: 'video',
      rtpParameters: {
        codecs: [{ mimeType: 'video/VP8', payloadType: 100, clockRate: 90000, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }] }],
        encodings: [{ ssrc: FEEDER_VIDEO_SSRC }],
      },
    }),
    await plain.produce({
      kind: 'audio',
      rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: FEEDER_AUDIO_SSRC }] },
    }),
  ];
  // No header extensions, as in the answer the light viewer gives Janus: the same bytes per packet on both sides.
  const rtpCapabilities: types.RtpCapabilities = { codecs: router.rtpCapabilities.codecs ?? [], headerExtensions: [] };
  const target = { ip: '127.0.0.1', port: plain.tuple.localPort };
  return {
    name: 'consomme',
    pid: worker.pid,
    audio: target,
    video: target,
    async addViewer(this: SfuUnderTest, viewer: LightViewer) {
      await (await this.prepareViewer(viewer))();
    },
    async prepareViewer(viewer) {
      const transport = await router.createWebRtcTransport({ webRtcServer: server });
      await transport.connect({ dtlsParameters: viewer.dtlsParameters });
      const consumers: types.Consumer[] = [];
      for (const producer of producers) consumers.push(await transport.consume({ producerId: producer.id, rtpCapabilities }));
      return () => viewer.connect(remoteFromTransport(transport, consumers));
    },
    async close() {
      worker.close();
    },
  };
}

export async function startJanus(logDir: string): Promise<SfuUnderTest> {
  const janus = await JanusServer.start(logDir);
  pin(janus.pid, SFU_CORE);
  const sessions: JanusViewerSession[] = [];
  return {
    name: 'janus',
    pid: janus.pid,
    audio: { ip: '127.0.0.1', port: 5002 },
    video: { ip: '127.0.0.1', port: 5004 },
    async addViewer(viewer) {
      sessions.push(await JanusViewerSession.attach(viewer));
    },
    async prepareViewer(viewer) {
      const { session, start } = await JanusViewerSession.prepare(viewer);
      sessions.push(session);
      return start;
    },
    async close() {
      for (const s of sessions) s.close();
      // Restarted for every N: Janus 1.1.2 leaks ports of removed remote publishers.
      await janus.stop();
    },
  };
}
