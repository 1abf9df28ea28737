/** Shapes shared by the seed-002 rooms classes. */

/** Who closed or paused something: this process ('local') or the client ('remote'). */
export type Originator = 'local' | 'remote';

/**
 * The profiles a consumer may prefer (seed 002, the set mediasoup-client 2.x
 * accepts): 'low', 'medium' and 'high' cap it at that simulcast layer;
 * 'default' leaves it uncapped (or follows its producer's preference).
 */
export type RtpProfile = 'default' | 'low' | 'medium' | 'high';

/**
 * What a consumer forwards now: a layer's profile, 'default' for a stream
 * without layers, 'none' while nothing is forwarded; null until enabled.
 */
export type EffectiveProfile = RtpProfile | 'none';

export const PROFILES: readonly RtpProfile[] = ['default', 'low', 'medium', 'high'];

export function checkProfile(profile: unknown): RtpProfile {
  if (!(PROFILES as readonly unknown[]).includes(profile)) throw new TypeError(`invalid profile ${JSON.stringify(profile)}`);
  return profile as RtpProfile;
}

/** Sends one mediasoup protocol notification to a peer's client. */
export type Notify = (method: string, data: Record<string, unknown>) => void;

/** Runs a promise whose failure has nowhere to go: it must not become an unhandled rejection. */
export function background(promise: Promise<unknown>): void {
  promise.catch(() => undefined);
}
