export { IceLiteAgent } from './ice-lite-agent.js';
export type {
  IceAgentEvent,
  IceCheckResult,
  IceLiteAgentOptions,
  IceRemote,
  IceState,
  IceTupleProtocol,
} from './ice-lite-agent.js';
export type { IceRejection } from './binding-check.js';
export { generateIcePassword, generateIceUsernameFragment, isIceString } from './credentials.js';
export { RFC4571_MAX_FRAME, TcpDeframer, frameTcp } from './tcp-framing.js';
export type { DeframerError, TcpDeframerOptions } from './tcp-framing.js';
