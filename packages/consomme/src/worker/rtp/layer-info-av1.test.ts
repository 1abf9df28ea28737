/**
 * AV1 layer selection from the dependency descriptor: an L3T3_KEY stream
 * described with the template structure Chromium 156 sends, read by
 * PacketLayerInfo.readAv1 and filtered by the SVC LayerSelector.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDependencyDescriptor, serializeDependencyDescriptor, type DependencyDescriptor, type TemplateStructure } from '../../wire/rtp/dependency-descriptor.js';
import { PacketLayerInfo } from './layer-info.js';
import { LayerSelector } from './layer-selector.js';

const KEY_PACKET = Buffer.from(
  'c0000180081485214eaaaaa8000600004000100002aa80a8000600004000100002a000a800060000400016d549241b5524906d54923157e001974ca864330e222396eca8655304224390eca87753013f00b3027f016704ff02cf',
  'hex',
);
const first = parseDependencyDescriptor(KEY_PACKET);
assert.ok(first.ok);
const STRUCTURE: TemplateStructure = first.descriptor.structure!;

interface Sent {
  spatial: number;
  temporal: number;
  decision: string;
  marker: boolean;
}

/**
 * One temporal unit: for each spatial layer, a two-packet layer frame using
 * `templates[s]`; the key unit's first packet carries the structure.
 */
function temporalUnit(templates: number[], frameNumber: number, key: boolean): DependencyDescriptor[] {
  const out: DependencyDescriptor[] = [];
  templates.forEach((templateId, s) => {
    for (const part of [0, 1]) {
      const withStructure = key && s === 0 && part === 0;
      const d: DependencyDescriptor = {
        ...first.ok ? first.descriptor : (undefined as never),
        startOfFrame: part === 0,
        endOfFrame: part === 1,
        templateId,
        frameNumber: frameNumber + s,
        structure: withStructure ? STRUCTURE : undefined,
      };
      // Through the wire format, so the test reads what a producer would.
      const r = parseDependencyDescriptor(serializeDependencyDescriptor(d, STRUCTURE), STRUCTURE);
      assert.ok(r.ok);
      out.push(r.descriptor);
    }
  });
  return out;
}

// libwebrtc's L3T3_KEY cycle after the key unit: T2, T1, T2, T0 (templates from the captured structure).
const KEY = [0, 5, 10];
const CYCLE = [
  [3, 8, 13],
  [2, 7, 12],
  [4, 9, 14],
  [1, 6, 11],
];

function run(selector: LayerSelector, units: DependencyDescriptor[][]): Sent[] {
  const info = new PacketLayerInfo();
  const sent: Sent[] = [];
  for (const unit of units) {
    for (const dd of unit) {
      info.readAv1(dd, STRUCTURE, false);
      const decision = selector.onPacket(info);
      sent.push({ spatial: info.spatialLayer, temporal: info.temporalLayer, decision, marker: selector.marker });
    }
  }
  return sent;
}

function stream(cycles: number): DependencyDescriptor[][] {
  const units = [temporalUnit(KEY, 1, true)];
  let frame = 4;
  for (let c = 0; c < cycles; c++) {
    for (const templates of CYCLE) {
      units.push(temporalUnit(templates, frame, false));
      frame += 3;
    }
  }
  return units;
}

test('readAv1: layers, frame bounds, key frame and switching points come from the templates', () => {
  const info = new PacketLayerInfo();
  const [keyStart, keyEnd, s1Start] = temporalUnit(KEY, 1, true);
  info.readAv1(keyStart!, STRUCTURE, false);
  assert.deepEqual([info.spatialLayer, info.temporalLayer, info.frameStart, info.layerFrameEnd, info.keyFrame], [0, 0, true, false, true]);
  info.readAv1(keyEnd!, STRUCTURE, false);
  assert.deepEqual([info.frameStart, info.layerFrameEnd, info.keyFrame], [false, true, false]);
  info.readAv1(s1Start!, STRUCTURE, false);
  assert.deepEqual([info.spatialLayer, info.temporalLayer, info.keyFrame], [1, 0, false], 'an upper layer of the key unit is not a start point');
  const [t2] = temporalUnit(CYCLE[0]!, 4, false);
  info.readAv1(t2!, STRUCTURE, false);
  // S0T2 frames are "discardable" for the one target they belong to, not a signalled switch.
  assert.deepEqual([info.spatialLayer, info.temporalLayer, info.temporalSwitchPoint], [0, 2, false]);
  const [t1] = temporalUnit(CYCLE[1]!, 7, false);
  info.readAv1(t1!, STRUCTURE, false);
  assert.deepEqual([info.temporalLayer, info.temporalSwitchPoint], [1, true], 'S0T1 is a switch for decode target S0T2');
  // The aggregation header's key-frame bit is honoured even without a structure.
  info.readAv1(temporalUnit(CYCLE[3]!, 13, false)[0]!, STRUCTURE, true);
  assert.equal(info.keyFrame, true);
});

test('AV1 L3T3_KEY: spatial target 0 forwards S0 only, with the marker on the end of its layer frames', () => {
  const selector = new LayerSelector({ svc: true, spatialLayers: 3, temporalLayers: 3 });
  selector.setTarget(0, 2);
  const sent = run(selector, stream(2));
  for (const p of sent) assert.equal(p.decision, p.spatial === 0 ? 'forward' : 'drop', JSON.stringify(p));
  const forwarded = sent.filter((p) => p.decision === 'forward');
  assert.equal(forwarded.length, 2 * 9);
  // Every forwarded layer frame ends with a marker: one per temporal unit.
  assert.deepEqual(
    forwarded.map((p) => p.marker),
    forwarded.map((_, i) => i % 2 === 1),
  );
});

test('AV1 L3T3_KEY: temporal target 0 keeps the base layer of S0..S1; T1/T2 frames are dropped', () => {
  const selector = new LayerSelector({ svc: true, spatialLayers: 3, temporalLayers: 3 });
  selector.setTarget(1, 0);
  const sent = run(selector, stream(2));
  for (const p of sent) assert.equal(p.decision, p.spatial <= 1 && p.temporal === 0 ? 'forward' : 'drop', JSON.stringify(p));
  // The marker moves to the end of the S1 frame (the top forwarded layer), never on S0.
  assert.ok(sent.every((p) => !p.marker || (p.spatial === 1 && p.decision === 'forward')));
  assert.equal(sent.filter((p) => p.marker).length, 3, 'key unit and two T0 units');
});

test('AV1 L3T3_KEY: going up waits for a key unit; going down happens at the next picture', () => {
  const selector = new LayerSelector({ svc: true, spatialLayers: 3, temporalLayers: 3 });
  selector.setTarget(0, 2);
  run(selector, stream(1));
  assert.equal(selector.currentSpatial, 0);
  assert.equal(selector.setTarget(2, 2), true, 'a key frame is needed');
  let sent = run(selector, [temporalUnit(CYCLE[0]!, 20, false)]);
  assert.ok(sent.every((p) => p.decision === (p.spatial === 0 ? 'forward' : 'drop')), 'no key unit yet: still S0');
  sent = run(selector, [temporalUnit(KEY, 23, true)]);
  assert.ok(sent.every((p) => p.decision === 'forward'), 'the key unit brings all three layers');
  assert.equal(selector.currentSpatial, 2);
  assert.deepEqual(sent.map((p) => p.marker), [false, false, false, false, false, true]);
  selector.setTarget(1, 2);
  sent = run(selector, [temporalUnit(CYCLE[1]!, 26, false)]);
  assert.equal(selector.currentSpatial, 1);
  assert.deepEqual(sent.map((p) => p.decision), ['forward', 'forward', 'forward', 'forward', 'drop', 'drop']);
});

test('AV1: nothing is forwarded before the first key unit', () => {
  const selector = new LayerSelector({ svc: true, spatialLayers: 3, temporalLayers: 3 });
  const units = stream(1);
  const sent = run(selector, [...units.slice(1), units[0]!]);
  const firstForward = sent.findIndex((p) => p.decision === 'forward');
  assert.equal(firstForward, 4 * 6, 'the key unit comes last here, and forwarding starts with it');
});
