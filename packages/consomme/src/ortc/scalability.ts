/*
 * Scalability modes of W3C WebRTC-SVC (https://www.w3.org/TR/webrtc-svc/#scalabilitymodes*):
 * "L<spatial>T<temporal>" or "S<spatial>T<temporal>", optionally followed by
 * "h" (1.5:1 spatial ratio) and "_KEY" or "_KEY_SHIFT".
 */

export type ScalabilityMode = {
  spatialLayers: number;
  temporalLayers: number;
  /** True for K-SVC modes (only key frames depend across spatial layers). */
  ksvc: boolean;
};

const MODE = /^[LS]([1-9]\d?)T([1-9]\d?)(h)?(_KEY)?(_SHIFT)?$/;

/** Unknown or absent modes mean a single layer, as WebRTC assumes. */
export function parseScalabilityMode(mode?: string): ScalabilityMode {
  const match = mode === undefined ? null : MODE.exec(mode);
  if (!match) return { spatialLayers: 1, temporalLayers: 1, ksvc: false };
  return {
    spatialLayers: Number(match[1]),
    temporalLayers: Number(match[2]),
    ksvc: match[4] !== undefined,
  };
}
