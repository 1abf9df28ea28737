/**
 * The light participant (bench/light-viewer/publisher.ts) in a room of three on Consommé:
 * each publishes the clip (VP8 + Opus) over its own WebRTC connection and receives the two
 * others. Every receiver must count what the others sent, within 1%, with no sequence gaps
 * to speak of, and every packet must keep the send-time stamp. Counts only, not timing.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FEEDER_AUDIO_SSRC, FEEDER_VIDEO_SSRC, loadClip } from '../../bench/fanout/clip.js';
import { windowOf } from '../../bench/light-viewer/counters.js';
import { ClipPacer, LightParticipant } from '../../bench/light-viewer/publisher.js';
import { startConsommeRoom } from '../../bench/room/consomme-room.js';

const M = 3;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('light participant', { timeout: 60_000 }, () => {
  test('in a room of three, each receives what the two others sent', async () => {
    const clip = loadClip({ videoSsrc: FEEDER_VIDEO_SSRC, audioSsrc: FEEDER_AUDIO_SSRC });
    const sfu = await startConsommeRoom();
    const participants: LightParticipant[] = [];
    try {
      for (let i = 0; i < M; i++) participants.push(await LightParticipant.create(i));
      await sfu.join(participants);
      assert.ok(participants.every((p) => p.sender.connected && p.receiver.connected));

      // Everyone starts on a keyframe after all are connected: nothing should be missed.
      const pacer = new ClipPacer(clip, participants, { durationMs: 3000 });
      pacer.start();
      await pacer.done;
      await sleep(500); // the last packets in flight

      for (const p of participants) {
        assert.equal(p.sent.failed, 0);
        assert.ok(p.sent.video > 200 && p.sent.audio > 100, `participant ${p.index} sent ${JSON.stringify(p.sent)}`);
        const expected = participants.filter((o) => o !== p).reduce((n, o) => n + o.sentTotal, 0);
        const received = p.receivedTotal;
        assert.ok(Math.abs(received - expected) <= expected * 0.01, `participant ${p.index}: received ${received}, the others sent ${expected}`);
        // Two others × (video + audio), each with its own consumer SSRC.
        assert.equal(p.receiver.counters.size, 2 * (M - 1));
        let lost = 0;
        for (const snap of p.receiver.snapshot().values()) lost += windowOf(undefined, snap).lost;
        assert.ok(lost <= expected * 0.01, `participant ${p.index}: ${lost} lost`);
        assert.ok(p.receiver.delay.total >= received * 0.99, `participant ${p.index}: ${p.receiver.delay.total} stamped of ${received}`);
        assert.equal(p.receiver.srtpDropped, 0);
      }
    } finally {
      for (const p of participants) p.close();
      await sfu.close();
    }
  });
});
