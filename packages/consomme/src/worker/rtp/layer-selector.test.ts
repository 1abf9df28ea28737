import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { PacketLayerInfo } from './layer-info.js';
import { LayerSelector } from './layer-selector.js';
import { Vp8PictureRewriter } from './vp8-picture-rewriter.js';

function packet(fields: Partial<PacketLayerInfo>): PacketLayerInfo {
  return Object.assign(new PacketLayerInfo(), { frameStart: true, temporalSwitchPoint: true, ...fields });
}

test('simulcast: starts on the first key frame up to the target, then climbs to the target at its key frame', () => {
  const s = new LayerSelector({ svc: false, spatialLayers: 3, temporalLayers: 3 });
  s.setTarget(2, 2);
  assert.equal(s.onPacket(packet({ encodingIdx: 2, spatialLayer: 2 })), 'skip', 'no key frame yet');
  assert.equal(s.onPacket(packet({ encodingIdx: 0, spatialLayer: 0, keyFrame: true })), 'forward');
  assert.equal(s.streamChanged, true);
  assert.equal(s.currentSpatial, 0);
  assert.equal(s.onPacket(packet({ encodingIdx: 1, spatialLayer: 1 })), 'skip', 'layer 1 without key frame');
  assert.equal(s.onPacket(packet({ encodingIdx: 1, spatialLayer: 1, keyFrame: true })), 'forward', 'a key frame on the way up');
  assert.equal(s.currentSpatial, 1);
  assert.equal(s.onPacket(packet({ encodingIdx: 0, spatialLayer: 0, keyFrame: true })), 'skip', 'never back down on its own');
  assert.equal(s.onPacket(packet({ encodingIdx: 2, spatialLayer: 2, keyFrame: true })), 'forward');
  assert.equal(s.currentSpatial, 2);
});

test('simulcast: going down waits for a key frame of a stream not below the target', () => {
  const s = new LayerSelector({ svc: false, spatialLayers: 3, temporalLayers: 1 });
  s.onPacket(packet({ encodingIdx: 2, keyFrame: true }));
  assert.equal(s.currentSpatial, 2);
  assert.equal(s.setTarget(0, 0), true, 'a key frame is needed on the new target');
  assert.equal(s.onPacket(packet({ encodingIdx: 2 })), 'forward', 'keeps the current stream meanwhile');
  assert.equal(s.onPacket(packet({ encodingIdx: 0 })), 'skip');
  assert.equal(s.onPacket(packet({ encodingIdx: 0, keyFrame: true })), 'forward');
  assert.equal(s.currentSpatial, 0);
  assert.equal(s.onPacket(packet({ encodingIdx: 2, keyFrame: true })), 'skip');
});

test('temporal layers: down at any frame start, up at a base-layer frame or a switching point', () => {
  const s = new LayerSelector({ svc: false, spatialLayers: 1, temporalLayers: 3 });
  s.onPacket(packet({ keyFrame: true, temporalLayer: 0 }));
  assert.equal(s.currentTemporal, 2);
  s.setTarget(0, 0);
  assert.equal(s.onPacket(packet({ temporalLayer: 2, temporalSwitchPoint: false })), 'drop');
  assert.equal(s.currentTemporal, 0);
  assert.equal(s.onPacket(packet({ temporalLayer: 1, frameStart: false })), 'drop');
  s.setTarget(0, 2);
  assert.equal(s.onPacket(packet({ temporalLayer: 2, temporalSwitchPoint: false })), 'drop', 'not a switching point');
  assert.equal(s.onPacket(packet({ temporalLayer: 1, temporalSwitchPoint: true })), 'forward', 'Y bit on layer 1');
  assert.equal(s.currentTemporal, 1);
  assert.equal(s.onPacket(packet({ temporalLayer: 2, temporalSwitchPoint: false })), 'drop');
  assert.equal(s.onPacket(packet({ temporalLayer: 0 })), 'forward');
  assert.equal(s.currentTemporal, 2);
  assert.equal(s.onPacket(packet({ temporalLayer: 2, temporalSwitchPoint: false })), 'forward');
});

test('SVC: upper spatial layers dropped, marker on the end of the highest forwarded layer, up only at a key picture', () => {
  const s = new LayerSelector({ svc: true, spatialLayers: 3, temporalLayers: 1 });
  s.setTarget(1, 0);
  assert.equal(s.onPacket(packet({ spatialLayer: 0, keyFrame: false })), 'drop', 'waits for a key picture');
  assert.equal(s.onPacket(packet({ spatialLayer: 0, keyFrame: true, layerFrameEnd: true })), 'forward');
  assert.equal(s.marker, false, 'layer 0 is not the top forwarded layer');
  assert.equal(s.onPacket(packet({ spatialLayer: 1, layerFrameEnd: false })), 'forward');
  assert.equal(s.onPacket(packet({ spatialLayer: 1, frameStart: false, layerFrameEnd: true })), 'forward');
  assert.equal(s.marker, true);
  assert.equal(s.onPacket(packet({ spatialLayer: 2 })), 'drop');
  s.setTarget(2, 0);
  assert.equal(s.onPacket(packet({ spatialLayer: 0 })), 'forward');
  assert.equal(s.onPacket(packet({ spatialLayer: 2 })), 'drop', 'no key picture yet');
  assert.equal(s.onPacket(packet({ spatialLayer: 0, keyFrame: true })), 'forward');
  assert.equal(s.onPacket(packet({ spatialLayer: 2, layerFrameEnd: true })), 'forward');
  assert.equal(s.marker, true);
  s.setTarget(0, 0);
  assert.equal(s.onPacket(packet({ spatialLayer: 0, layerFrameEnd: true })), 'forward', 'down at the next picture');
  assert.equal(s.marker, true);
  assert.equal(s.onPacket(packet({ spatialLayer: 1 })), 'drop');
});

test('property: never forwards above the target once settled, never throws', () => {
  fc.assert(
    fc.property(
      fc.boolean(),
      fc.array(fc.record({ idx: fc.integer({ min: 0, max: 3 }), t: fc.integer({ min: 0, max: 3 }), key: fc.boolean(), start: fc.boolean(), sw: fc.boolean(), target: fc.option(fc.tuple(fc.integer({ min: -1, max: 3 }), fc.integer({ min: -1, max: 3 }))) }), { maxLength: 200 }),
      (svc, steps) => {
        const s = new LayerSelector({ svc, spatialLayers: 3, temporalLayers: 3 });
        for (const step of steps) {
          if (step.target) s.setTarget(step.target[0], step.target[1]);
          const info = packet({ encodingIdx: svc ? 0 : step.idx, spatialLayer: step.idx, temporalLayer: step.t, keyFrame: step.key, frameStart: step.start, temporalSwitchPoint: step.sw });
          const d = s.onPacket(info);
          if (d === 'forward') {
            assert.ok(s.currentSpatial >= 0 && s.currentSpatial <= 2);
            assert.ok(info.temporalLayer <= s.currentTemporal);
            if (svc) assert.ok(info.spatialLayer <= s.currentSpatial);
            else assert.equal(info.encodingIdx, s.currentSpatial);
          }
        }
      },
    ),
    { numRuns: 2000 },
  );
});

test('VP8 picture ids: dropped frames leave no hole; a stream switch continues the numbering', () => {
  const r = new Vp8PictureRewriter();
  const frame = (pictureId: number, tl0PicIdx: number): PacketLayerInfo => packet({ pictureId, pictureIdBits: 15, tl0PicIdx });
  r.map(frame(100, 7));
  assert.deepEqual([r.pictureId, r.tl0PicIdx], [100, 7]);
  r.drop(frame(101, 7));
  r.drop(frame(101, 7)); // a second packet of the same dropped frame
  r.map(frame(102, 7));
  assert.equal(r.pictureId, 101);
  r.map(frame(102, 7)); // another packet of the same frame keeps its number
  assert.equal(r.pictureId, 101);
  r.sync();
  r.map(frame(30000, 200)); // another stream, key frame
  assert.deepEqual([r.pictureId, r.tl0PicIdx], [102, 8]);
  r.map(frame(30001, 200));
  assert.equal(r.pictureId, 103);
  r.sync();
  r.map(frame(5, 255));
  r.map(frame(0x7fff, 254));
  assert.equal(r.pictureId, (104 - 6 + 0x8000) & 0x7fff, 'wraps at 15 bits');
});
