/**
 * The messages between the API objects (main process) and a worker
 * (child process). Both sides import this file, so the shapes cannot drift.
 *
 * Requests are addressed to a handler (a router, transport, producer… by id);
 * notifications come back addressed to a target id. Errors cross as
 * `{ name, message }` and are rebuilt as the same class on the API side.
 */
export interface ChannelRequest {
  readonly kind: 'request';
  readonly id: number;
  readonly method: string;
  readonly handlerId: string;
  readonly data?: unknown;
}

export type ChannelResponse =
  | { readonly kind: 'response'; readonly id: number; readonly ok: true; readonly data?: unknown }
  | { readonly kind: 'response'; readonly id: number; readonly ok: false; readonly error: { name: string; message: string } };

export interface ChannelNotification {
  readonly kind: 'notification';
  readonly targetId: string;
  readonly event: string;
  readonly data?: unknown;
}

export type LogLevel = 'debug' | 'warn' | 'error' | 'none';
export type LogTag =
  | 'info' | 'ice' | 'dtls' | 'rtp' | 'srtp' | 'rtcp' | 'rtx' | 'bwe' | 'score'
  | 'simulcast' | 'svc' | 'sctp' | 'message';

export interface ChannelLog {
  readonly kind: 'log';
  readonly level: Exclude<LogLevel, 'none'>;
  readonly message: string;
}

/** Sent by the worker once it is ready to take requests. */
export interface ChannelReady {
  readonly kind: 'ready';
}

/** Sent by the worker when it cannot start (bad certificate files…), just before it exits. */
export interface ChannelStartFailed {
  readonly kind: 'startfailed';
  readonly message: string;
}

export type WorkerToMain = ChannelResponse | ChannelNotification | ChannelLog | ChannelReady | ChannelStartFailed;
export type MainToWorker = ChannelRequest;

/** What the worker process reads from its environment at start. */
export interface WorkerSpawnSettings {
  logLevel: LogLevel;
  logTags: LogTag[];
  rtcMinPort: number;
  rtcMaxPort: number;
  dtlsCertificateFile?: string;
  dtlsPrivateKeyFile?: string;
}

export const WORKER_SETTINGS_ENV = 'CONSOMME_WORKER_SETTINGS';
