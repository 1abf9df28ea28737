import type { LogTag } from '../channel/messages.js';
import type { DtlsCertificate } from '../wire/dtls/certificate.js';
import type { Logger } from './logger.js';
import type { PortRange } from './net/port-allocator.js';
import type { WorkerWebRtcServer } from './webrtc-server.js';

/** A worker-side object that answers channel requests addressed to its id. */
export interface RequestHandler {
  handleRequest(method: string, data: unknown): unknown;
}

/** What every worker-side object gets from the worker: no globals. */
export interface WorkerContext {
  readonly logger: Logger;
  readonly certificate: DtlsCertificate;
  readonly portRange: PortRange;
  register(id: string, handler: RequestHandler): void;
  unregister(id: string): void;
  notify(targetId: string, event: string, data?: unknown): void;
  /** Monotonic milliseconds. */
  now(): number;
  getWebRtcServer(id: string): WorkerWebRtcServer | undefined;
  /** Whether trace or debug output for the tag is wanted. */
  wants(tag: LogTag): boolean;
}
