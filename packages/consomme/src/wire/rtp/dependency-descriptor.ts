/**
 * Dependency Descriptor RTP header extension, "RTP Payload Format For AV1"
 * (AOMedia), Appendix A (syntax A.8, semantics A.9).
 * https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension
 *
 *   mandatory fields (3 bytes, every packet):
 *    0                   1                   2
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3
 *   +-+-+-----------+-------------------------------+
 *   |S|E|template id|          frame_number         |
 *   +-+-+-----------+-------------------------------+
 *   then, only when the element is longer than 3 bytes, bit-packed (MSB first):
 *   | structure present | active DTs present | custom DTIs | custom fdiffs | custom chains |
 *   [template_dependency_structure]   (key frames: templates, DTIs, fdiffs, chains, resolutions)
 *   [active_decode_targets_bitmask]   f(DtCnt)
 *   [custom DTIs / fdiffs / chains]   per frame
 *   zero padding to the element's end
 *
 * A packet refers to a frame template by id; the templates arrive in the
 * template dependency structure, sent on key frames. So parsing a packet
 * needs the latest structure (`parseDependencyDescriptor(bytes, structure)`).
 * Never throws: bad bytes give `{ ok: false, problem }`.
 */

export const DEPENDENCY_DESCRIPTOR_URI = 'https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension';

/** Decode target indications (Table A.1). */
export const DTI_NOT_PRESENT = 0;
export const DTI_DISCARDABLE = 1;
export const DTI_SWITCH = 2;
export const DTI_REQUIRED = 3;

/** The spec caps templates at 64 (template ids are 6 bits). */
const MAX_TEMPLATES = 64;

export interface FrameTemplate {
  readonly spatialId: number;
  readonly temporalId: number;
  /** One decode target indication per decode target. */
  readonly dtis: readonly number[];
  /** Frame number differences to the frames this one references. */
  readonly fdiffs: readonly number[];
  /** One frame number difference per chain (0: the chain starts here). */
  readonly chainFdiffs: readonly number[];
}

export interface DecodeTargetLayer {
  readonly spatialId: number;
  readonly temporalId: number;
}

export interface RenderResolution {
  readonly width: number;
  readonly height: number;
}

export interface TemplateStructure {
  readonly templateIdOffset: number;
  readonly decodeTargetCount: number;
  readonly templates: readonly FrameTemplate[];
  readonly chainCount: number;
  /** Per decode target, the chain protecting it (empty when there are no chains). */
  readonly decodeTargetProtectedBy: readonly number[];
  /** Per decode target, the highest spatial and temporal id it needs (derived, not on the wire). */
  readonly decodeTargetLayers: readonly DecodeTargetLayer[];
  /** Per spatial layer, when the sender included them. */
  readonly resolutions: readonly RenderResolution[] | undefined;
}

export interface DependencyDescriptor {
  readonly startOfFrame: boolean;
  readonly endOfFrame: boolean;
  readonly templateId: number;
  readonly frameNumber: number;
  /** The structure attached to this packet (first packet of a key frame), else undefined. */
  readonly structure: TemplateStructure | undefined;
  /**
   * The active_decode_targets_bitmask field when this packet carries it.
   * A packet with a structure and no bitmask means every decode target is active.
   */
  readonly activeDecodeTargets: number | undefined;
  readonly customDtis: boolean;
  readonly customFdiffs: boolean;
  readonly customChains: boolean;
  /** The frame's layers and dependencies: from its template, or its custom fields. */
  readonly spatialId: number;
  readonly temporalId: number;
  readonly dtis: readonly number[];
  readonly fdiffs: readonly number[];
  readonly chainFdiffs: readonly number[];
}

export type DependencyDescriptorProblem =
  /** Fewer than the 3 mandatory bytes. */
  | 'too-short'
  /** A field runs past the element's end. */
  | 'truncated'
  /** The packet needs templates and none were given (its key frame has not been seen). */
  | 'no-structure'
  /** The template id names no template of the structure. */
  | 'unknown-template'
  | 'too-many-templates';

export type DependencyDescriptorResult =
  | { readonly ok: true; readonly descriptor: DependencyDescriptor }
  | { readonly ok: false; readonly problem: DependencyDescriptorProblem };

/** MSB-first bit reader; reading past the end sets `overrun` and yields zeros instead of throwing. */
class BitReader {
  #pos = 0;
  overrun = false;
  constructor(readonly bytes: Uint8Array) {}

  get position(): number {
    return this.#pos;
  }

  /** f(n), n ≤ 32. */
  f(n: number): number {
    let value = 0;
    for (let i = 0; i < n; i++) {
      const byte = this.#pos >> 3;
      if (byte >= this.bytes.length) {
        this.overrun = true;
        return 0;
      }
      const bit = (this.bytes[byte]! >> (7 - (this.#pos & 7))) & 1;
      value = value * 2 + bit;
      this.#pos++;
    }
    return value;
  }

  /** ns(n): a value in [0, n) in the fewest bits (spec §4.10.7 of AV1, used by A.8). */
  ns(n: number): number {
    let w = 0;
    for (let x = n; x !== 0; x >>= 1) w++;
    const m = (1 << w) - n;
    const v = this.f(w - 1);
    if (v < m) return v;
    return (v << 1) - m + this.f(1);
  }
}

const fail = (problem: DependencyDescriptorProblem): DependencyDescriptorResult => ({ ok: false, problem });

/**
 * Parses one DD element. `structure` is the latest one received on this
 * stream; a structure attached to the packet itself takes precedence (and
 * the caller should keep it for the packets that follow).
 */
export function parseDependencyDescriptor(bytes: Uint8Array, structure?: TemplateStructure): DependencyDescriptorResult {
  if (bytes.length < 3) return fail('too-short');
  const r = new BitReader(bytes);
  const startOfFrame = r.f(1) === 1;
  const endOfFrame = r.f(1) === 1;
  const templateId = r.f(6);
  const frameNumber = r.f(16);
  let attached: TemplateStructure | undefined;
  let activeDecodeTargets: number | undefined;
  let customDtis = false;
  let customFdiffs = false;
  let customChains = false;
  if (bytes.length > 3) {
    const structurePresent = r.f(1) === 1;
    const activePresent = r.f(1) === 1;
    customDtis = r.f(1) === 1;
    customFdiffs = r.f(1) === 1;
    customChains = r.f(1) === 1;
    if (structurePresent) {
      const parsed = readStructure(r);
      if (typeof parsed === 'string') return fail(parsed);
      attached = parsed;
    }
    const current = attached ?? structure;
    if (activePresent) {
      if (!current) return fail('no-structure');
      activeDecodeTargets = r.f(current.decodeTargetCount);
    }
  }
  const current = attached ?? structure;
  if (!current) return fail('no-structure');
  const index = (templateId + MAX_TEMPLATES - current.templateIdOffset) % MAX_TEMPLATES;
  const template = current.templates[index];
  if (!template) return fail('unknown-template');
  let dtis = template.dtis;
  if (customDtis) {
    const own: number[] = [];
    for (let i = 0; i < current.decodeTargetCount; i++) own.push(r.f(2));
    dtis = own;
  }
  let fdiffs = template.fdiffs;
  if (customFdiffs) {
    const own: number[] = [];
    for (let size = r.f(2); size !== 0 && !r.overrun; size = r.f(2)) own.push(r.f(4 * size) + 1);
    fdiffs = own;
  }
  let chainFdiffs = template.chainFdiffs;
  if (customChains) {
    const own: number[] = [];
    for (let i = 0; i < current.chainCount; i++) own.push(r.f(8));
    chainFdiffs = own;
  }
  if (r.overrun) return fail('truncated');
  return {
    ok: true,
    descriptor: {
      startOfFrame,
      endOfFrame,
      templateId,
      frameNumber,
      structure: attached,
      activeDecodeTargets,
      customDtis,
      customFdiffs,
      customChains,
      spatialId: template.spatialId,
      temporalId: template.temporalId,
      dtis,
      fdiffs,
      chainFdiffs,
    },
  };
}

function readStructure(r: BitReader): TemplateStructure | DependencyDescriptorProblem {
  const templateIdOffset = r.f(6);
  const decodeTargetCount = r.f(5) + 1;
  // template_layers(): each template's layers, as steps from the previous one.
  const layers: DecodeTargetLayer[] = [];
  let spatialId = 0;
  let temporalId = 0;
  for (;;) {
    if (layers.length === MAX_TEMPLATES) return 'too-many-templates';
    layers.push({ spatialId, temporalId });
    const next = r.f(2);
    if (r.overrun) return 'truncated';
    if (next === 3) break;
    if (next === 1) temporalId++;
    else if (next === 2) {
      temporalId = 0;
      spatialId++;
    }
  }
  const dtis = layers.map(() => {
    const row: number[] = [];
    for (let dt = 0; dt < decodeTargetCount; dt++) row.push(r.f(2));
    return row;
  });
  const fdiffs = layers.map(() => {
    const row: number[] = [];
    while (r.f(1) === 1 && !r.overrun) row.push(r.f(4) + 1);
    return row;
  });
  const chainCount = r.ns(decodeTargetCount + 1);
  const decodeTargetProtectedBy: number[] = [];
  const chainFdiffs = layers.map((): number[] => []);
  if (chainCount > 0) {
    for (let dt = 0; dt < decodeTargetCount; dt++) decodeTargetProtectedBy.push(r.ns(chainCount));
    for (const row of chainFdiffs) for (let c = 0; c < chainCount; c++) row.push(r.f(4));
  }
  let resolutions: RenderResolution[] | undefined;
  if (r.f(1) === 1) {
    resolutions = [];
    const maxSpatialId = layers[layers.length - 1]!.spatialId;
    for (let s = 0; s <= maxSpatialId; s++) resolutions.push({ width: r.f(16) + 1, height: r.f(16) + 1 });
  }
  if (r.overrun) return 'truncated';
  const templates = layers.map((l, i): FrameTemplate => ({ ...l, dtis: dtis[i]!, fdiffs: fdiffs[i]!, chainFdiffs: chainFdiffs[i]! }));
  return {
    templateIdOffset,
    decodeTargetCount,
    templates,
    chainCount,
    decodeTargetProtectedBy,
    decodeTargetLayers: decodeTargetLayersOf(templates, decodeTargetCount),
    resolutions,
  };
}

/** decode_target_layers(): the highest layers among the templates a decode target uses. */
function decodeTargetLayersOf(templates: readonly FrameTemplate[], count: number): DecodeTargetLayer[] {
  const out: DecodeTargetLayer[] = [];
  for (let dt = 0; dt < count; dt++) {
    let spatialId = 0;
    let temporalId = 0;
    for (const t of templates) {
      if (t.dtis[dt] === DTI_NOT_PRESENT) continue;
      spatialId = Math.max(spatialId, t.spatialId);
      temporalId = Math.max(temporalId, t.temporalId);
    }
    out.push({ spatialId, temporalId });
  }
  return out;
}

/** MSB-first bit writer into a growing byte list. */
class BitWriter {
  readonly bytes: number[] = [];
  #bits = 0;

  f(n: number, value: number): void {
    for (let i = n - 1; i >= 0; i--) {
      if ((this.#bits & 7) === 0) this.bytes.push(0);
      const bit = Math.floor(value / 2 ** i) & 1;
      this.bytes[this.bytes.length - 1]! |= bit << (7 - (this.#bits & 7));
      this.#bits++;
    }
  }

  /** The inverse of BitReader.ns. */
  ns(n: number, value: number): void {
    let w = 0;
    for (let x = n; x !== 0; x >>= 1) w++;
    const m = (1 << w) - n;
    if (value < m) {
      this.f(w - 1, value);
      return;
    }
    const t = value + m;
    this.f(w - 1, t >> 1);
    this.f(1, t & 1);
  }
}

/**
 * Writes a DD element: the mandatory fields, then the extended fields when
 * the descriptor has a structure, an active decode targets bitmask or custom
 * fields (the custom ones are the descriptor's dtis/fdiffs/chainFdiffs).
 * `structure` gives the decode target and chain counts when none is
 * attached. Throws TypeError when a field needs a structure and there is none.
 */
export function serializeDependencyDescriptor(d: DependencyDescriptor, structure?: TemplateStructure): Uint8Array {
  const w = new BitWriter();
  w.f(1, d.startOfFrame ? 1 : 0);
  w.f(1, d.endOfFrame ? 1 : 0);
  w.f(6, d.templateId);
  w.f(16, d.frameNumber);
  const extended = d.structure !== undefined || d.activeDecodeTargets !== undefined || d.customDtis || d.customFdiffs || d.customChains;
  if (extended) {
    const current = d.structure ?? structure;
    if (!current) throw new TypeError('a dependency descriptor with extended fields needs a template structure');
    w.f(1, d.structure ? 1 : 0);
    w.f(1, d.activeDecodeTargets !== undefined ? 1 : 0);
    w.f(1, d.customDtis ? 1 : 0);
    w.f(1, d.customFdiffs ? 1 : 0);
    w.f(1, d.customChains ? 1 : 0);
    if (d.structure) writeStructure(w, d.structure);
    if (d.activeDecodeTargets !== undefined) w.f(current.decodeTargetCount, d.activeDecodeTargets);
    if (d.customDtis) for (let i = 0; i < current.decodeTargetCount; i++) w.f(2, d.dtis[i] ?? 0);
    if (d.customFdiffs) {
      for (const fdiff of d.fdiffs) {
        const size = fdiff <= 16 ? 1 : fdiff <= 256 ? 2 : 3;
        w.f(2, size);
        w.f(4 * size, fdiff - 1);
      }
      w.f(2, 0);
    }
    if (d.customChains) for (let c = 0; c < current.chainCount; c++) w.f(8, d.chainFdiffs[c] ?? 0);
  }
  return Uint8Array.from(w.bytes);
}

function writeStructure(w: BitWriter, s: TemplateStructure): void {
  w.f(6, s.templateIdOffset);
  w.f(5, s.decodeTargetCount - 1);
  s.templates.forEach((t, i) => {
    const next = s.templates[i + 1];
    if (!next) w.f(2, 3);
    else if (next.spatialId > t.spatialId) w.f(2, 2);
    else if (next.temporalId > t.temporalId) w.f(2, 1);
    else w.f(2, 0);
  });
  for (const t of s.templates) for (let dt = 0; dt < s.decodeTargetCount; dt++) w.f(2, t.dtis[dt] ?? 0);
  for (const t of s.templates) {
    for (const fdiff of t.fdiffs) {
      w.f(1, 1);
      w.f(4, fdiff - 1);
    }
    w.f(1, 0);
  }
  w.ns(s.decodeTargetCount + 1, s.chainCount);
  if (s.chainCount > 0) {
    for (let dt = 0; dt < s.decodeTargetCount; dt++) w.ns(s.chainCount, s.decodeTargetProtectedBy[dt] ?? 0);
    for (const t of s.templates) for (let c = 0; c < s.chainCount; c++) w.f(4, t.chainFdiffs[c] ?? 0);
  }
  w.f(1, s.resolutions ? 1 : 0);
  for (const res of s.resolutions ?? []) {
    w.f(16, res.width - 1);
    w.f(16, res.height - 1);
  }
}
