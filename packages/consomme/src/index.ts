/**
 * Consommé: a WebRTC SFU in TypeScript with the mediasoup v3 API.
 *
 *   import * as mediasoup from 'consomme';
 *   const worker = await mediasoup.createWorker();
 */
import { createRequire } from 'node:module';
import { supportedRtpCapabilities } from './ortc/index.js';
import type { RtpCapabilities } from './ortc/types.js';
import * as types from './types.js';

export { createWorker } from './api/worker.js';
export { observer } from './api/observer.js';
export { UnsupportedError, InvalidStateError } from './errors.js';
export { types };
export type * from './types.js';

const require = createRequire(import.meta.url);
/** Consommé version. */
export const version: string = (require('../package.json') as { version: string }).version;

/** The RTP capabilities this library supports (a deep copy each call). */
export function getSupportedRtpCapabilities(): RtpCapabilities {
  return structuredClone(supportedRtpCapabilities);
}

// The rooms API of seed 002 (mediasoup 2.x): Server(settings) with or without `new`, and its
// classes under `rooms` (their names, such as WebRtcTransport, clash with the v3 types).
export { Server } from './rooms/index.js';
export * as rooms from './rooms/index.js';
export * as errors from './rooms/errors.js';
