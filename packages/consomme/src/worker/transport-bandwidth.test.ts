import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTransportCc } from '../wire/rtcp/transport-cc.js';
import type { ConsumerLayers } from './consumer.js';
import { TransportBandwidth, type BandwidthConsumer } from './transport-bandwidth.js';

/** A layered consumer of a 3-layer simulcast producer (bps per layer, cumulative in temporal). */
class FakeConsumer implements BandwidthConsumer {
  readonly producerId = 'p';
  readonly layered = true;
  priority = 1;
  active = true;
  preferredLayers: ConsumerLayers = { spatialLayer: 2, temporalLayer: 0 };
  targetLayers: ConsumerLayers | undefined = { spatialLayer: 2, temporalLayer: 0 };
  readonly probes: { cluster: number; at: number }[] = [];
  clock = 0;
  constructor(readonly id: string) {}
  get canSendProbePadding(): boolean {
    return this.active;
  }
  sendBitrate(): number {
    return 0;
  }
  setTargetLayers(spatial: number, temporal: number): void {
    this.targetLayers = { spatialLayer: spatial, temporalLayer: temporal };
  }
  sendProbePadding(cluster: number): number {
    this.probes.push({ cluster, at: this.clock });
    return 1000;
  }
}

const LAYERS = [[150_000], [500_000], [1_200_000]];

function setup(initial = 600_000): { bw: TransportBandwidth; c: FakeConsumer } {
  const c = new FakeConsumer('c');
  const bw = new TransportBandwidth(initial, 0, { consumers: () => [c], layerBitrates: () => LAYERS, trace: () => undefined });
  return { bw, c };
}

/** Feedback saying packets 0..n-1, sent 5 ms apart, arrived 5 ms apart (an idle fast path). */
function feedback(bw: TransportBandwidth, fromSeq: number, n: number, at: number): void {
  for (let i = 0; i < n; i++) bw.onPacketSent((fromSeq + i) & 0xffff, 1200, at - 100 + i * 5);
  const packets = Array.from({ length: n }, (_, i) => ({ seq: (fromSeq + i) & 0xffff, received: true, deltaUs: i === 0 ? 0 : 5000 }));
  bw.onFeedback(buildTransportCc({ senderSsrc: 1, mediaSsrc: 0, baseSequenceNumber: fromSeq & 0xffff, referenceTime: Math.floor(at / 64), feedbackPacketCount: 0, packets }), at);
}

test('nothing is limited before the first feedback', () => {
  const { bw, c } = setup(100_000);
  for (let t = 0; t < 2000; t += 20) {
    c.clock = t;
    bw.onTick(t);
  }
  assert.equal(bw.active, false);
  assert.deepEqual(c.targetLayers, { spatialLayer: 2, temporalLayer: 0 }, 'preferred layers kept');
  assert.equal(c.probes.length, 0, 'no probing without feedback');
});

test('the first feedback allocates within the estimate; setMaxOutgoingBitrate caps it', () => {
  const { bw, c } = setup(600_000);
  feedback(bw, 0, 20, 200);
  assert.equal(bw.active, true);
  assert.ok(bw.availableOutgoingBitrate <= 600_000 * 1.5, `estimate ${bw.availableOutgoingBitrate}`);
  assert.deepEqual(c.targetLayers, { spatialLayer: 1, temporalLayer: 0 }, '500 kbps fits 600 kbps with 10% spare; 1.2 Mbps does not');
  bw.setMaxOutgoingBitrate(300_000, 300);
  assert.equal(bw.maxOutgoingBitrate, 300_000);
  assert.ok(bw.availableOutgoingBitrate <= 300_000);
  assert.deepEqual(c.targetLayers, { spatialLayer: 0, temporalLayer: 0 });
  assert.throws(() => bw.setMinOutgoingBitrate(400_000, 300), TypeError, 'min above max');
});

test('probe clusters are paced over several ticks, not sent in one burst', () => {
  const { bw, c } = setup(600_000);
  feedback(bw, 0, 20, 200);
  for (let t = 220; t < 600; t += 20) {
    c.clock = t;
    bw.onTick(t);
  }
  assert.ok(c.probes.length > 0, 'the initial probes go out once feedback flows');
  const first = c.probes.filter((p) => p.cluster === c.probes[0]!.cluster);
  const ticks = new Set(first.map((p) => p.at));
  assert.ok(ticks.size >= 3, `cluster ${c.probes[0]!.cluster}: ${first.length} packets over ${ticks.size} ticks`);
});

test('an inactive consumer sends no probes', () => {
  const { bw, c } = setup(600_000);
  feedback(bw, 0, 20, 200);
  c.active = false;
  for (let t = 220; t < 600; t += 20) bw.onTick(t);
  assert.equal(c.probes.length, 0);
});
