/**
 * A peer is an identity in a room (id, name, reconnect key). Its media lives
 * in a Session: the transports, producers and consumers of one signaling
 * connection. Rejoining with the reconnect key replaces the session and keeps
 * the identity, so other peers see media come and go but never a new peer.
 */
import type { types } from 'consomme';
import type { NotificationMethod, Notifications, ProducerInfo, Source } from '@consomme/protocol';
import type { Connection } from './connection.js';
import { AppError } from './errors.js';
import type { Logger } from './logger.js';
import type { Room } from './room.js';

export type Direction = 'send' | 'recv';

export interface ProducerAppData extends types.AppData {
  peerId: string;
  source: Source;
}

export class Session {
  readonly peer: Peer;
  connection: Connection | undefined;
  readonly transports = new Map<string, { transport: types.WebRtcTransport; direction: Direction }>();
  readonly producers = new Map<string, types.Producer<ProducerAppData>>();
  readonly consumers = new Map<string, types.Consumer>();
  readonly dataProducers = new Map<string, types.DataProducer>();
  readonly dataConsumers = new Map<string, types.DataConsumer>();
  /** Sources with a producer (or one being created): at most one producer per source. */
  readonly sources = new Set<Source>();
  /** Producers and data producers this session consumes or is about to: never consumed twice. */
  readonly consumed = new Set<string>();
  rtpCapabilities: types.RtpCapabilities | undefined;
  #closed = false;

  constructor(peer: Peer, connection: Connection) {
    this.peer = peer;
    this.connection = connection;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The open transport of this direction, if any. */
  transportFor(direction: Direction): types.WebRtcTransport | undefined {
    for (const entry of this.transports.values()) if (entry.direction === direction && !entry.transport.closed) return entry.transport;
    return undefined;
  }

  /** Ready to receive: capabilities given, a receive transport, and someone listening. */
  get receiving(): boolean {
    return !this.#closed && this.rtpCapabilities !== undefined && this.connection !== undefined && this.transportFor('recv') !== undefined;
  }

  transport(id: string): { transport: types.WebRtcTransport; direction: Direction } {
    const entry = this.transports.get(id);
    if (!entry || entry.transport.closed) throw new AppError('NOT_FOUND', `transport ${id} not found`);
    return entry;
  }

  producer(id: string): types.Producer<ProducerAppData> {
    const producer = this.producers.get(id);
    if (!producer || producer.closed) throw new AppError('NOT_FOUND', `producer ${id} not found`);
    return producer;
  }

  consumer(id: string): types.Consumer {
    const consumer = this.consumers.get(id);
    if (!consumer || consumer.closed) throw new AppError('NOT_FOUND', `consumer ${id} not found`);
    return consumer;
  }

  /** Send a notification to this session's client; dropped once the session is replaced or gone. */
  notify<M extends NotificationMethod>(method: M, data: Notifications[M]): void {
    if (this.#closed || !this.connection) return;
    this.connection.socket.emit('notification', { method, data });
  }

  producerInfos(): ProducerInfo[] {
    return [...this.producers.values()].map((p) => ({ id: p.id, kind: p.kind, source: p.appData.source, paused: p.paused }));
  }

  /** Close this session's consumers and data consumers of the given producers, telling the client. */
  dropConsumersOf(producerIds: ReadonlySet<string>): void {
    for (const consumer of [...this.consumers.values()]) {
      if (!producerIds.has(consumer.producerId)) continue;
      consumer.close();
      this.consumers.delete(consumer.id);
      this.consumed.delete(consumer.producerId);
      this.notify('consumerClosed', { consumerId: consumer.id, peerId: (consumer.appData as { peerId: string }).peerId });
    }
    for (const dataConsumer of [...this.dataConsumers.values()]) {
      if (!producerIds.has(dataConsumer.dataProducerId)) continue;
      dataConsumer.close();
      this.dataConsumers.delete(dataConsumer.id);
      this.consumed.delete(dataConsumer.dataProducerId);
      this.notify('dataConsumerClosed', { dataConsumerId: dataConsumer.id, peerId: (dataConsumer.appData as { peerId: string }).peerId });
    }
  }

  /** Stop notifying and close every transport (which closes producers and consumers in the library). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const { transport } of this.transports.values()) transport.close();
    this.transports.clear();
  }
}

export class Peer {
  readonly id: string;
  readonly displayName: string;
  readonly reconnectKey: string;
  readonly room: Room;
  readonly log: Logger;
  session: Session;
  #graceTimer: NodeJS.Timeout | undefined;

  constructor(init: { id: string; displayName: string; reconnectKey: string; room: Room; log: Logger; connection: Connection }) {
    this.id = init.id;
    this.displayName = init.displayName;
    this.reconnectKey = init.reconnectKey;
    this.room = init.room;
    this.log = init.log;
    this.session = new Session(this, init.connection);
  }

  get connection(): Connection | undefined {
    return this.session.connection;
  }

  /** A new connection takes this identity over: the old session's media closes. Returns the connection it replaced. */
  resume(connection: Connection): Connection | undefined {
    this.cancelGrace();
    const previous = this.session.connection;
    this.session.close();
    this.session = new Session(this, connection);
    return previous;
  }

  /** The socket dropped: keep the peer for `graceMs`, then call `expire`. */
  startGrace(graceMs: number, expire: () => void): void {
    this.session.connection = undefined;
    this.cancelGrace();
    this.#graceTimer = setTimeout(() => {
      this.#graceTimer = undefined;
      expire();
    }, graceMs);
  }

  cancelGrace(): void {
    if (this.#graceTimer) clearTimeout(this.#graceTimer);
    this.#graceTimer = undefined;
  }
}
