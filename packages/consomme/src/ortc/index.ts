import { getSupportedRtpCapabilities } from './supported.js';
import type { RtpCapabilities } from './types.js';

export * from './negotiate.js';
export * from './validate.js';
export { getSupportedRtpCapabilities } from './supported.js';
export type * from './types.js';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** Frozen: clone it (or call getSupportedRtpCapabilities()) before changing anything. */
export const supportedRtpCapabilities: RtpCapabilities = deepFreeze(getSupportedRtpCapabilities());
