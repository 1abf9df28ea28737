import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Producer as CoreProducer } from '../api/producer.js';
import { layerProfiles, profileOfLayer, spatialLayerFor, type LayerProfile } from './profiles.js';
import type { RtpProfile } from './types.js';

function core(kind: 'audio' | 'video', type: 'simple' | 'simulcast' | 'svc', encodings: object[]): CoreProducer {
  return { kind, type, rtpParameters: { codecs: [], encodings } } as unknown as CoreProducer;
}

describe('rooms profiles ↔ spatial layers', () => {
  test('layerProfiles: none without layers; the client labels, else by position', () => {
    assert.deepEqual(layerProfiles(core('audio', 'simple', [{ ssrc: 1 }]), undefined), []);
    assert.deepEqual(layerProfiles(core('video', 'simple', [{ ssrc: 1 }]), [{ ssrc: 1 }]), []);
    assert.deepEqual(layerProfiles(core('video', 'simulcast', [{}, {}, {}]), undefined), ['low', 'medium', 'high']);
    assert.deepEqual(layerProfiles(core('video', 'simulcast', [{}, {}]), [{ profile: 'low' }, { profile: 'high' }]), ['low', 'high']);
    // A bad label falls back to the position; layers past the third are 'high'.
    assert.deepEqual(layerProfiles(core('video', 'simulcast', [{}, {}, {}, {}]), [{ profile: 'ultra' }, 5, null]), ['low', 'medium', 'high', 'high']);
    assert.deepEqual(layerProfiles(core('video', 'svc', [{ scalabilityMode: 'L3T3_KEY' }]), [{ profile: 'high' }]), ['low', 'medium', 'high']);
    assert.deepEqual(layerProfiles(core('video', 'svc', [{ scalabilityMode: 'L2T1' }]), undefined), ['low', 'medium']);
  });

  const three: LayerProfile[] = ['low', 'medium', 'high'];
  const rows: [RtpProfile, readonly LayerProfile[], number][] = [
    // profile, the producer's layers, the spatial layer it allows
    ['low', three, 0],
    ['medium', three, 1],
    ['high', three, 2],
    ['default', three, 2],
    ['high', ['low', 'medium'], 1], // clamped to the layers there are
    ['default', ['low', 'medium'], 1],
    ['medium', ['low', 'high'], 0], // never above the preference
    ['low', ['medium', 'high'], 0], // all above it: the lowest
    ['high', [], 0],
  ];
  for (const [profile, layers, expected] of rows) {
    test(`spatialLayerFor('${profile}', [${layers.join(', ')}]) = ${expected}`, () => {
      assert.equal(spatialLayerFor(profile, layers), expected);
    });
  }

  test('profileOfLayer names the forwarded layer, clamped into range', () => {
    assert.equal(profileOfLayer(0, three), 'low');
    assert.equal(profileOfLayer(1, three), 'medium');
    assert.equal(profileOfLayer(2, three), 'high');
    assert.equal(profileOfLayer(5, ['low', 'medium']), 'medium');
    assert.equal(profileOfLayer(-1, three), 'low');
  });
});
