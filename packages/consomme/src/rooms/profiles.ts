/**
 * Seed-002 RTP profiles and the core's spatial layers.
 *
 * mediasoup-client 2.x labels the encodings of a simulcast producer, lowest
 * first, 'low', 'medium' and 'high' (encoding.profile); a stream without
 * simulcast has the one profile 'default'. A consumer's preferred profile is
 * a ceiling ("no profile higher than the given one will become effective"),
 * and 'default' means no ceiling. Pure: no I/O.
 */
import type { Producer as CoreProducer } from '../api/producer.js';
import { parseScalabilityMode } from '../ortc/scalability.js';
import type { RtpProfile } from './types.js';

/** The profile of one spatial layer of a layered (simulcast or SVC) stream. */
export type LayerProfile = 'low' | 'medium' | 'high';

const LAYER_PROFILES: readonly LayerProfile[] = ['low', 'medium', 'high'];

function rank(profile: LayerProfile): number {
  return LAYER_PROFILES.indexOf(profile);
}

/**
 * The profile of each spatial layer of `core`, lowest first; empty when it
 * has no layers to choose from (audio, one plain stream). The client's own
 * labels win; unlabelled layers are named by position, the ones past the
 * third being 'high'.
 */
export function layerProfiles(core: CoreProducer, clientEncodings: unknown): LayerProfile[] {
  if (core.kind !== 'video' || core.type === 'simple') return [];
  const encodings = core.rtpParameters.encodings ?? [];
  const count = core.type === 'svc' ? parseScalabilityMode(encodings[0]?.scalabilityMode).spatialLayers : encodings.length;
  const labels = Array.isArray(clientEncodings) && core.type === 'simulcast' ? clientEncodings : [];
  const names: LayerProfile[] = [];
  for (let i = 0; i < count; i++) {
    const label: unknown = (labels[i] as { profile?: unknown } | undefined)?.profile;
    names.push((LAYER_PROFILES as readonly unknown[]).includes(label) ? (label as LayerProfile) : (LAYER_PROFILES[i] ?? 'high'));
  }
  return names;
}

/**
 * The highest spatial layer `profile` allows: the top one for 'default', else
 * the highest whose profile is not above it, or the lowest layer when every
 * layer is above it (something is better than nothing).
 */
export function spatialLayerFor(profile: RtpProfile, layers: readonly LayerProfile[]): number {
  if (layers.length === 0) return 0;
  if (profile === 'default') return layers.length - 1;
  let chosen = 0;
  layers.forEach((layer, i) => {
    if (rank(layer) <= rank(profile)) chosen = i;
  });
  return chosen;
}

/** The profile of the spatial layer being forwarded. */
export function profileOfLayer(spatialLayer: number, layers: readonly LayerProfile[]): LayerProfile {
  return layers[Math.min(Math.max(0, spatialLayer), layers.length - 1)] ?? 'high';
}
