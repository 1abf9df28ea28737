import { randomUUID } from 'node:crypto';
import type { Channel } from '../channel/channel.js';
import { InvalidStateError } from '../errors.js';
import { canConsume, validateRtpCapabilities } from '../ortc/index.js';
import type { RtpCapabilities } from '../ortc/types.js';
import { EnhancedEventEmitter } from './enhanced-events.js';
import type { Producer } from './producer.js';
import type { AppData } from './transport-types.js';
import { WebRtcTransport, normalizeWebRtcTransportOptions, type WebRtcTransportOptions, type WebRtcTransportData } from './webrtc-transport.js';
import type { Transport } from './transport.js';

export type RouterEvents = {
  workerclose: [];
  listenererror: [string, Error];
  '@close': [];
};

export type RouterObserverEvents = {
  close: [];
  newtransport: [Transport];
  newrtpobserver: [unknown];
};

interface RouterInternal<RouterAppData> {
  id: string;
  rtpCapabilities: RtpCapabilities;
  channel: Channel;
  appData: RouterAppData | undefined;
}

/** An SFU: forwards RTP from producers to consumers over its transports. */
export class Router<RouterAppData extends AppData = AppData> extends EnhancedEventEmitter<RouterEvents> {
  readonly #id: string;
  readonly #rtpCapabilities: RtpCapabilities;
  readonly #channel: Channel;
  readonly #transports = new Map<string, Transport>();
  readonly #producers = new Map<string, Producer>();
  readonly #observer = new EnhancedEventEmitter<RouterObserverEvents>();
  #closed = false;
  #appData: RouterAppData;

  /** @internal */
  constructor({ id, rtpCapabilities, channel, appData }: RouterInternal<RouterAppData>) {
    super();
    this.#id = id;
    this.#rtpCapabilities = rtpCapabilities;
    this.#channel = channel;
    this.#appData = appData ?? ({} as RouterAppData);
  }

  get id(): string {
    return this.#id;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** RTP capabilities of the router; give them to mediasoup-client's device.load(). */
  get rtpCapabilities(): RtpCapabilities {
    return this.#rtpCapabilities;
  }

  get appData(): RouterAppData {
    return this.#appData;
  }

  set appData(appData: RouterAppData) {
    this.#appData = appData;
  }

  get observer(): EnhancedEventEmitter<RouterObserverEvents> {
    return this.#observer;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#channel.request('router.close', this.#id).catch(() => undefined);
    this.#closeChildren();
    this.safeEmit('@close');
    this.#observer.safeEmit('close');
  }

  /** @internal The worker closed (or died). */
  workerClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeChildren();
    this.safeEmit('workerclose');
    this.safeEmit('@close');
    this.#observer.safeEmit('close');
  }

  async dump(): Promise<unknown> {
    return this.#channel.request('router.dump', this.#id);
  }

  async createWebRtcTransport<TransportAppData extends AppData = AppData>(
    options: WebRtcTransportOptions<TransportAppData>,
  ): Promise<WebRtcTransport<TransportAppData>> {
    if (this.#closed) throw new InvalidStateError('router closed');
    const request = normalizeWebRtcTransportOptions(options);
    const transportId = randomUUID();
    const data = await this.#channel.request<WebRtcTransportData>('router.createWebRtcTransport', this.#id, {
      transportId,
      ...request,
    });
    if (this.#closed) throw new InvalidStateError('router closed while creating the transport');
    const transport = new WebRtcTransport<TransportAppData>({
      id: transportId,
      routerId: this.#id,
      channel: this.#channel,
      data,
      appData: options.appData,
      getRouterRtpCapabilities: () => this.#rtpCapabilities,
      getProducerById: (id) => this.#producers.get(id),
    });
    this.#transports.set(transportId, transport as Transport);
    transport.on('@close', () => this.#transports.delete(transportId));
    transport.on('@newproducer', (producer: Producer) => this.#producers.set(producer.id, producer));
    transport.on('@producerclose', (producer: Producer) => this.#producers.delete(producer.id));
    this.#observer.safeEmit('newtransport', transport as Transport);
    return transport;
  }

  /** Whether the given RTP capabilities can consume the given producer. */
  canConsume({ producerId, rtpCapabilities }: { producerId: string; rtpCapabilities: RtpCapabilities }): boolean {
    const producer = this.#producers.get(producerId);
    if (!producer) return false;
    try {
      validateRtpCapabilities(rtpCapabilities);
    } catch {
      return false;
    }
    try {
      return canConsume(producer.consumableRtpParameters, rtpCapabilities);
    } catch {
      return false;
    }
  }

  #closeChildren(): void {
    for (const transport of [...this.#transports.values()]) transport.routerClosed();
    this.#transports.clear();
    this.#producers.clear();
  }
}
