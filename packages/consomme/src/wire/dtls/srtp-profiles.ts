// DTLS-SRTP protection profiles as negotiated by the use_srtp extension.
// RFC 5764 §4.1.2 (https://www.rfc-editor.org/rfc/rfc5764#section-4.1.2) and
// RFC 7714 §14.2 (https://www.rfc-editor.org/rfc/rfc7714#section-14.2).
//
// Defined here rather than imported from wire/srtp so the DTLS layer does not
// depend on the SRTP implementation; the names match mediasoup's SrtpCryptoSuite.
//
//   SRTPProtectionProfile (2 bytes)   key   salt
//   0x0001 AES_CM_128_HMAC_SHA1_80     16    14
//   0x0002 AES_CM_128_HMAC_SHA1_32     16    14
//   0x0007 AEAD_AES_128_GCM            16    12
//   0x0008 AEAD_AES_256_GCM            32    12

export type SrtpProfileId = 0x0001 | 0x0002 | 0x0007 | 0x0008;

export type SrtpProfileName =
  | 'AES_CM_128_HMAC_SHA1_80'
  | 'AES_CM_128_HMAC_SHA1_32'
  | 'AEAD_AES_128_GCM'
  | 'AEAD_AES_256_GCM';

interface ProfileInfo {
  readonly id: SrtpProfileId;
  readonly name: SrtpProfileName;
  readonly keyLength: number;
  readonly saltLength: number;
}

const PROFILES: readonly ProfileInfo[] = [
  { id: 0x0001, name: 'AES_CM_128_HMAC_SHA1_80', keyLength: 16, saltLength: 14 },
  { id: 0x0002, name: 'AES_CM_128_HMAC_SHA1_32', keyLength: 16, saltLength: 14 },
  { id: 0x0007, name: 'AEAD_AES_128_GCM', keyLength: 16, saltLength: 12 },
  { id: 0x0008, name: 'AEAD_AES_256_GCM', keyLength: 32, saltLength: 12 },
];

/** Every supported profile, strongest first (the order mediasoup prefers). */
export const SRTP_PROFILE_IDS: readonly SrtpProfileId[] = [0x0008, 0x0007, 0x0001, 0x0002];

function info(id: number): ProfileInfo | undefined {
  return PROFILES.find((p) => p.id === id);
}

export function isSrtpProfileId(id: number): id is SrtpProfileId {
  return info(id) !== undefined;
}

export function srtpProfileName(id: SrtpProfileId): SrtpProfileName {
  return (info(id) as ProfileInfo).name;
}

export function srtpProfileIdFromName(name: SrtpProfileName): SrtpProfileId {
  return (PROFILES.find((p) => p.name === name) as ProfileInfo).id;
}

/** Master key and master salt lengths in bytes. */
export function srtpProfileKeyLengths(id: SrtpProfileId): { keyLength: number; saltLength: number } {
  const p = info(id) as ProfileInfo;
  return { keyLength: p.keyLength, saltLength: p.saltLength };
}
