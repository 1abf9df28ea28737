/**
 * Random ICE credentials. RFC 8445 §5.3 — https://www.rfc-editor.org/rfc/rfc8445#section-5.3
 *
 *   ice-char = ALPHA / DIGIT / "+" / "/"     (RFC 8839 §5.4 grammar)
 *   ufrag: ≥ 24 bits of randomness (≥ 4 chars); password: ≥ 128 bits (≥ 22 chars)
 *
 * There are exactly 64 ice-chars, so 6 random bits pick one without bias.
 */
import { randomBytes } from 'node:crypto';

const ICE_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function randomIceString(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += ICE_CHARS[bytes[i]! & 63];
  return out;
}

/** 16 ice-chars: 96 bits. */
export function generateIceUsernameFragment(): string {
  return randomIceString(16);
}

/** 32 ice-chars: 192 bits. */
export function generateIcePassword(): string {
  return randomIceString(32);
}

/** True if `s` is a non-empty string of ice-chars only. */
export function isIceString(s: string): boolean {
  return /^[A-Za-z0-9+/]+$/.test(s);
}
