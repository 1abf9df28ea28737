/** Shapes shared by the seed-002 rooms classes. */

/** Who closed or paused something: this process ('local') or the client ('remote'). */
export type Originator = 'local' | 'remote';

/** RTP profiles of seed 002 (each maps to a simulcast layer). */
export type RtpProfile = 'default' | 'low' | 'medium' | 'high';

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
