import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DTI_DISCARDABLE as D,
  DTI_NOT_PRESENT as N,
  DTI_REQUIRED as R,
  DTI_SWITCH as S,
  parseDependencyDescriptor,
  serializeDependencyDescriptor,
  type DependencyDescriptor,
  type TemplateStructure,
} from './dependency-descriptor.js';

const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Bytes from a bit string, one field per group (spaces ignored), zero-padded to a byte. */
function bits(...fields: string[]): Uint8Array {
  const s = fields.join('').replace(/\s/g, '');
  const out = new Uint8Array(Math.ceil(s.length / 8));
  for (let i = 0; i < s.length; i++) if (s[i] === '1') out[i >> 3]! |= 0x80 >> (i & 7);
  return out;
}

function parse(bytes: Uint8Array, structure?: TemplateStructure): DependencyDescriptor {
  const r = parseDependencyDescriptor(bytes, structure);
  assert.ok(r.ok, `parse failed: ${r.ok ? '' : r.problem}`);
  return r.descriptor;
}

// Captured from Chromium 156 sending AV1 with scalabilityMode L1T3: the first packet of the key frame.
const L1T3_KEY_PACKET = '800001800214eaa860414d141020842704ff02cf';
// The same for L3T3_KEY (all three spatial layers at 320x180, 640x360, 1280x720).
const L3T3_KEY_PACKET =
  'c0000180081485214eaaaaa8000600004000100002aa80a8000600004000100002a000a800060000400016d549241b5524906d54923157e001974ca864330e222396eca8655304224390eca87753013f00b3027f016704ff02cf';

describe('dependency descriptor: structures as libwebrtc sends them', () => {
  test('L1T3: five templates, three decode targets, one chain, a resolution', () => {
    const d = parse(hex(L1T3_KEY_PACKET));
    // Mandatory fields: 1 0 000000 | frame_number 0x0001.
    assert.equal(d.startOfFrame, true);
    assert.equal(d.endOfFrame, false);
    assert.equal(d.templateId, 0);
    assert.equal(d.frameNumber, 1);
    // Extended: structure present, no bitmask, no custom fields.
    assert.equal(d.activeDecodeTargets, undefined);
    assert.deepEqual([d.customDtis, d.customFdiffs, d.customChains], [false, false, false]);
    const s = d.structure!;
    assert.equal(s.templateIdOffset, 0);
    assert.equal(s.decodeTargetCount, 3);
    assert.deepEqual(
      s.templates.map((t) => [t.spatialId, t.temporalId]),
      [[0, 0], [0, 0], [0, 1], [0, 2], [0, 2]],
    );
    // T0 frames are switch points for every target; T1 discardable for DT1 and a switch for DT2; T2 discardable.
    assert.deepEqual(
      s.templates.map((t) => t.dtis),
      [[S, S, S], [S, S, S], [N, D, S], [N, N, D], [N, N, D]],
    );
    assert.deepEqual(s.templates.map((t) => t.fdiffs), [[], [4], [2], [1], [1]]);
    assert.equal(s.chainCount, 1);
    assert.deepEqual(s.decodeTargetProtectedBy, [0, 0, 0]);
    assert.deepEqual(s.templates.map((t) => t.chainFdiffs), [[0], [4], [2], [1], [3]]);
    assert.deepEqual(s.decodeTargetLayers, [
      { spatialId: 0, temporalId: 0 },
      { spatialId: 0, temporalId: 1 },
      { spatialId: 0, temporalId: 2 },
    ]);
    assert.deepEqual(s.resolutions, [{ width: 1280, height: 720 }]);
    // The frame itself uses template 0: the key frame, no references.
    assert.deepEqual([d.spatialId, d.temporalId, d.fdiffs, d.dtis], [0, 0, [], [S, S, S]]);
  });

  test('L3T3_KEY: fifteen templates, nine decode targets, three chains, three resolutions', () => {
    const d = parse(hex(L3T3_KEY_PACKET));
    assert.deepEqual([d.startOfFrame, d.endOfFrame, d.templateId, d.frameNumber], [true, true, 0, 1]);
    const s = d.structure!;
    assert.equal(s.templateIdOffset, 0);
    assert.equal(s.decodeTargetCount, 9);
    const layers = s.templates.map((t) => `S${t.spatialId}T${t.temporalId}`);
    assert.deepEqual(layers, ['S0T0', 'S0T0', 'S0T1', 'S0T2', 'S0T2', 'S1T0', 'S1T0', 'S1T1', 'S1T2', 'S1T2', 'S2T0', 'S2T0', 'S2T1', 'S2T2', 'S2T2']);
    // The key picture's base frame serves every target; later base frames only their own layer (K-SVC).
    assert.deepEqual(s.templates[0]!.dtis, [S, S, S, S, S, S, S, S, S]);
    assert.deepEqual(s.templates[1]!.dtis, [S, S, S, N, N, N, N, N, N]);
    assert.deepEqual(s.templates[5]!.dtis, [N, N, N, S, S, S, S, S, S]);
    assert.deepEqual(s.templates[6]!.dtis, [N, N, N, S, S, S, N, N, N]);
    assert.deepEqual(s.templates[12]!.dtis, [N, N, N, N, N, N, N, D, S]);
    assert.deepEqual(s.templates[14]!.dtis, [N, N, N, N, N, N, N, N, D]);
    // Upper key layers reference the layer below (1); later frames their own layer 12, 6 or 3 frames back.
    assert.deepEqual(s.templates.map((t) => t.fdiffs), [[], [12], [6], [3], [3], [1], [12], [6], [3], [3], [1], [12], [6], [3], [3]]);
    // chain_cnt = ns(10) read as 3; decode_target_protected_by = ns(3) values 0, 1 and 2.
    assert.equal(s.chainCount, 3);
    assert.deepEqual(s.decodeTargetProtectedBy, [0, 0, 0, 1, 1, 1, 2, 2, 2]);
    assert.deepEqual(s.templates[0]!.chainFdiffs, [0, 0, 0]);
    assert.deepEqual(s.templates[11]!.chainFdiffs, [2, 1, 12]);
    assert.deepEqual(
      s.decodeTargetLayers.map((l) => `S${l.spatialId}T${l.temporalId}`),
      ['S0T0', 'S0T1', 'S0T2', 'S1T0', 'S1T1', 'S1T2', 'S2T0', 'S2T1', 'S2T2'],
    );
    assert.deepEqual(s.resolutions, [
      { width: 320, height: 180 },
      { width: 640, height: 360 },
      { width: 1280, height: 720 },
    ]);
  });

  test('mandatory-only packets (captured) take their layers from the stored structure', () => {
    const structure = parse(hex(L3T3_KEY_PACKET)).structure!;
    // 11 000100 | 0x005e: a whole S0T2 frame.
    let d = parse(hex('c4005e'), structure);
    assert.deepEqual([d.startOfFrame, d.endOfFrame, d.templateId, d.frameNumber, d.spatialId, d.temporalId], [true, true, 4, 94, 0, 2]);
    assert.equal(d.structure, undefined);
    assert.deepEqual(d.fdiffs, [3]);
    // 01 001000 | 0x013d: the last packet of an S1T2 frame.
    d = parse(hex('48013d'), structure);
    assert.deepEqual([d.startOfFrame, d.endOfFrame, d.templateId, d.frameNumber, d.spatialId, d.temporalId], [false, true, 8, 317, 1, 2]);
    // 00 001101 | 0x01e6: a middle packet of an S2T2 frame.
    d = parse(hex('0d01e6'), structure);
    assert.deepEqual([d.startOfFrame, d.endOfFrame, d.templateId, d.frameNumber, d.spatialId, d.temporalId], [false, false, 13, 486, 2, 2]);
  });

  test('captured structures re-serialize to the same bytes', () => {
    for (const h of [L1T3_KEY_PACKET, L3T3_KEY_PACKET]) {
      const d = parse(hex(h));
      assert.equal(toHex(serializeDependencyDescriptor(d)), h);
    }
  });
});

describe('dependency descriptor: hand-built vectors', () => {
  const l3t3 = parse(hex(L3T3_KEY_PACKET)).structure!;
  const l1t3 = parse(hex(L1T3_KEY_PACKET)).structure!;

  test('active_decode_targets_bitmask without a structure (f(DtCnt) bits)', () => {
    const bytes = bits(
      '1 1 000100', // start, end, template 4
      '0000000001011110', // frame_number 94
      '0 1 0 0 0', // no structure, bitmask present, no custom fields
      '000000111', // 9 decode targets: only spatial layer 0's
    );
    assert.equal(toHex(bytes), 'c4005e401c');
    const d = parse(bytes, l3t3);
    assert.equal(d.activeDecodeTargets, 0b000000111);
    assert.deepEqual([d.spatialId, d.temporalId], [0, 2]);
    assert.equal(toHex(serializeDependencyDescriptor(d, l3t3)), 'c4005e401c');
  });

  test('custom DTIs, fdiffs (1, 2 and 3 nibbles) and chains', () => {
    const bytes = bits(
      '1 0 000010', // start, template 2 (T1)
      '0000000000000111', // frame_number 7
      '0 0 1 1 1', // custom DTIs, fdiffs, chains
      '11 11 11', // DTIs: required for the three targets
      '01 0000', // fdiff 1 in one nibble
      '10 00010011', // fdiff 20 in two
      '11 000111110011', // fdiff 500 in three
      '00', // no more fdiffs
      '00000101', // chain 0: 5
    );
    const d = parse(bytes, l1t3);
    assert.deepEqual(d.dtis, [R, R, R]);
    assert.deepEqual(d.fdiffs, [1, 20, 500]);
    assert.deepEqual(d.chainFdiffs, [5]);
    // Layers still come from the template.
    assert.deepEqual([d.spatialId, d.temporalId, d.frameNumber], [0, 1, 7]);
    assert.deepEqual(serializeDependencyDescriptor(d, l1t3), bytes);
  });

  test('template ids count from template_id_offset, modulo 64', () => {
    const structure: TemplateStructure = {
      templateIdOffset: 62,
      decodeTargetCount: 2,
      templates: [
        { spatialId: 0, temporalId: 0, dtis: [S, S], fdiffs: [], chainFdiffs: [] },
        { spatialId: 0, temporalId: 0, dtis: [S, S], fdiffs: [2], chainFdiffs: [] },
        { spatialId: 0, temporalId: 1, dtis: [N, D], fdiffs: [1], chainFdiffs: [] },
      ],
      chainCount: 0,
      decodeTargetProtectedBy: [],
      decodeTargetLayers: [
        { spatialId: 0, temporalId: 0 },
        { spatialId: 0, temporalId: 1 },
      ],
      resolutions: undefined,
    };
    const key: DependencyDescriptor = {
      startOfFrame: true, endOfFrame: true, templateId: 62, frameNumber: 65535, structure, activeDecodeTargets: undefined,
      customDtis: false, customFdiffs: false, customChains: false, spatialId: 0, temporalId: 0, dtis: [S, S], fdiffs: [], chainFdiffs: [],
    };
    const bytes = serializeDependencyDescriptor(key);
    assert.deepEqual(parse(bytes), key);
    // Template 0 is the third one (62, 63, 0): temporal layer 1.
    assert.equal(parse(bits('11 000000', '0'.repeat(16)), structure).temporalId, 1);
    assert.equal(parse(bits('11 111111', '0'.repeat(16)), structure).fdiffs[0], 2);
    const unknown = parseDependencyDescriptor(bits('11 000001', '0'.repeat(16)), structure);
    assert.deepEqual(unknown, { ok: false, problem: 'unknown-template' });
  });

  test('ns(n) chain fields round-trip for every decode target and chain count', () => {
    for (let dtCount = 1; dtCount <= 32; dtCount++) {
      for (const chainCount of new Set([0, 1, Math.ceil(dtCount / 2), dtCount])) {
        const structure: TemplateStructure = {
          templateIdOffset: 5,
          decodeTargetCount: dtCount,
          templates: [{ spatialId: 0, temporalId: 0, dtis: Array(dtCount).fill(S), fdiffs: [], chainFdiffs: Array(chainCount).fill(15) }],
          chainCount,
          decodeTargetProtectedBy: Array.from({ length: chainCount > 0 ? dtCount : 0 }, (_, i) => i % chainCount),
          decodeTargetLayers: Array(dtCount).fill({ spatialId: 0, temporalId: 0 }),
          resolutions: [{ width: 65536, height: 1 }],
        };
        const d: DependencyDescriptor = {
          startOfFrame: true, endOfFrame: false, templateId: 5, frameNumber: 3, structure, activeDecodeTargets: 2 ** dtCount - 1,
          customDtis: false, customFdiffs: false, customChains: false, spatialId: 0, temporalId: 0, dtis: structure.templates[0]!.dtis, fdiffs: [], chainFdiffs: structure.templates[0]!.chainFdiffs,
        };
        assert.deepEqual(parse(serializeDependencyDescriptor(d)), d, `dtCount ${dtCount} chainCount ${chainCount}`);
      }
    }
  });
});

describe('dependency descriptor: failures are values', () => {
  const l1t3 = parse(hex(L1T3_KEY_PACKET)).structure!;
  const cases: [string, Uint8Array, TemplateStructure | undefined, string][] = [
    ['fewer than 3 bytes', hex('c000'), l1t3, 'too-short'],
    ['empty', hex(''), undefined, 'too-short'],
    ['a frame before any structure', hex('c4005e'), undefined, 'no-structure'],
    ['a bitmask before any structure', hex('c4005e401c'), undefined, 'no-structure'],
    ['template 5 of 5', bits('11 000101', '0'.repeat(16)), l1t3, 'unknown-template'],
    ['a structure cut short', hex(L1T3_KEY_PACKET.slice(0, 20)), undefined, 'truncated'],
    ['custom chains past the end', bits('11 000000', '0'.repeat(16), '0 0 0 0 1', '000'), l1t3, 'truncated'],
    ['65 templates', bits('10 000000', '0'.repeat(16), '1 0 0 0 0', '000000', '00000', '0'.repeat(130)), undefined, 'too-many-templates'],
  ];
  for (const [name, bytes, structure, problem] of cases) {
    test(name, () => {
      assert.deepEqual(parseDependencyDescriptor(bytes, structure), { ok: false, problem });
    });
  }

  test('extended fields on serialize need a structure', () => {
    const d = parse(hex('c4005e401c'), parse(hex(L3T3_KEY_PACKET)).structure!);
    assert.throws(() => serializeDependencyDescriptor(d), TypeError);
  });
});
