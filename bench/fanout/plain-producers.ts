/**
 * The feeder's two producers on a Consommé router: one comedia PlainTransport
 * (rtcp-mux) with VP8 (PT 100, NACK/PLI) and Opus (PT 111) producers on the
 * given SSRCs, as the fan-out feeder sends them.
 */
import type { types } from 'consomme';

export async function producePlainFeeder(
  router: types.Router,
  ssrcs: { video: number; audio: number },
): Promise<{ plain: types.PlainTransport; video: types.Producer; audio: types.Producer }> {
  const plain = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, comedia: true, rtcpMux: true });
  const video = await plain.produce({
    kind: 'video',
    rtpParameters: {
      codecs: [{ mimeType: 'video/VP8', payloadType: 100, clockRate: 90000, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }] }],
      encodings: [{ ssrc: ssrcs.video }],
    },
  });
  const audio = await plain.produce({
    kind: 'audio',
    rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: ssrcs.audio }] },
  });
  return { plain, video, audio };
}
