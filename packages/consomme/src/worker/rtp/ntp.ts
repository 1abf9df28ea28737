/**
 * NTP timestamps as used by RTCP SR/RR (RFC 3550 §4 and §6.4,
 * https://www.rfc-editor.org/rfc/rfc3550#section-4).
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |            seconds since 1900-01-01 00:00 UTC                 |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |            fraction of a second (units of 2^-32 s)            |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *                   \______ middle 32 bits ______/
 *
 * The "compact" (middle 32 bits) form is what LSR and DLSR carry: 16 bits of
 * seconds and 16 bits of fraction, i.e. units of 1/65536 s.
 */

/** Seconds from the NTP epoch (1900) to the Unix epoch (1970). */
export const NTP_UNIX_OFFSET_SECONDS = 2_208_988_800;
const TWO_32 = 0x1_0000_0000;

export interface NtpTime {
  /** Whole seconds since 1900, modulo 2^32 (era 0 wraps in 2036). */
  readonly seconds: number;
  /** Fraction of a second in units of 2^-32 s. */
  readonly fraction: number;
}

/** Unix time in ms (fractional ms allowed) → 64-bit NTP time. */
export function unixMsToNtp(unixMs: number): NtpTime {
  const wholeSeconds = Math.floor(unixMs / 1000);
  const remainderMs = unixMs - wholeSeconds * 1000;
  // Floor, then clamp: a remainder of 999.99999… must not round up to 2^32.
  const fraction = Math.min(TWO_32 - 1, Math.floor((remainderMs / 1000) * TWO_32));
  const seconds = (((wholeSeconds + NTP_UNIX_OFFSET_SECONDS) % TWO_32) + TWO_32) % TWO_32;
  return { seconds, fraction };
}

/** 64-bit NTP time → Unix time in ms (assumes NTP era 0, i.e. before 2036). */
export function ntpToUnixMs(seconds: number, fraction: number): number {
  return (seconds - NTP_UNIX_OFFSET_SECONDS) * 1000 + (fraction / TWO_32) * 1000;
}

/** The middle 32 bits of an NTP time: what an RR's LSR field echoes. */
export function ntpMiddle32(seconds: number, fraction: number): number {
  return (((seconds & 0xffff) << 16) | (fraction >>> 16)) >>> 0;
}

/** Compact NTP (1/65536 s units) → milliseconds. */
export function compactNtpToMs(compact: number): number {
  return ((compact >>> 0) * 1000) / 65536;
}

/** Milliseconds → compact NTP units (1/65536 s), saturated to 32 bits. */
export function msToCompactNtp(ms: number): number {
  if (!(ms > 0)) return 0;
  return Math.min(TWO_32 - 1, Math.round((ms * 65536) / 1000));
}

/**
 * Round-trip time from a report block (RFC 3550 §6.4.1, Figure 2):
 * RTT = A − LSR − DLSR, all in compact NTP. `arrivalCompact` is the middle
 * 32 bits of the local NTP clock when the RR arrived.
 *
 * Returns undefined when LSR is 0 (the peer has not seen an SR yet). A
 * "negative" result (the subtraction wrapped past half the circle) comes
 * from clock jitter on a tiny RTT and is reported as 0.
 */
export function rttFromCompactNtp(arrivalCompact: number, lsr: number, dlsr: number): number | undefined {
  if (lsr === 0) return undefined;
  const rtt = (arrivalCompact - lsr - dlsr) >>> 0;
  if (rtt >= 0x8000_0000) return 0;
  return compactNtpToMs(rtt);
}
