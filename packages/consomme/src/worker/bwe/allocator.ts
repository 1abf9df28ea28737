/**
 * Bitrate allocator: which (spatial, temporal) layer each video consumer of one
 * transport forwards, so that together they fit the outgoing bitrate the
 * send-side estimator allows. Pure decision code: no clock, no I/O, no state.
 * The transport calls it whenever the estimate, a layer's measured bitrate, a
 * priority or a preference changes, and applies the result (the consumers
 * switch layers; a spatial switch up waits for a keyframe there).
 *
 * Semantics follow mediasoup v3: `consumer.setPriority()` (1..255) weights how
 * the estimated outgoing bitrate is shared among the video consumers of the
 * transport, and `consumer.setPreferredLayers()` is a ceiling, not a target.
 *
 * Rules:
 * 1. Layers are ordered lexicographically: (s, t) < (s', t') when s < s', or
 *    s = s' and t < t'. "Above" and "below" always mean this order, so the
 *    preferred temporal layer caps the temporal layer only at the preferred
 *    spatial layer; below it a consumer may forward every temporal layer
 *    (a smaller picture at full frame rate beats nothing).
 * 2. A consumer's ladder is its active layers (measured bitrate > 0) at or
 *    below its preferred layers, in that order, except that above the lowest
 *    active spatial layer only each spatial layer's top allowed temporal
 *    layer is a rung: frame rate goes before resolution (a 640x360 picture
 *    at 5 fps is worse to watch than 320x180 at 20 fps). A preferred spatial layer
 *    beyond the producer's is clamped to the highest one (as mediasoup does).
 *    Inactive layers are not on the ladder, so a step skips them; and when the
 *    preferred spatial layer is inactive the ladder ends at the best active
 *    layer below it.
 * 3. A consumer with at least one active layer always gets the bottom of its
 *    ladder, even when the budget does not cover it: a weak link shows the
 *    lowest layer, it does not go black (pausing is the app's decision). If no
 *    active layer is at or below the preferred ones, the ladder is only the
 *    lowest active layer (mediasoup also forwards an available layer rather
 *    than nothing when the preferred one is missing).
 * 4. A consumer with no active layer gets -1/-1 and 0 bps, and costs nothing.
 * 5. The rest is shared in rounds. Consumers go in descending priority; in a
 *    round a consumer of priority p climbs up to p steps of its ladder, each
 *    step only if the new total of all allocations fits (rule 6). A consumer
 *    whose step does not fit stops for that round; rounds repeat until one
 *    makes no progress. So budget a high-priority consumer cannot use (its next
 *    layer is too big) still goes to the others.
 * 6. Hysteresis. A step to a layer above the consumer's current layers must
 *    keep the total within available / upSwitchHeadroom (default 1.1, i.e. 10%
 *    spare); a step to a layer at or below its current layers only within
 *    available. A layer therefore does not flap when the estimate hovers
 *    around its bitrate.
 * 7. Ties in priority go first to the consumer that currently forwards the
 *    higher layers (so an equal peer does not take a layer from its holder
 *    just because its id sorts first), then by id, then by input order.
 *    The result does not depend on input order when ids are unique.
 * 8. Odd input never throws: NaN, infinite, negative or non-number bitrates
 *    are 0 (inactive); priority is floored and clamped to 1..255 (NaN → 1);
 *    NaN/missing preferred layers mean the highest; NaN, infinite or negative
 *    current layers mean nothing forwarded; NaN or negative availableBps is 0 (+∞ is
 *    allowed); an upSwitchHeadroom that is not finite is 1.1 and below 1 is 1;
 *    a second consumer with an id already seen is ignored (the first wins).
 *
 * Rule 5 is greedy, like mediasoup's: raising availableBps never lowers a lone
 * consumer's layers, but among several it can move budget between them (the
 * extra bitrate lets a consumer take a big step that a peer was filling).
 */

export interface AllocatorConsumer {
  readonly id: string;
  /** 1..255, mediasoup's consumer.priority; higher gets more. */
  readonly priority: number;
  /** Upper bound chosen by the app (setPreferredLayers); the allocator never goes above it. */
  readonly preferredSpatial: number;
  readonly preferredTemporal: number;
  /**
   * Measured bitrate, bps, of each layer: bitrates[s][t] = bps needed to forward
   * spatial s up to temporal t (cumulative in t; for simulcast each s is its own
   * stream, for SVC it is cumulative over spatial too). 0 = layer not active.
   */
  readonly bitrates: readonly (readonly number[])[];
  /** What the consumer forwards now (-1 = nothing), for hysteresis. */
  readonly currentSpatial: number;
  readonly currentTemporal: number;
}

export interface Allocation {
  spatial: number;
  temporal: number;
  bitrate: number;
}

export interface AllocationResult {
  /** Per consumer id; spatial/temporal -1 = none. In input order. */
  readonly layers: ReadonlyMap<string, Allocation>;
  /** Sum of what every consumer would use at its preferred layers (for probing: what the transport would like to have). */
  readonly desiredBitrate: number;
  /** Sum of the allocations. */
  readonly usedBitrate: number;
}

/** Spare bitrate required to move a consumer above its current layers: 10%. */
const DEFAULT_UP_SWITCH_HEADROOM = 1.1;
const MIN_PRIORITY = 1;
const MAX_PRIORITY = 255;

interface Rung {
  readonly spatial: number;
  readonly temporal: number;
  readonly bitrate: number;
}

interface Entry {
  readonly id: string;
  readonly index: number;
  readonly priority: number;
  /** Active layers at or below the preferred ones, ascending; empty = nothing active. */
  readonly ladder: readonly Rung[];
  readonly currentSpatial: number;
  readonly currentTemporal: number;
  /** Position on the ladder. */
  at: number;
}

export function allocateBitrate(
  availableBps: number,
  consumers: readonly AllocatorConsumer[],
  options?: { upSwitchHeadroom?: number },
): AllocationResult {
  const available = typeof availableBps === 'number' && availableBps > 0 ? availableBps : 0;
  const upLimit = available / headroomOf(options?.upSwitchHeadroom);
  const entries = toEntries(consumers);

  let total = 0;
  let desired = 0;
  for (const e of entries) {
    total += e.ladder[0]?.bitrate ?? 0;
    desired += e.ladder[e.ladder.length - 1]?.bitrate ?? 0;
  }

  const order = entries.filter((e) => e.ladder.length > 1).sort(compareEntries);
  for (let progressed = true; progressed; ) {
    progressed = false;
    for (const e of order) {
      for (let n = 0; n < e.priority && e.at < e.ladder.length - 1; n++) {
        const from = e.ladder[e.at]!;
        const to = e.ladder[e.at + 1]!;
        const next = total - from.bitrate + to.bitrate;
        const limit = isAboveCurrent(to, e) ? upLimit : available;
        if (!(next <= limit)) break;
        e.at++;
        total = next;
        progressed = true;
      }
    }
  }

  const layers = new Map<string, Allocation>();
  let used = 0;
  for (const e of entries) {
    const rung = e.ladder[e.at];
    if (rung === undefined) {
      layers.set(e.id, { spatial: -1, temporal: -1, bitrate: 0 });
      continue;
    }
    layers.set(e.id, { spatial: rung.spatial, temporal: rung.temporal, bitrate: rung.bitrate });
    used += rung.bitrate;
  }
  return { layers, desiredBitrate: desired, usedBitrate: used };
}

function headroomOf(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return DEFAULT_UP_SWITCH_HEADROOM;
  // Below 1 would make moving up easier than staying, which invites flapping.
  return Math.max(1, value);
}

function toEntries(consumers: readonly AllocatorConsumer[]): Entry[] {
  const entries: Entry[] = [];
  if (!Array.isArray(consumers)) return entries;
  const seen = new Set<string>();
  consumers.forEach((c: AllocatorConsumer | null | undefined, index) => {
    if (c === null || typeof c !== 'object') return;
    const id = typeof c.id === 'string' ? c.id : String(c.id);
    if (seen.has(id)) return;
    seen.add(id);
    const currentSpatial = layerOrNone(c.currentSpatial);
    entries.push({
      id,
      index,
      priority: priorityOf(c.priority),
      ladder: ladderOf(c),
      currentSpatial,
      currentTemporal: currentSpatial < 0 ? -1 : layerOrNone(c.currentTemporal),
      at: 0,
    });
  });
  return entries;
}

function priorityOf(value: unknown): number {
  if (typeof value !== 'number' || Number.isNaN(value)) return MIN_PRIORITY;
  return Math.min(MAX_PRIORITY, Math.max(MIN_PRIORITY, Math.floor(value)));
}

function layerOrNone(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : -1;
}

function bitrateOf(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

function ladderOf(c: AllocatorConsumer): Rung[] {
  const rows: unknown = c.bitrates;
  if (!Array.isArray(rows)) return [];
  const maxSpatial = rows.length - 1;
  const preferredSpatial = typeof c.preferredSpatial === 'number' && !Number.isNaN(c.preferredSpatial)
    ? Math.min(maxSpatial, Math.floor(c.preferredSpatial))
    : maxSpatial;
  const preferredTemporal = typeof c.preferredTemporal === 'number' && !Number.isNaN(c.preferredTemporal)
    ? Math.floor(c.preferredTemporal)
    : Infinity;

  const ladder: Rung[] = [];
  let lowestActive: Rung | undefined;
  rows.forEach((row: unknown, spatial) => {
    if (!Array.isArray(row)) return;
    let top: Rung | undefined;
    row.forEach((value: unknown, temporal) => {
      const bitrate = bitrateOf(value);
      if (bitrate === 0) return;
      const rung = { spatial, temporal, bitrate };
      lowestActive ??= rung;
      const withinPreferred = spatial < preferredSpatial || (spatial === preferredSpatial && temporal <= preferredTemporal);
      if (!withinPreferred) return;
      // Frame rate before resolution: the lowest active spatial layer offers every temporal
      // step; higher ones only their top (allowed) temporal layer.
      if (ladder.length === 0 || ladder[0]!.spatial === spatial) ladder.push(rung);
      else top = rung;
    });
    if (top !== undefined) ladder.push(top);
  });
  if (ladder.length === 0 && lowestActive !== undefined) ladder.push(lowestActive);
  return ladder;
}

function isAboveCurrent(rung: Rung, e: Entry): boolean {
  return compareLayers(rung.spatial, rung.temporal, e.currentSpatial, e.currentTemporal) > 0;
}

function compareLayers(s1: number, t1: number, s2: number, t2: number): number {
  return s1 !== s2 ? s1 - s2 : t1 - t2;
}

function compareEntries(a: Entry, b: Entry): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  const byCurrent = compareLayers(b.currentSpatial, b.currentTemporal, a.currentSpatial, a.currentTemporal);
  if (byCurrent !== 0) return byCurrent;
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  return a.index - b.index;
}
