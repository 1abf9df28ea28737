/**
 * SRTP crypto suites and their DTLS-SRTP protection profiles.
 *
 * RFC 5764 §4.1.2 (https://www.rfc-editor.org/rfc/rfc5764#section-4.1.2) and
 * RFC 7714 §14.2 (https://www.rfc-editor.org/rfc/rfc7714#section-14.2) give
 * the profile ids; RFC 5764 §4.2 gives the layout of the keying material that
 * DTLS exports with the label "EXTRACTOR-dtls_srtp":
 *
 *   +-------------------+-------------------+--------------------+--------------------+
 *   | client write key  | server write key  | client write salt  | server write salt  |
 *   | (masterKeyLength) | (masterKeyLength) | (masterSaltLength) | (masterSaltLength) |
 *   +-------------------+-------------------+--------------------+--------------------+
 */

/** The names mediasoup uses for SRTP crypto suites. */
export type SrtpCryptoSuite =
  | 'AEAD_AES_256_GCM'
  | 'AEAD_AES_128_GCM'
  | 'AES_CM_128_HMAC_SHA1_80'
  | 'AES_CM_128_HMAC_SHA1_32';

export interface SrtpProfileInfo {
  readonly cryptoSuite: SrtpCryptoSuite;
  /** The two-byte SRTPProtectionProfile value of the DTLS use_srtp extension. */
  readonly dtlsProfileId: number;
  readonly masterKeyLength: number;
  readonly masterSaltLength: number;
  /** Bytes appended to each SRTP packet (HMAC tag, or the GCM tag). */
  readonly rtpAuthTagLength: number;
  /** RFC 5764 §4.1.2: the _32 profile still uses an 80-bit tag on SRTCP. */
  readonly rtcpAuthTagLength: number;
  readonly aead: boolean;
}

const PROFILES: readonly SrtpProfileInfo[] = [
  {
    cryptoSuite: 'AES_CM_128_HMAC_SHA1_80',
    dtlsProfileId: 0x0001,
    masterKeyLength: 16,
    masterSaltLength: 14,
    rtpAuthTagLength: 10,
    rtcpAuthTagLength: 10,
    aead: false,
  },
  {
    cryptoSuite: 'AES_CM_128_HMAC_SHA1_32',
    dtlsProfileId: 0x0002,
    masterKeyLength: 16,
    masterSaltLength: 14,
    rtpAuthTagLength: 4,
    rtcpAuthTagLength: 10,
    aead: false,
  },
  {
    cryptoSuite: 'AEAD_AES_128_GCM',
    dtlsProfileId: 0x0007,
    masterKeyLength: 16,
    masterSaltLength: 12,
    rtpAuthTagLength: 16,
    rtcpAuthTagLength: 16,
    aead: true,
  },
  {
    cryptoSuite: 'AEAD_AES_256_GCM',
    dtlsProfileId: 0x0008,
    masterKeyLength: 32,
    masterSaltLength: 12,
    rtpAuthTagLength: 16,
    rtcpAuthTagLength: 16,
    aead: true,
  },
];

/** Every supported profile, most preferred first (the order for use_srtp offers). */
export const SRTP_PROFILES: readonly SrtpProfileInfo[] = [
  PROFILES[3]!,
  PROFILES[2]!,
  PROFILES[0]!,
  PROFILES[1]!,
];

const BY_SUITE = new Map<string, SrtpProfileInfo>(PROFILES.map((p) => [p.cryptoSuite, p]));
const BY_ID = new Map<number, SrtpProfileInfo>(PROFILES.map((p) => [p.dtlsProfileId, p]));

/** Parameters of a crypto suite; undefined for a name this library does not know. */
export function srtpProfileInfo(suite: string): SrtpProfileInfo | undefined {
  return BY_SUITE.get(suite);
}

export function cryptoSuiteFromDtlsProfileId(id: number): SrtpCryptoSuite | undefined {
  return BY_ID.get(id)?.cryptoSuite;
}

export function dtlsProfileIdFromCryptoSuite(suite: SrtpCryptoSuite): number {
  return BY_SUITE.get(suite)!.dtlsProfileId;
}

export interface SrtpMasterKeys {
  readonly localMasterKey: Buffer;
  readonly localMasterSalt: Buffer;
  readonly remoteMasterKey: Buffer;
  readonly remoteMasterSalt: Buffer;
}

/**
 * Splits DTLS-exported keying material into our and the peer's master keys.
 * `role` is our DTLS role: the client protects with the client write key.
 * Undefined when the material has the wrong length for the suite.
 */
export function splitDtlsSrtpKeyingMaterial(
  suite: SrtpCryptoSuite,
  material: Uint8Array,
  role: 'client' | 'server',
): SrtpMasterKeys | undefined {
  const info = BY_SUITE.get(suite);
  if (info === undefined) return undefined;
  const k = info.masterKeyLength;
  const s = info.masterSaltLength;
  if (material.length !== 2 * (k + s)) return undefined;
  const bytes = Buffer.from(material.buffer, material.byteOffset, material.length);
  const clientKey = Buffer.from(bytes.subarray(0, k));
  const serverKey = Buffer.from(bytes.subarray(k, 2 * k));
  const clientSalt = Buffer.from(bytes.subarray(2 * k, 2 * k + s));
  const serverSalt = Buffer.from(bytes.subarray(2 * k + s, 2 * k + 2 * s));
  return role === 'client'
    ? { localMasterKey: clientKey, localMasterSalt: clientSalt, remoteMasterKey: serverKey, remoteMasterSalt: serverSalt }
    : { localMasterKey: serverKey, localMasterSalt: serverSalt, remoteMasterKey: clientKey, remoteMasterSalt: clientSalt };
}

/** Bytes to ask DTLS to export for a suite (RFC 5764 §4.2). */
export function dtlsSrtpKeyingMaterialLength(suite: SrtpCryptoSuite): number {
  const info = BY_SUITE.get(suite)!;
  return 2 * (info.masterKeyLength + info.masterSaltLength);
}
