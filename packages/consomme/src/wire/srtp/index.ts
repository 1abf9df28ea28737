export {
  SRTP_PROFILES,
  cryptoSuiteFromDtlsProfileId,
  dtlsProfileIdFromCryptoSuite,
  dtlsSrtpKeyingMaterialLength,
  splitDtlsSrtpKeyingMaterial,
  srtpProfileInfo,
  type SrtpCryptoSuite,
  type SrtpMasterKeys,
  type SrtpProfileInfo,
} from './profiles.js';
export { SrtpSession, type SrtpDropReason, type SrtpSessionOptions } from './session.js';
