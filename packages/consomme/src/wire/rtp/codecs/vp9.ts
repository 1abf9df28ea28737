/**
 * VP9 payload descriptor, RFC 9628 §4.2 (flexible and non-flexible modes)
 * and the scalability structure, §4.2.1.
 * https://www.rfc-editor.org/rfc/rfc9628#section-4.2
 *
 *         0 1 2 3 4 5 6 7
 *        +-+-+-+-+-+-+-+-+
 *        |I|P|L|F|B|E|V|Z| (REQUIRED)
 *        +-+-+-+-+-+-+-+-+
 *   I:   |M| PICTURE ID  | (RECOMMENDED)
 *        +-+-+-+-+-+-+-+-+
 *   M:   | EXTENDED PID  | (RECOMMENDED, 15-bit picture id when M=1)
 *        +-+-+-+-+-+-+-+-+
 *   L:   | TID |U| SID |D| (Conditionally RECOMMENDED)
 *        +-+-+-+-+-+-+-+-+
 *   L,!F:|   TL0PICIDX   | (non-flexible mode only)
 *        +-+-+-+-+-+-+-+-+                             -\
 *   P,F: | P_DIFF      |N| (flexible mode only)         - up to 3 times
 *        +-+-+-+-+-+-+-+-+                             -/
 *   V:   | SS            |
 *        | ..            |
 *        +-+-+-+-+-+-+-+-+
 *
 *   SS:  | N_S |Y|G|-|-|-|
 *        +-+-+-+-+-+-+-+-+              -\
 *   Y:   |     WIDTH     | (16 bits)     - N_S + 1 times
 *        |     HEIGHT    | (16 bits)    -/
 *        +-+-+-+-+-+-+-+-+
 *   G:   |      N_G      |
 *        +-+-+-+-+-+-+-+-+                           -\
 *   N_G: |  TID |U| R |-|-|                           - N_G times
 *        |    P_DIFF     | (R times)                 -/
 *        +-+-+-+-+-+-+-+-+
 */

export interface Vp9Resolution {
  readonly width: number;
  readonly height: number;
}

export interface Vp9PictureGroupEntry {
  readonly temporalLayerId: number;
  readonly switchingUp: boolean;
  readonly referenceDiffs: readonly number[];
  /** The two unused low bits, kept for identical re-serialization. */
  readonly reservedBits: number;
}

export interface Vp9ScalabilityStructure {
  /** N_S + 1. */
  readonly spatialLayerCount: number;
  /** Per spatial layer when the Y bit is set. */
  readonly resolutions: readonly Vp9Resolution[] | undefined;
  /** The picture group description when the G bit is set. */
  readonly pictureGroup: readonly Vp9PictureGroupEntry[] | undefined;
  /** The three unused low bits of the first byte. */
  readonly reservedBits: number;
}

export interface Vp9Descriptor {
  /** P: inter-picture predicted (not a key picture when set). */
  readonly interPicturePredicted: boolean;
  /** F: flexible mode. */
  readonly flexibleMode: boolean;
  /** B: first packet of a layer frame. */
  readonly startOfFrame: boolean;
  /** E: last packet of a layer frame. */
  readonly endOfFrame: boolean;
  /** Z: not used as reference by upper spatial layers. */
  readonly notUpswitchReference: boolean;
  readonly pictureIdBits: 0 | 7 | 15;
  readonly pictureId: number | undefined;
  /** Layer indices, present when L=1. */
  readonly temporalLayerId: number | undefined;
  readonly switchingUp: boolean;
  readonly spatialLayerId: number | undefined;
  readonly interLayerDependency: boolean;
  /** Non-flexible mode with L=1 only. */
  readonly tl0PicIdx: number | undefined;
  /** P_DIFF values (flexible mode with P=1). */
  readonly referenceDiffs: readonly number[];
  readonly scalabilityStructure: Vp9ScalabilityStructure | undefined;
  readonly descriptorLength: number;
  /** P=0, B=1 and spatial layer 0 (or no layer indices). */
  readonly isKeyFrame: boolean;
}

const NO_DIFFS: readonly number[] = Object.freeze([]);

function parseSs(p: Uint8Array, pos: number): { ss: Vp9ScalabilityStructure; end: number } | undefined {
  const len = p.length;
  if (pos >= len) return undefined;
  const b = p[pos++]!;
  const spatialLayerCount = (b >> 5) + 1;
  let resolutions: Vp9Resolution[] | undefined;
  let pictureGroup: Vp9PictureGroupEntry[] | undefined;
  if (b & 0x10) {
    if (pos + spatialLayerCount * 4 > len) return undefined;
    resolutions = [];
    for (let i = 0; i < spatialLayerCount; i++, pos += 4) {
      resolutions.push({ width: (p[pos]! << 8) | p[pos + 1]!, height: (p[pos + 2]! << 8) | p[pos + 3]! });
    }
  }
  if (b & 0x08) {
    if (pos >= len) return undefined;
    const n = p[pos++]!;
    pictureGroup = [];
    for (let i = 0; i < n; i++) {
      if (pos >= len) return undefined;
      const e = p[pos++]!;
      const r = (e >> 2) & 0x03;
      if (pos + r > len) return undefined;
      const referenceDiffs: number[] = [];
      for (let j = 0; j < r; j++) referenceDiffs.push(p[pos++]!);
      pictureGroup.push({ temporalLayerId: e >> 5, switchingUp: (e & 0x10) !== 0, referenceDiffs, reservedBits: e & 0x03 });
    }
  }
  return { ss: { spatialLayerCount, resolutions, pictureGroup, reservedBits: b & 0x07 }, end: pos };
}

/** The descriptor at the start of an RTP payload, or undefined when it is malformed. */
export function parseVp9Descriptor(payload: Uint8Array): Vp9Descriptor | undefined {
  const len = payload.length;
  if (len < 1) return undefined;
  const b0 = payload[0]!;
  const hasI = (b0 & 0x80) !== 0;
  const p = (b0 & 0x40) !== 0;
  const hasL = (b0 & 0x20) !== 0;
  const f = (b0 & 0x10) !== 0;
  let pos = 1;
  let pictureIdBits: 0 | 7 | 15 = 0;
  let pictureId: number | undefined;
  if (hasI) {
    if (pos >= len) return undefined;
    const m = payload[pos++]!;
    if (m & 0x80) {
      if (pos >= len) return undefined;
      pictureIdBits = 15;
      pictureId = ((m & 0x7f) << 8) | payload[pos++]!;
    } else {
      pictureIdBits = 7;
      pictureId = m;
    }
  }
  let temporalLayerId: number | undefined;
  let spatialLayerId: number | undefined;
  let switchingUp = false;
  let interLayerDependency = false;
  let tl0PicIdx: number | undefined;
  if (hasL) {
    if (pos >= len) return undefined;
    const l = payload[pos++]!;
    temporalLayerId = l >> 5;
    switchingUp = (l & 0x10) !== 0;
    spatialLayerId = (l >> 1) & 0x07;
    interLayerDependency = (l & 0x01) !== 0;
    if (!f) {
      if (pos >= len) return undefined;
      tl0PicIdx = payload[pos++]!;
    }
  }
  let referenceDiffs = NO_DIFFS;
  if (f && p) {
    const diffs: number[] = [];
    for (;;) {
      if (pos >= len || diffs.length === 3) return undefined;
      const d = payload[pos++]!;
      diffs.push(d >> 1);
      if ((d & 0x01) === 0) break;
    }
    referenceDiffs = diffs;
  }
  let scalabilityStructure: Vp9ScalabilityStructure | undefined;
  if (b0 & 0x02) {
    const r = parseSs(payload, pos);
    if (r === undefined) return undefined;
    scalabilityStructure = r.ss;
    pos = r.end;
  }
  const startOfFrame = (b0 & 0x08) !== 0;
  return {
    interPicturePredicted: p,
    flexibleMode: f,
    startOfFrame,
    endOfFrame: (b0 & 0x04) !== 0,
    notUpswitchReference: (b0 & 0x01) !== 0,
    pictureIdBits,
    pictureId,
    temporalLayerId,
    switchingUp,
    spatialLayerId,
    interLayerDependency,
    tl0PicIdx,
    referenceDiffs,
    scalabilityStructure,
    descriptorLength: pos,
    isKeyFrame: !p && startOfFrame && (spatialLayerId === undefined || spatialLayerId === 0),
  };
}

/** The descriptor bytes for `d` (the inverse of `parseVp9Descriptor`). */
export function serializeVp9Descriptor(d: Vp9Descriptor): Buffer {
  const out: number[] = [];
  const hasL = d.spatialLayerId !== undefined || d.temporalLayerId !== undefined;
  const p = d.interPicturePredicted;
  out.push(
    (d.pictureIdBits !== 0 ? 0x80 : 0) |
      (p ? 0x40 : 0) |
      (hasL ? 0x20 : 0) |
      (d.flexibleMode ? 0x10 : 0) |
      (d.startOfFrame ? 0x08 : 0) |
      (d.endOfFrame ? 0x04 : 0) |
      (d.scalabilityStructure ? 0x02 : 0) |
      (d.notUpswitchReference ? 0x01 : 0),
  );
  const pid = d.pictureId ?? 0;
  if (d.pictureIdBits === 15) out.push(0x80 | ((pid >> 8) & 0x7f), pid & 0xff);
  else if (d.pictureIdBits === 7) out.push(pid & 0x7f);
  if (hasL) {
    out.push(
      (((d.temporalLayerId ?? 0) & 0x07) << 5) |
        (d.switchingUp ? 0x10 : 0) |
        (((d.spatialLayerId ?? 0) & 0x07) << 1) |
        (d.interLayerDependency ? 0x01 : 0),
    );
    if (!d.flexibleMode) out.push((d.tl0PicIdx ?? 0) & 0xff);
  }
  if (d.flexibleMode && p) {
    const diffs = d.referenceDiffs;
    for (let i = 0; i < diffs.length; i++) out.push(((diffs[i]! & 0x7f) << 1) | (i + 1 < diffs.length ? 1 : 0));
  }
  const ss = d.scalabilityStructure;
  if (ss) {
    out.push(
      (((ss.spatialLayerCount - 1) & 0x07) << 5) | (ss.resolutions ? 0x10 : 0) | (ss.pictureGroup ? 0x08 : 0) | (ss.reservedBits & 0x07),
    );
    for (const r of ss.resolutions ?? []) out.push(r.width >> 8, r.width & 0xff, r.height >> 8, r.height & 0xff);
    if (ss.pictureGroup) {
      out.push(ss.pictureGroup.length & 0xff);
      for (const e of ss.pictureGroup) {
        out.push(
          ((e.temporalLayerId & 0x07) << 5) | (e.switchingUp ? 0x10 : 0) | ((e.referenceDiffs.length & 0x03) << 2) | (e.reservedBits & 0x03),
        );
        for (const diff of e.referenceDiffs) out.push(diff & 0xff);
      }
    }
  }
  return Buffer.from(out);
}

/** The key frame test without building the descriptor, for the hot path. */
export function isVp9KeyFrame(payload: Uint8Array): boolean {
  const len = payload.length;
  if (len < 1) return false;
  const b0 = payload[0]!;
  if ((b0 & 0x48) !== 0x08) return false;
  if ((b0 & 0x20) === 0) return true;
  let pos = 1;
  if (b0 & 0x80) {
    if (pos >= len) return false;
    pos += payload[pos]! & 0x80 ? 2 : 1;
  }
  if (pos >= len) return false;
  return ((payload[pos]! >> 1) & 0x07) === 0;
}
