import { SfuFixture, type FixtureOptions } from '../lib/sfu-fixture.js';
import { NodeClient, syntheticMedia, waitUntil, type MediaCounters, type Signal, type SyntheticMedia } from '../lib/node-client.js';
import type { types as clientTypes } from 'mediasoup-client';

export interface Call {
  fixture: SfuFixture;
  a: NodeClient;
  b: NodeClient;
  media: SyntheticMedia;
  audioProducer: clientTypes.Producer;
  videoProducer: clientTypes.Producer;
  video: { consumer: clientTypes.Consumer; counters: MediaCounters };
  audio: { consumer: clientTypes.Consumer; counters: MediaCounters };
  close(): void;
}

/** A producer client A (audio + video) and a consumer client B, through the SFU. */
export async function startCall(
  options: FixtureOptions = {},
  wrapSignal: (fixture: SfuFixture, signal: Signal) => Signal = (_f, s) => s,
): Promise<Call> {
  const fixture = await new SfuFixture(options).start();
  const signal = wrapSignal(fixture, (m, d) => fixture.handle(m, d));
  const a = new NodeClient(signal);
  const b = new NodeClient(signal);
  const media = syntheticMedia();
  const send = await a.createSendTransport();
  const audioProducer = await send.produce({ track: media.audioTrack });
  const videoProducer = await send.produce({ track: media.videoTrack });
  const video = await b.consume(videoProducer.id);
  const audio = await b.consume(audioProducer.id);
  return {
    fixture,
    a,
    b,
    media,
    audioProducer,
    videoProducer,
    video,
    audio,
    close() {
      media.stop();
      a.close();
      b.close();
      fixture.close();
    },
  };
}

/** Frames and audio samples keep rising for `ms`. */
export async function expectMediaFlowing(call: Call, what: string, timeoutMs = 15_000): Promise<void> {
  const f0 = call.video.counters.frames;
  const s0 = call.audio.counters.samples;
  await waitUntil(`${what}: video frames rise`, timeoutMs, () => call.video.counters.frames >= f0 + 10);
  await waitUntil(`${what}: audio samples rise`, timeoutMs, () => call.audio.counters.samples >= s0 + 48000);
}
