/**
 * The light viewer (bench/light-viewer/) against libwebrtc: the fan-out feeder sends its
 * clip (VP8 + Opus, plain RTP) into one PlainTransport; three light viewers and three
 * mediasoup-client viewers on @roamhq/wrtc consume the same two producers. Each kind must
 * receive the same packets (within 1%), and every packet the light viewers get must carry
 * the feeder's send-time stamp through the SFU. The light viewers' SRTCP receiver reports
 * must reach the SFU: each consumer gets an RTT (which needs an RR echoing its SR) and the
 * RR's loss. Not a timed test: only counts are compared.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { types } from 'consomme';
import { loadClip } from '../../bench/fanout/clip.js';
import { Feeder } from '../../bench/fanout/feeder.js';
import { producePlainFeeder } from '../../bench/fanout/plain-producers.js';
import { windowOf } from '../../bench/light-viewer/counters.js';
import { remoteFromTransport } from '../../bench/light-viewer/remote.js';
import { LightViewer } from '../../bench/light-viewer/viewer.js';
import { SfuFixture } from '../lib/sfu-fixture.js';
import { NodeClient, exitAfterWrtcTests, sleep, waitUntil } from '../lib/node-client.js';

exitAfterWrtcTests(after);

const N = 3;
const VIDEO_SSRC = 0x11110001;
const AUDIO_SSRC = 0x11110002;

describe('light viewer', { timeout: 60_000 }, () => {
  test('delivers the same packets as libwebrtc viewers on one PlainTransport producer', async () => {
    const clip = loadClip({ videoSsrc: VIDEO_SSRC, audioSsrc: AUDIO_SSRC });
    const fixture = await new SfuFixture().start();
    const viewers: LightViewer[] = [];
    const clients: NodeClient[] = [];
    let feeder: Feeder | undefined;
    try {
      const { router } = fixture;
      const { plain, video, audio } = await producePlainFeeder(router, { video: VIDEO_SSRC, audio: AUDIO_SSRC });
      fixture.producers.set(video.id, video);
      fixture.producers.set(audio.id, audio);

      // Light viewers: a WebRtcTransport each, consuming both producers.
      const lightSsrcs: number[][] = [];
      const lightConsumers: types.Consumer[] = [];
      for (let i = 0; i < N; i++) {
        const viewer = await LightViewer.create();
        viewers.push(viewer);
        const transport = await router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] });
        await transport.connect({ dtlsParameters: viewer.dtlsParameters });
        const consumers: types.Consumer[] = [];
        for (const producer of [video, audio]) consumers.push(await transport.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities }));
        lightSsrcs.push(consumers.map((c) => c.rtpParameters.encodings![0]!.ssrc!));
        lightConsumers.push(...consumers);
        await viewer.connect(remoteFromTransport(transport, consumers));
      }

      // libwebrtc viewers through mediasoup-client.
      for (let i = 0; i < N; i++) {
        const client = new NodeClient((m, d) => fixture.handle(m, d));
        clients.push(client);
        // Video first, as most apps do (an earlier build lost the video in this order).
        await client.consume(video.id);
        await client.consume(audio.id);
      }
      await waitUntil('libwebrtc viewers connected', 15_000, () => clients.every((c) => c.recv?.connectionState === 'connected'));
      assert.ok(viewers.every((v) => v.connected));

      // Everyone is ready before the first packet, which is a keyframe: all should get everything.
      feeder = await Feeder.create(clip, { audio: { ip: '127.0.0.1', port: plain.tuple.localPort }, video: { ip: '127.0.0.1', port: plain.tuple.localPort }, durationMs: 4000 });
      feeder.start();
      await feeder.done;
      const sent = feeder.stats.sentAudio + feeder.stats.sentVideo;
      assert.ok(feeder.stats.sentVideo > 300 && feeder.stats.sentAudio > 150, `feeder sent ${JSON.stringify(feeder.stats)}`);

      const lightTotals = (): number[] =>
        viewers.map((v, i) => lightSsrcs[i]!.reduce((n, ssrc) => n + (v.counters.get(ssrc)?.packets ?? 0), 0));
      // inbound-rtp of the whole receive transport (wrtc has no per-receiver getStats).
      const wrtcTotals = async (): Promise<number[]> =>
        Promise.all(
          clients.map(async (c) => {
            let packets = 0;
            (await c.recv!.getStats()).forEach((s: { type: string; packetsReceived?: number }) => {
              if (s.type === 'inbound-rtp') packets += s.packetsReceived ?? 0;
            });
            return packets;
          }),
        );
      // Drain: wait until the counts stop moving (libwebrtc's stats lag a little).
      await waitUntil('all viewers caught up', 10_000, async () => {
        const all = [...lightTotals(), ...(await wrtcTotals())];
        return all.every((n) => n >= sent * 0.99);
      }).catch(() => undefined);
      await sleep(300);
      const light = lightTotals();
      const wrtc = await wrtcTotals();
      const within = (a: number, b: number): boolean => Math.abs(a - b) <= 0.01 * Math.max(a, b);
      for (const l of light) {
        assert.ok(within(l, sent), `light viewer got ${l} of ${sent} sent (light ${light}, libwebrtc ${wrtc})`);
        for (const w of wrtc) assert.ok(within(l, w), `light ${l} vs libwebrtc ${w} (light ${light}, libwebrtc ${wrtc}, sent ${sent})`);
      }
      for (const [i, v] of viewers.entries()) {
        assert.equal(v.srtpDropped, 0, 'every SRTP packet authenticated');
        assert.equal(v.nackSent + v.pliSent, 0);
        // The stamp crossed the SFU in every packet that was not a retransmission.
        assert.ok(v.delay.total >= light[i]! * 0.99, `stamped ${v.delay.total} of ${light[i]}`);
        assert.ok(v.delay.quantileMs(0.5) < 1000, `p50 delay ${v.delay.quantileMs(0.5)} ms`);
        for (const ssrc of lightSsrcs[i]!) {
          const w = windowOf(undefined, v.counters.get(ssrc)!.snapshot());
          assert.ok(w.lost <= w.packets * 0.01, `ssrc ${ssrc}: ${w.lost} lost of ${w.packets}`);
          const counter = v.counters.get(ssrc)!;
          assert.ok(counter.clockRate === 48000 || counter.clockRate === 90000, `clock rate ${counter.clockRate}`);
          assert.ok(Number.isFinite(counter.jitter) && counter.jitter >= 0, `jitter ${counter.jitter}`);
        }
        // About one report a second over 4 s of media.
        assert.ok(v.rrSent >= 2, `receiver reports sent: ${v.rrSent}`);
      }
      // The SFU decrypted and used the receiver reports: an RTT needs an RR whose LSR echoes
      // one of the consumer's SRs; packetsLost comes from the RR's cumulative loss.
      await waitUntil('RTT from receiver reports', 5_000, async () =>
        (await Promise.all(lightConsumers.map((c) => c.getStats()))).every((s) => typeof s[0]?.roundTripTime === 'number'),
      );
      for (const c of lightConsumers) {
        const [stats] = await c.getStats();
        assert.ok(stats && stats.roundTripTime! >= 0 && stats.roundTripTime! < 1000, `consumer ${c.kind}: RTT ${stats?.roundTripTime}`);
        assert.equal(stats.packetsLost, 0, `consumer ${c.kind}: packetsLost from the RR`);
      }
    } finally {
      feeder?.stop();
      for (const v of viewers) v.close();
      for (const c of clients) c.close();
      fixture.close();
    }
  });
});
