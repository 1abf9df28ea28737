// DTLS-SRTP protection profiles as negotiated by the use_srtp extension.
// RFC 5764 §4.1.2 (https://www.rfc-editor.org/rfc/rfc5764#section-4.1.2) and
// RFC 7714 §14.2 (https://www.rfc-editor.org/rfc/rfc7714#section-14.2).
//
// The table itself lives in wire/srtp/profiles.ts (one source for ids, names
// and key lengths); this file gives the DTLS layer its id-based view of it.
//
//   SRTPProtectionProfile (2 bytes)   key   salt
//   0x0001 AES_CM_128_HMAC_SHA1_80     16    14
//   0x0002 AES_CM_128_HMAC_SHA1_32     16    14
//   0x0007 AEAD_AES_128_GCM            16    12
//   0x0008 AEAD_AES_256_GCM            32    12
import { SRTP_PROFILES, cryptoSuiteFromDtlsProfileId, srtpProfileInfo, type SrtpCryptoSuite } from '../srtp/profiles.js';

export type SrtpProfileId = 0x0001 | 0x0002 | 0x0007 | 0x0008;
export type SrtpProfileName = SrtpCryptoSuite;

/** Every supported profile, strongest first (the order mediasoup prefers). */
export const SRTP_PROFILE_IDS: readonly SrtpProfileId[] = SRTP_PROFILES.map((p) => p.dtlsProfileId as SrtpProfileId);

export function isSrtpProfileId(id: number): id is SrtpProfileId {
  return cryptoSuiteFromDtlsProfileId(id) !== undefined;
}

export function srtpProfileName(id: SrtpProfileId): SrtpProfileName {
  return cryptoSuiteFromDtlsProfileId(id)!;
}

export function srtpProfileIdFromName(name: SrtpProfileName): SrtpProfileId {
  return srtpProfileInfo(name)!.dtlsProfileId as SrtpProfileId;
}

/** Master key and master salt lengths in bytes. */
export function srtpProfileKeyLengths(id: SrtpProfileId): { keyLength: number; saltLength: number } {
  const info = srtpProfileInfo(srtpProfileName(id))!;
  return { keyLength: info.masterKeyLength, saltLength: info.masterSaltLength };
}
