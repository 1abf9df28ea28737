// DTLS-SRTP key derivation: RFC 5764 §4.2 (https://www.rfc-editor.org/rfc/rfc5764#section-4.2).
// The TLS exporter (label "EXTRACTOR-dtls_srtp", no context) yields
//
//  +-----------------+-----------------+------------------+------------------+
//  | client_write_   | server_write_   | client_write_    | server_write_    |
//  | SRTP_master_key | SRTP_master_key | SRTP_master_salt | SRTP_master_salt |
//  +-----------------+-----------------+------------------+------------------+
//     key length        key length        salt length        salt length

import { srtpProfileKeyLengths } from './srtp-profiles.js';
import type { SrtpProfileId } from './srtp-profiles.js';

export const DTLS_SRTP_EXPORTER_LABEL = 'EXTRACTOR-dtls_srtp';

export interface DtlsSrtpKeys {
  srtpProfileId: SrtpProfileId;
  localMasterKey: Buffer;
  localMasterSalt: Buffer;
  remoteMasterKey: Buffer;
  remoteMasterSalt: Buffer;
}

export function srtpKeyingMaterialLength(profile: SrtpProfileId): number {
  const { keyLength, saltLength } = srtpProfileKeyLengths(profile);
  return 2 * (keyLength + saltLength);
}

/** "local" is what this endpoint protects with; the client writes with the client_write keys. */
export function splitSrtpKeyingMaterial(
  material: Buffer,
  profile: SrtpProfileId,
  role: 'client' | 'server',
): DtlsSrtpKeys | undefined {
  const { keyLength: k, saltLength: s } = srtpProfileKeyLengths(profile);
  if (material.length !== 2 * (k + s)) return undefined;
  // Copies, so the keys outlive (and cannot alias) the exporter's buffer.
  const clientKey = Buffer.from(material.subarray(0, k));
  const serverKey = Buffer.from(material.subarray(k, 2 * k));
  const clientSalt = Buffer.from(material.subarray(2 * k, 2 * k + s));
  const serverSalt = Buffer.from(material.subarray(2 * k + s));
  const client = role === 'client';
  return {
    srtpProfileId: profile,
    localMasterKey: client ? clientKey : serverKey,
    localMasterSalt: client ? clientSalt : serverSalt,
    remoteMasterKey: client ? serverKey : clientKey,
    remoteMasterSalt: client ? serverSalt : clientSalt,
  };
}
