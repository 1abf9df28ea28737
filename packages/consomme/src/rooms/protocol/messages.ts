/**
 * The mediasoup protocol of mediasoup-client 2.x: requests, notifications and
 * the checks every incoming message passes before anything acts on it.
 *
 * From the client: requests carry `method` and `target` ('room' for
 * queryRoom and join, 'peer' for the rest); notifications also carry
 * `notification: true` and are never answered. To the client: notifications
 * with `target: 'peer'` and `notification: true`.
 */

export type ProtocolMessage = Record<string, unknown> & { method: string };

/** The methods a Room answers (target 'room'). */
export const ROOM_REQUESTS = ['queryRoom', 'join'] as const;

/** The methods a Peer answers (target 'peer'). */
export const PEER_REQUESTS = ['createTransport', 'restartTransport', 'createProducer', 'enableConsumer'] as const;

/** The notifications a Peer accepts (target 'peer'). */
export const PEER_NOTIFICATIONS = [
  'leave',
  'updateTransport',
  'closeTransport',
  'enableTransportStats',
  'disableTransportStats',
  'updateProducer',
  'pauseProducer',
  'resumeProducer',
  'closeProducer',
  'enableProducerStats',
  'disableProducerStats',
  'pauseConsumer',
  'resumeConsumer',
  'setConsumerPreferredProfile',
  'enableConsumerStats',
  'disableConsumerStats',
] as const;

export type RoomRequestMethod = (typeof ROOM_REQUESTS)[number];
export type PeerRequestMethod = (typeof PEER_REQUESTS)[number];
export type PeerNotificationMethod = (typeof PEER_NOTIFICATIONS)[number];

/** The notifications a Peer sends to its client. */
export type PeerNotifyMethod =
  | 'closed'
  | 'transportClosed'
  | 'transportStats'
  | 'producerPaused'
  | 'producerResumed'
  | 'producerClosed'
  | 'producerStats'
  | 'newPeer'
  | 'peerClosed'
  | 'newConsumer'
  | 'consumerClosed'
  | 'consumerPaused'
  | 'consumerResumed'
  | 'consumerPreferredProfileSet'
  | 'consumerEffectiveProfileChanged'
  | 'consumerStats';

function isObj(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks the envelope of a request for `target`; TypeError names what is wrong. */
export function checkRequest<M extends string>(message: unknown, target: 'room' | 'peer', methods: readonly M[]): ProtocolMessage & { method: M } {
  if (!isObj(message)) throw new TypeError('a request must be an object');
  if (message['notification'] === true) throw new TypeError('a notification is not a request');
  return checkEnvelope(message, target, methods);
}

/** Checks the envelope of a notification; TypeError names what is wrong. */
export function checkNotification<M extends string>(message: unknown, methods: readonly M[]): ProtocolMessage & { method: M } {
  if (!isObj(message)) throw new TypeError('a notification must be an object');
  if (message['notification'] !== true) throw new TypeError('not a notification (notification: true missing)');
  return checkEnvelope(message, 'peer', methods);
}

function checkEnvelope<M extends string>(message: Record<string, unknown>, target: 'room' | 'peer', methods: readonly M[]): ProtocolMessage & { method: M } {
  if (message['target'] !== target) throw new TypeError(`target must be '${target}', got ${JSON.stringify(message['target'])}`);
  const method = message['method'];
  if (typeof method !== 'string') throw new TypeError('method missing');
  if (!(methods as readonly string[]).includes(method)) throw new TypeError(`unknown method '${method.slice(0, 64)}'`);
  return message as ProtocolMessage & { method: M };
}

/** Ids are numbers chosen by the client (transports, producers) or by us (consumers). */
export function requireId(message: Record<string, unknown>, key = 'id'): number {
  const id = message[key];
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) throw new TypeError(`${key} must be a non-negative integer`);
  return id;
}

export function optionalBoolean(message: Record<string, unknown>, key: string): boolean | undefined {
  const value = message[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new TypeError(`${key} must be a boolean`);
  return value;
}

export function requireString(message: Record<string, unknown>, key: string): string {
  const value = message[key];
  if (typeof value !== 'string' || value.length === 0) throw new TypeError(`${key} must be a non-empty string`);
  return value;
}

/** Stats intervals: the client sends at least 1000 ms; anything sane is accepted. */
export function statsInterval(message: Record<string, unknown>): number {
  const value = message['interval'];
  if (value === undefined) return 1000;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError('interval must be a number (ms)');
  return Math.min(Math.max(Math.round(value), 100), 3_600_000);
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return isObj(value);
}
