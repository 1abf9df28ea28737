/**
 * Consommé side of the room bench: one worker (pinned to the SFU core when asked), one
 * router, one WebRtcServer. Each light participant gets a send WebRtcTransport with two
 * producers (VP8 and Opus, one SSRC each, no simulcast) and a receive WebRtcTransport that
 * consumes every other participant's producers. No RTP header extensions are negotiated,
 * as on the Janus side, so both SFUs forward the same bytes.
 */
import * as mediasoup from 'consomme';
import type { types } from 'consomme';
import { pin } from '../fanout/proc.js';
import type { LightParticipant } from '../light-viewer/publisher.js';
import { remoteFromTransport } from '../light-viewer/remote.js';
import type { RoomSfu } from './sfu.js';

export const VIDEO_PT = 100;
export const AUDIO_PT = 111;

/**
 * `webRtcServer: false` gives every transport its own UDP port instead of sharing the
 * server's one socket (and its one kernel receive buffer) among all of them.
 */
export async function startConsommeRoom(options: { core?: number; webRtcServer?: boolean } = {}): Promise<RoomSfu> {
  const worker = await mediasoup.createWorker({ logLevel: 'warn', rtcMinPort: 40000, rtcMaxPort: 49999 });
  if (options.core !== undefined) pin(worker.pid, options.core);
  const router = await worker.createRouter({
    mediaCodecs: [
      { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
      { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
    ],
  });
  const server = await worker.createWebRtcServer({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] });
  const rtpCapabilities: types.RtpCapabilities = { codecs: router.rtpCapabilities.codecs ?? [], headerExtensions: [] };

  async function connect(p: LightParticipant, side: 'sender' | 'receiver'): Promise<types.WebRtcTransport> {
    const transport = await router.createWebRtcTransport(
      options.webRtcServer === false ? { listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] } : { webRtcServer: server },
    );
    await transport.connect({ dtlsParameters: p[side].dtlsParameters });
    return transport;
  }

  return {
    name: 'consomme',
    pid: worker.pid,
    async join(participants) {
      const producers: types.Producer[][] = [];
      for (const p of participants) {
        const send = await connect(p, 'sender');
        producers.push([
          await send.produce({
            kind: 'video',
            rtpParameters: {
              codecs: [{ mimeType: 'video/VP8', payloadType: VIDEO_PT, clockRate: 90000, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }] }],
              encodings: [{ ssrc: p.videoSsrc }],
            },
          }),
          await send.produce({
            kind: 'audio',
            rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: AUDIO_PT, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: p.audioSsrc }] },
          }),
        ]);
        await p.sender.connect(remoteFromTransport(send));
      }
      for (const [i, p] of participants.entries()) {
        const recv = await connect(p, 'receiver');
        const consumers: types.Consumer[] = [];
        for (const [j, theirs] of producers.entries()) {
          if (j === i) continue;
          for (const producer of theirs) consumers.push(await recv.consume({ producerId: producer.id, rtpCapabilities }));
        }
        // The consumers' clock rates give the receiver reports their jitter.
        await p.receiver.connect(remoteFromTransport(recv, consumers));
      }
    },
    async close() {
      worker.close();
    },
  };
}
