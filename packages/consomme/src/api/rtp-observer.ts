import type { Channel } from '../channel/channel.js';
import { InvalidStateError } from '../errors.js';
import { EnhancedEventEmitter, type EventMap } from './enhanced-events.js';
import type { Producer } from './producer.js';
import type { AppData } from './transport-types.js';

export type RtpObserverType = 'audiolevel' | 'activespeaker';

export type RtpObserverEvents = {
  routerclose: [];
  listenererror: [string, Error];
  '@close': [];
};

export type RtpObserverObserverEvents = {
  close: [];
  pause: [];
  resume: [];
  addproducer: [Producer];
  removeproducer: [Producer];
};

export interface RtpObserverAddRemoveProducerOptions {
  /** The id of the Producer to add or remove. */
  producerId: string;
}

/** @internal */
export interface RtpObserverInternal<RtpObserverAppData> {
  id: string;
  channel: Channel;
  appData: RtpObserverAppData | undefined;
  getProducerById: (producerId: string) => Producer | undefined;
}

/** Inspects the media of a set of audio producers (mediasoup's abstract RtpObserver). */
export abstract class RtpObserver<
  RtpObserverAppData extends AppData = AppData,
  Events extends EventMap = RtpObserverEvents,
  ObserverEvents extends EventMap = RtpObserverObserverEvents,
> extends EnhancedEventEmitter<Events & RtpObserverEvents> {
  readonly #id: string;
  protected readonly channel: Channel;
  protected readonly getProducerById: (producerId: string) => Producer | undefined;
  readonly #observer = new EnhancedEventEmitter<ObserverEvents & RtpObserverObserverEvents>();
  #closed = false;
  #paused = false;
  #appData: RtpObserverAppData;

  /** @internal */
  constructor(internal: RtpObserverInternal<RtpObserverAppData>) {
    super();
    this.#id = internal.id;
    this.channel = internal.channel;
    this.getProducerById = internal.getProducerById;
    this.#appData = internal.appData ?? ({} as RtpObserverAppData);
    this.channel.subscribe(this.#id, (event, data) => this.handleNotification(event, data));
  }

  get id(): string {
    return this.#id;
  }

  get closed(): boolean {
    return this.#closed;
  }

  abstract get type(): RtpObserverType;

  get paused(): boolean {
    return this.#paused;
  }

  get appData(): RtpObserverAppData {
    return this.#appData;
  }

  set appData(appData: RtpObserverAppData) {
    this.#appData = appData;
  }

  get observer(): EnhancedEventEmitter<ObserverEvents & RtpObserverObserverEvents> {
    return this.#observer;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.channel.unsubscribe(this.#id);
    this.channel.request('rtpObserver.close', this.#id).catch(() => undefined);
    (this as EnhancedEventEmitter<RtpObserverEvents>).safeEmit('@close');
    (this.#observer as EnhancedEventEmitter<RtpObserverObserverEvents>).safeEmit('close');
  }

  /** @internal The router closed (or its worker did). */
  routerClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.channel.unsubscribe(this.#id);
    (this as EnhancedEventEmitter<RtpObserverEvents>).safeEmit('routerclose');
    (this as EnhancedEventEmitter<RtpObserverEvents>).safeEmit('@close');
    (this.#observer as EnhancedEventEmitter<RtpObserverObserverEvents>).safeEmit('close');
  }

  async dump(): Promise<unknown> {
    return this.channel.request('rtpObserver.dump', this.#id);
  }

  /** Stop inspecting RTP until resume(). */
  async pause(): Promise<void> {
    this.#assertOpen();
    const wasPaused = this.#paused;
    await this.channel.request('rtpObserver.pause', this.#id);
    this.#paused = true;
    if (!wasPaused) (this.#observer as EnhancedEventEmitter<RtpObserverObserverEvents>).safeEmit('pause');
  }

  async resume(): Promise<void> {
    this.#assertOpen();
    const wasPaused = this.#paused;
    await this.channel.request('rtpObserver.resume', this.#id);
    this.#paused = false;
    if (wasPaused) (this.#observer as EnhancedEventEmitter<RtpObserverObserverEvents>).safeEmit('resume');
  }

  /** Watch one more audio producer of the router. */
  async addProducer({ producerId }: RtpObserverAddRemoveProducerOptions): Promise<void> {
    this.#assertOpen();
    const producer = this.#producer(producerId);
    await this.channel.request('rtpObserver.addProducer', this.#id, { producerId });
    (this.#observer as EnhancedEventEmitter<RtpObserverObserverEvents>).safeEmit('addproducer', producer);
  }

  /** Stop watching a producer. */
  async removeProducer({ producerId }: RtpObserverAddRemoveProducerOptions): Promise<void> {
    this.#assertOpen();
    const producer = this.#producer(producerId);
    await this.channel.request('rtpObserver.removeProducer', this.#id, { producerId });
    (this.#observer as EnhancedEventEmitter<RtpObserverObserverEvents>).safeEmit('removeproducer', producer);
  }

  protected abstract handleNotification(event: string, data: unknown): void;

  #producer(producerId: unknown): Producer {
    if (typeof producerId !== 'string') throw new TypeError('missing producerId');
    const producer = this.getProducerById(producerId);
    if (!producer) throw new Error(`Producer with id "${producerId}" not found`);
    return producer;
  }

  #assertOpen(): void {
    if (this.#closed) throw new InvalidStateError('RtpObserver closed');
  }
}
