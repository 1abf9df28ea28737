export {
  STUN_HEADER_LENGTH,
  STUN_MAGIC_COOKIE,
  STUN_METHOD_BINDING,
  encodeMessageType,
  isStun,
  parseStun,
} from './message.js';
export type { StunAttribute, StunClass, StunMessage } from './message.js';
export {
  StunAttributeType,
  getAttribute,
  getErrorCode,
  getFingerprint,
  getIceControlled,
  getIceControlling,
  getMappedAddress,
  getMessageIntegrity,
  getPriority,
  getSoftware,
  getUnknownAttributes,
  getUsername,
  getXorMappedAddress,
  hasAttribute,
  hasUseCandidate,
} from './attributes.js';
export type { StunAddress, StunAddressFamily, StunErrorCode } from './attributes.js';
export {
  FINGERPRINT_XOR,
  computeFingerprint,
  computeMessageIntegrity,
  shortTermKey,
  verifyFingerprint,
  verifyMessageIntegrity,
} from './integrity.js';
export { serializeStun } from './serialize.js';
export type { StunSerializeOptions } from './serialize.js';
export { StunMessageBuilder } from './builder.js';
export { formatIp, parseIp } from './ip.js';
