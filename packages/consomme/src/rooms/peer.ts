import { InvalidStateError, UnsupportedError } from '../errors.js';
import { EnhancedEventEmitter } from '../api/enhanced-events.js';
import type { Router } from '../api/router.js';
import type { DtlsParameters, TransportListenInfo } from '../api/transport-types.js';
import type { RtpCapabilities } from '../ortc/types.js';
import type { Consumer } from './consumer.js';
import { Producer } from './producer.js';
import { fromClientRtpParameters } from './protocol/convert.js';
import {
  PEER_NOTIFICATIONS,
  PEER_REQUESTS,
  checkNotification,
  checkRequest,
  isObject,
  optionalBoolean,
  requireId,
  statsInterval,
  type PeerNotifyMethod,
  type ProtocolMessage,
} from './protocol/messages.js';
import { checkProfile, type Originator } from './types.js';
import { WebRtcTransport, type Direction } from './webrtc-transport.js';

export type PeerEvents = {
  close: [Originator, unknown];
  notify: [Record<string, unknown>];
  newtransport: [WebRtcTransport];
  newproducer: [Producer];
  newconsumer: [Consumer];
  listenererror: [string, Error];
  '@close': [Originator, unknown];
};

/** @internal What a peer needs from its room. */
export interface RoomLink {
  router(): Promise<Router>;
  listenInfos(): TransportListenInfo[];
  producerCreated(producer: Producer): void;
}

/** @internal */
export interface PeerInternal {
  name: string;
  rtpCapabilities: Record<string, unknown>;
  coreRtpCapabilities: RtpCapabilities;
  spy: boolean;
  appData: unknown;
  room: RoomLink;
}

type StatsTarget = 'transport' | 'producer' | 'consumer';

/** A participant of a room: its transports, producers and consumers (seed 002). */
export class Peer extends EnhancedEventEmitter<PeerEvents> {
  readonly #name: string;
  readonly #rtpCapabilities: Record<string, unknown>;
  readonly #coreRtpCapabilities: RtpCapabilities;
  readonly #spy: boolean;
  readonly #room: RoomLink;
  readonly #transports = new Map<number, WebRtcTransport>();
  /** Transport ids being created, so a duplicate id is refused before the first one exists. */
  readonly #pendingIds = new Set<string>();
  readonly #producers = new Map<number, Producer>();
  readonly #consumers = new Map<number, Consumer>();
  readonly #statsTimers = new Map<string, NodeJS.Timeout>();
  #closed = false;
  appData: unknown;

  /** @internal */
  constructor(internal: PeerInternal) {
    super();
    this.#name = internal.name;
    this.#rtpCapabilities = internal.rtpCapabilities;
    this.#coreRtpCapabilities = internal.coreRtpCapabilities;
    this.#spy = internal.spy;
    this.#room = internal.room;
    this.appData = internal.appData;
  }

  get name(): string {
    return this.#name;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The capabilities the client sent in join. */
  get rtpCapabilities(): Record<string, unknown> {
    return this.#rtpCapabilities;
  }

  /** @internal The same, in the core's shape. */
  get coreRtpCapabilities(): RtpCapabilities {
    return this.#coreRtpCapabilities;
  }

  /** @internal A spy receives but never sends, and other peers do not see it. */
  get spy(): boolean {
    return this.#spy;
  }

  get transports(): WebRtcTransport[] {
    return [...this.#transports.values()];
  }

  get producers(): Producer[] {
    return [...this.#producers.values()];
  }

  get consumers(): Consumer[] {
    return [...this.#consumers.values()];
  }

  getTransportById(id: number): WebRtcTransport | undefined {
    return this.#transports.get(id);
  }

  getProducerById(id: number): Producer | undefined {
    return this.#producers.get(id);
  }

  getConsumerById(id: number): Consumer | undefined {
    return this.#consumers.get(id);
  }

  /** Close it here; its client hears 'closed'. */
  close(appData?: unknown): void {
    if (this.#closed) return;
    this.notify('closed', { appData });
    this.#close('local', appData);
  }

  /** @internal The client left, or the room closed it. */
  closeFrom(originator: Originator, appData?: unknown): void {
    this.#close(originator, appData);
  }

  /** @internal Send a notification to this peer's client. */
  notify(method: PeerNotifyMethod, data: Record<string, unknown>): void {
    if (this.#closed) return;
    this.safeEmit('notify', { method, target: 'peer', notification: true, ...data });
  }

  /** @internal A consumer for this peer; announced with newConsumer unless it goes in the join response. */
  addConsumer(consumer: Consumer, announce: boolean): void {
    this.#consumers.set(consumer.id, consumer);
    consumer.on('@close', () => this.#consumers.delete(consumer.id));
    this.safeEmit('newconsumer', consumer);
    if (announce) this.notify('newConsumer', consumer.describe());
  }

  /** A request with target 'peer' from the client; resolves to the response to send back. */
  async receiveRequest(request: unknown): Promise<unknown> {
    if (this.#closed) throw new InvalidStateError('peer closed');
    const message = checkRequest(request, 'peer', PEER_REQUESTS);
    switch (message.method) {
      case 'createTransport':
        return this.#createTransport(message);
      case 'restartTransport': {
        const transport = this.#transport(message);
        const iceParameters = await transport.core.restartIce();
        return { iceParameters };
      }
      case 'createProducer':
        return this.#createProducer(message);
      case 'enableConsumer':
        return this.#enableConsumer(message);
    }
  }

  /**
   * A notification with target 'peer' from the client. Throws TypeError when
   * it is malformed; one about an object that is already gone is ignored
   * (both sides may close the same thing at once).
   */
  receiveNotification(notification: unknown): void {
    if (this.#closed) throw new InvalidStateError('peer closed');
    const message = checkNotification(notification, PEER_NOTIFICATIONS);
    const appData = message['appData'];
    switch (message.method) {
      case 'leave':
        this.#close('remote', appData);
        break;
      case 'updateTransport': {
        const dtlsParameters = checkDtlsParameters(message['dtlsParameters']);
        this.#transports.get(requireId(message))?.connect(dtlsParameters).catch(() => undefined);
        break;
      }
      case 'closeTransport':
        this.#transports.get(requireId(message))?.closeFrom('remote', appData);
        break;
      case 'updateProducer':
        // Only clients without replaceTrack() send it (new SSRCs); the core cannot re-map a producer.
        requireId(message);
        break;
      case 'pauseProducer':
      case 'resumeProducer':
        this.#producers.get(requireId(message))?.setRemotelyPaused(message.method === 'pauseProducer', appData);
        break;
      case 'closeProducer':
        this.#producers.get(requireId(message))?.closeFrom('remote', appData);
        break;
      case 'pauseConsumer':
      case 'resumeConsumer':
        this.#consumers.get(requireId(message))?.setRemotelyPaused(message.method === 'pauseConsumer', appData);
        break;
      case 'setConsumerPreferredProfile': {
        const profile = checkProfile(message['profile']);
        this.#consumers.get(requireId(message))?.setRemotePreferredProfile(profile);
        break;
      }
      case 'enableTransportStats':
        this.#enableStats('transport', requireId(message), statsInterval(message));
        break;
      case 'enableProducerStats':
        this.#enableStats('producer', requireId(message), statsInterval(message));
        break;
      case 'enableConsumerStats':
        this.#enableStats('consumer', requireId(message), statsInterval(message));
        break;
      case 'disableTransportStats':
        this.#disableStats('transport', requireId(message));
        break;
      case 'disableProducerStats':
        this.#disableStats('producer', requireId(message));
        break;
      case 'disableConsumerStats':
        this.#disableStats('consumer', requireId(message));
        break;
    }
  }

  async #createTransport(message: ProtocolMessage): Promise<unknown> {
    const id = requireId(message);
    const direction = message['direction'];
    if (direction !== 'send' && direction !== 'recv') throw new TypeError("direction must be 'send' or 'recv'");
    if (direction === 'send' && this.#spy) throw new UnsupportedError('a spy peer cannot send');
    if (message['plainRtpParameters'] !== undefined) throw new UnsupportedError('plain RTP client transports are not supported');
    const dtlsParameters = message['dtlsParameters'] === undefined ? undefined : checkDtlsParameters(message['dtlsParameters']);
    const listenInfos = filterProtocols(this.#room.listenInfos(), message['options']);
    const key = String(id);
    if (this.#transports.has(id) || this.#pendingIds.has(key)) throw new TypeError(`a transport with id ${id} already exists`);
    this.#pendingIds.add(key);
    try {
      const router = await this.#room.router();
      if (this.#closed) throw new InvalidStateError('peer closed');
      const core = await router.createWebRtcTransport({ listenInfos });
      if (this.#closed) {
        core.close();
        throw new InvalidStateError('peer closed');
      }
      const transport = new WebRtcTransport({ id, core, direction: direction as Direction, appData: message['appData'], notify: (m, d) => this.notify(m as PeerNotifyMethod, d) });
      this.#transports.set(id, transport);
      transport.on('@close', (originator, appData) => this.#transportClosed(transport, originator, appData));
      if (dtlsParameters) {
        try {
          await transport.connect(dtlsParameters);
        } catch (error) {
          transport.closeFrom('local');
          throw error;
        }
      }
      this.safeEmit('newtransport', transport);
      return {
        iceParameters: transport.iceLocalParameters,
        iceCandidates: transport.iceLocalCandidates,
        // The 2.x client reads a list of fingerprints and uses the last one.
        dtlsParameters: { role: core.dtlsParameters.role ?? 'auto', fingerprints: structuredClone(core.dtlsParameters.fingerprints) },
      };
    } finally {
      this.#pendingIds.delete(key);
    }
  }

  async #createProducer(message: ProtocolMessage): Promise<unknown> {
    if (this.#spy) throw new UnsupportedError('a spy peer cannot send');
    const id = requireId(message);
    const kind = message['kind'];
    if (kind !== 'audio' && kind !== 'video') throw new TypeError("kind must be 'audio' or 'video'");
    const transport = this.#transport(message, 'transportId');
    if (transport.direction !== 'send') throw new TypeError(`transport ${transport.id} is not a send transport`);
    const paused = optionalBoolean(message, 'paused') ?? false;
    const rtpParameters = fromClientRtpParameters(message['rtpParameters']);
    const key = `producer:${id}`;
    if (this.#producers.has(id) || this.#pendingIds.has(key)) throw new TypeError(`a producer with id ${id} already exists`);
    this.#pendingIds.add(key);
    try {
      const core = await transport.core.produce({ kind, rtpParameters, paused });
      if (this.#closed || transport.closed) {
        core.close();
        throw new InvalidStateError('transport closed while producing');
      }
      const producer = new Producer({
        id,
        core,
        peer: this,
        transport,
        rtpParameters: structuredClone(message['rtpParameters']) as Record<string, unknown>,
        remotelyPaused: paused,
        appData: message['appData'],
        notify: (m, d) => this.notify(m as PeerNotifyMethod, d),
      });
      this.#producers.set(id, producer);
      producer.on('@close', () => {
        this.#producers.delete(id);
        this.#disableStats('producer', id);
      });
      this.safeEmit('newproducer', producer);
      this.#room.producerCreated(producer);
      return {};
    } finally {
      this.#pendingIds.delete(key);
    }
  }

  async #enableConsumer(message: ProtocolMessage): Promise<unknown> {
    const id = requireId(message);
    const consumer = this.#consumers.get(id);
    if (!consumer) throw new TypeError(`consumer ${id} not found`);
    const transport = this.#transport(message, 'transportId');
    if (transport.direction !== 'recv') throw new TypeError(`transport ${transport.id} is not a recv transport`);
    const paused = optionalBoolean(message, 'paused') ?? false;
    const preferredProfile = message['preferredProfile'];
    if (preferredProfile !== undefined && preferredProfile !== null) consumer.setRemotePreferredProfile(checkProfile(preferredProfile));
    await consumer.enable(transport, transport.core, { paused });
    return {
      paused: consumer.locallyPaused || consumer.sourcePaused,
      preferredProfile: consumer.preferredProfile,
      effectiveProfile: consumer.effectiveProfile,
    };
  }

  #transport(message: ProtocolMessage, key = 'id'): WebRtcTransport {
    const id = requireId(message, key);
    const transport = this.#transports.get(id);
    if (!transport) throw new TypeError(`transport ${id} not found`);
    return transport;
  }

  #transportClosed(transport: WebRtcTransport, originator: Originator, appData: unknown): void {
    this.#transports.delete(transport.id);
    this.#disableStats('transport', transport.id);
    for (const producer of [...this.#producers.values()]) {
      if (producer.transport !== transport) continue;
      // The client keeps its producers when told transportClosed; tell it about each one.
      if (originator === 'local') producer.close(appData);
      else producer.closeFrom(originator, appData);
    }
    for (const consumer of this.#consumers.values()) if (consumer.transport === transport) consumer.disable();
  }

  #enableStats(target: StatsTarget, id: number, interval: number): void {
    this.#disableStats(target, id);
    const timer = setInterval(() => {
      const object = target === 'transport' ? this.#transports.get(id) : target === 'producer' ? this.#producers.get(id) : this.#consumers.get(id);
      if (!object || object.closed) {
        this.#disableStats(target, id);
        return;
      }
      object
        .getStats()
        .then((stats) => {
          const data: Record<string, unknown> = { id, stats };
          if (target === 'consumer') data['peerName'] = (object as Consumer).source.peer.name;
          this.notify(`${target}Stats`, data);
        })
        .catch(() => undefined);
    }, interval);
    timer.unref();
    this.#statsTimers.set(`${target}:${id}`, timer);
  }

  #disableStats(target: StatsTarget, id: number): void {
    const key = `${target}:${id}`;
    clearInterval(this.#statsTimers.get(key));
    this.#statsTimers.delete(key);
  }

  #close(originator: Originator, appData: unknown): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#statsTimers.values()) clearInterval(timer);
    this.#statsTimers.clear();
    // Producers first: other peers' consumers of them close and those peers are told.
    for (const producer of [...this.#producers.values()]) producer.closeFrom(originator, appData);
    for (const consumer of [...this.#consumers.values()]) consumer.closeFrom(originator, appData);
    for (const transport of [...this.#transports.values()]) transport.closeFrom(originator, appData);
    this.safeEmit('@close', originator, appData);
    this.safeEmit('close', originator, appData);
  }
}

function checkDtlsParameters(raw: unknown): DtlsParameters {
  if (!isObject(raw)) throw new TypeError('dtlsParameters must be an object');
  const role = raw['role'] ?? 'auto';
  if (role !== 'auto' && role !== 'client' && role !== 'server') throw new TypeError('dtlsParameters.role must be auto, client or server');
  const fingerprints = raw['fingerprints'];
  if (!Array.isArray(fingerprints) || fingerprints.length === 0) throw new TypeError('dtlsParameters.fingerprints must be a non-empty array');
  for (const f of fingerprints) {
    if (!isObject(f) || typeof f['algorithm'] !== 'string' || typeof f['value'] !== 'string') throw new TypeError('wrong dtlsParameters fingerprint');
  }
  return { role, fingerprints: structuredClone(fingerprints) } as DtlsParameters;
}

/** The client may ask for UDP only or TCP only through its transport options. */
function filterProtocols(listenInfos: TransportListenInfo[], options: unknown): TransportListenInfo[] {
  if (options === undefined || options === null) return listenInfos;
  if (!isObject(options)) throw new TypeError('options must be an object');
  const udp = options['udp'] ?? true;
  const tcp = options['tcp'] ?? true;
  if (typeof udp !== 'boolean' || typeof tcp !== 'boolean') throw new TypeError('options.udp and options.tcp must be booleans');
  const kept = listenInfos.filter((info) => (info.protocol === 'udp' ? udp : tcp));
  if (kept.length === 0) throw new TypeError('options leave no protocol to listen on');
  return kept;
}
