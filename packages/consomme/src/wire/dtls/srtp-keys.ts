// DTLS-SRTP key derivation: RFC 5764 §4.2 (https://www.rfc-editor.org/rfc/rfc5764#section-4.2).
// The TLS exporter (label "EXTRACTOR-dtls_srtp", no context) yields
//
//  +-----------------+-----------------+------------------+------------------+
//  | client_write_   | server_write_   | client_write_    | server_write_    |
//  | SRTP_master_key | SRTP_master_key | SRTP_master_salt | SRTP_master_salt |
//  +-----------------+-----------------+------------------+------------------+
//     key length        key length        salt length        salt length
//
// The split itself is wire/srtp's splitDtlsSrtpKeyingMaterial.
import { dtlsSrtpKeyingMaterialLength, splitDtlsSrtpKeyingMaterial } from '../srtp/profiles.js';
import { srtpProfileName, type SrtpProfileId } from './srtp-profiles.js';

export const DTLS_SRTP_EXPORTER_LABEL = 'EXTRACTOR-dtls_srtp';

export interface DtlsSrtpKeys {
  srtpProfileId: SrtpProfileId;
  localMasterKey: Buffer;
  localMasterSalt: Buffer;
  remoteMasterKey: Buffer;
  remoteMasterSalt: Buffer;
}

export function srtpKeyingMaterialLength(profile: SrtpProfileId): number {
  return dtlsSrtpKeyingMaterialLength(srtpProfileName(profile));
}

/** "local" is what this endpoint protects with; the client writes with the client_write keys. */
export function splitSrtpKeyingMaterial(material: Buffer, profile: SrtpProfileId, role: 'client' | 'server'): DtlsSrtpKeys | undefined {
  const keys = splitDtlsSrtpKeyingMaterial(srtpProfileName(profile), material, role);
  return keys && { srtpProfileId: profile, ...keys };
}
