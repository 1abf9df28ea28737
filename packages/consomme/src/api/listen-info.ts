import type { TransportListenInfo } from './transport-types.js';

/** A listenInfo's sendBufferSize / recvBufferSize: positive integers of bytes when given. */
export function socketBufferSizes(info: TransportListenInfo, what: string): { sendBufferSize?: number; recvBufferSize?: number } {
  const out: { sendBufferSize?: number; recvBufferSize?: number } = {};
  for (const key of ['sendBufferSize', 'recvBufferSize'] as const) {
    const value = info[key];
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value <= 0 || value > 0x7fffffff) throw new TypeError(`wrong ${what}.${key} ${String(value)}`);
    out[key] = value;
  }
  return out;
}
