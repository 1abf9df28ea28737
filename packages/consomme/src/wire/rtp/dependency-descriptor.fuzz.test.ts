import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseDependencyDescriptor, serializeDependencyDescriptor, type DependencyDescriptor, type TemplateStructure } from './dependency-descriptor.js';

const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));

// Captured from Chromium 156 (AV1 L1T3 and L3T3_KEY key frames), and mandatory-only packets.
const L1T3 = hex('800001800214eaa860414d141020842704ff02cf');
const L3T3_KEY = hex(
  'c0000180081485214eaaaaa8000600004000100002aa80a8000600004000100002a000a800060000400016d549241b5524906d54923157e001974ca864330e222396eca8655304224390eca87753013f00b3027f016704ff02cf',
);
const structureOf = (b: Uint8Array): TemplateStructure => {
  const r = parseDependencyDescriptor(b);
  assert.ok(r.ok && r.descriptor.structure);
  return r.descriptor.structure;
};
const STRUCTURES = [structureOf(L1T3), structureOf(L3T3_KEY)];
const seeds = [L1T3, L3T3_KEY, hex('c4005e'), hex('48013d'), hex('0d01e6'), hex('c4005e401c')];

/** Well-formed descriptors of any shape: the writer builds them from random fields. */
const wellFormed = fc
  .record({
    dtCount: fc.integer({ min: 1, max: 32 }),
    steps: fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 20 }),
    dtiSeed: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 64 }),
    fdiffs: fc.array(fc.array(fc.integer({ min: 1, max: 16 }), { maxLength: 3 }), { minLength: 1, maxLength: 21 }),
    chainShare: fc.double({ min: 0, max: 1, noNaN: true }),
    chainFdiff: fc.integer({ min: 0, max: 15 }),
    resolutions: fc.boolean(),
    offset: fc.integer({ min: 0, max: 63 }),
    pick: fc.nat(),
    frameNumber: fc.integer({ min: 0, max: 0xffff }),
    flags: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
    customFdiffs: fc.array(fc.integer({ min: 1, max: 4096 }), { maxLength: 4 }),
  })
  .map((r) => {
    let spatialId = 0;
    let temporalId = 0;
    const layers = [{ spatialId, temporalId }];
    for (const step of r.steps) {
      if (step === 1) temporalId++;
      else if (step === 2) {
        spatialId++;
        temporalId = 0;
      }
      layers.push({ spatialId, temporalId });
    }
    const chainCount = Math.floor(r.chainShare * (r.dtCount + 1)) % (r.dtCount + 1);
    const templates = layers.map((l, i) => ({
      ...l,
      dtis: Array.from({ length: r.dtCount }, (_, dt) => r.dtiSeed[(i * r.dtCount + dt) % r.dtiSeed.length]!),
      fdiffs: r.fdiffs[i % r.fdiffs.length]!,
      chainFdiffs: Array(chainCount).fill(r.chainFdiff),
    }));
    const structure: TemplateStructure = {
      templateIdOffset: r.offset,
      decodeTargetCount: r.dtCount,
      templates,
      chainCount,
      decodeTargetProtectedBy: Array.from({ length: chainCount > 0 ? r.dtCount : 0 }, (_, i) => i % chainCount),
      decodeTargetLayers: [],
      resolutions: r.resolutions ? Array.from({ length: spatialId + 1 }, (_, s) => ({ width: 160 << s, height: 90 << s })) : undefined,
    };
    const index = r.pick % templates.length;
    const t = templates[index]!;
    const [attach, active, cDtis, cFdiffs, cChains, start] = r.flags;
    const d: DependencyDescriptor = {
      startOfFrame: start!,
      endOfFrame: !start,
      templateId: (index + r.offset) % 64,
      frameNumber: r.frameNumber,
      structure: attach ? structure : undefined,
      activeDecodeTargets: active ? r.pick % 2 ** r.dtCount : undefined,
      customDtis: cDtis!,
      customFdiffs: cFdiffs!,
      customChains: cChains!,
      spatialId: t.spatialId,
      temporalId: t.temporalId,
      dtis: t.dtis,
      fdiffs: cFdiffs ? r.customFdiffs : t.fdiffs,
      chainFdiffs: t.chainFdiffs,
    };
    return { bytes: serializeDependencyDescriptor(d, structure), structure };
  });

/** Known-good bytes with a few bytes overwritten and maybe cut. */
const mutated = fc
  .tuple(
    fc.oneof(fc.constantFrom(...seeds), wellFormed.map((w) => w.bytes)),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
    fc.nat(12),
  )
  .map(([seed, edits, cut]) => {
    const b = Uint8Array.from(seed);
    for (const [i, v] of edits) if (b.length > 0) b[i % b.length] = v;
    return cut > 6 ? b.subarray(0, Math.max(0, b.length - (cut - 6))) : b;
  });

const withStructure = (bytes: fc.Arbitrary<Uint8Array>): fc.Arbitrary<{ bytes: Uint8Array; structure: TemplateStructure | undefined }> =>
  fc.tuple(bytes, fc.option(fc.constantFrom(...STRUCTURES), { nil: undefined })).map(([b, structure]) => ({ bytes: b, structure }));

const input = fc.oneof(
  { arbitrary: withStructure(fc.uint8Array({ maxLength: 80 })), weight: 1 },
  { arbitrary: wellFormed, weight: 2 },
  { arbitrary: withStructure(mutated), weight: 3 },
);

const RUNS = 100_000;

test('parseDependencyDescriptor: never throws; what parses re-serializes to a descriptor that parses the same', (t) => {
  let parsed = 0;
  fc.assert(
    fc.property(input, ({ bytes, structure }) => {
      const r = parseDependencyDescriptor(bytes, structure);
      if (!r.ok) {
        assert.ok(typeof r.problem === 'string');
        return;
      }
      parsed++;
      const d = r.descriptor;
      const current = d.structure ?? structure;
      assert.ok(current, 'a parsed frame always has a structure');
      assert.ok(d.spatialId >= 0 && d.temporalId >= 0 && d.frameNumber <= 0xffff && d.templateId < 64);
      assert.equal(d.dtis.length, current.decodeTargetCount);
      const again = parseDependencyDescriptor(serializeDependencyDescriptor(d, current), structure);
      assert.ok(again.ok);
      assert.deepEqual(again.descriptor, d);
    }),
    { numRuns: RUNS },
  );
  t.diagnostic(`${parsed} of ${RUNS} parsed`);
  // A floor, so that a generator drifting into unparseable input fails here: a third are well-formed by construction.
  assert.ok(parsed > RUNS * 0.3, `${parsed} of ${RUNS} parsed`);
});
