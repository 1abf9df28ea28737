import type { Channel } from '../channel/channel.js';
import { EnhancedEventEmitter } from './enhanced-events.js';
import type { AppData, TransportListenInfo } from './transport-types.js';
import type { WebRtcTransport } from './webrtc-transport.js';

export interface WebRtcServerOptions<WebRtcServerAppData extends AppData = AppData> {
  /** Listening protocols, addresses and ports: typically one UDP and one TCP. */
  listenInfos: TransportListenInfo[];
  appData?: WebRtcServerAppData;
}

export type WebRtcServerEvents = {
  workerclose: [];
  listenererror: [string, Error];
  '@close': [];
};

export type WebRtcServerObserverEvents = {
  close: [];
  webrtctransporthandled: [WebRtcTransport];
  webrtctransportunhandled: [WebRtcTransport];
};

interface WebRtcServerInternal<WebRtcServerAppData> {
  id: string;
  channel: Channel;
  appData: WebRtcServerAppData | undefined;
}

/**
 * Many WebRtcTransports on a few shared ports: pass it as `webRtcServer` to
 * router.createWebRtcTransport(). A deployment then opens one UDP and one TCP
 * port per worker instead of a port range.
 */
export class WebRtcServer<WebRtcServerAppData extends AppData = AppData> extends EnhancedEventEmitter<WebRtcServerEvents> {
  readonly #id: string;
  readonly #channel: Channel;
  readonly #transports = new Set<WebRtcTransport>();
  readonly #observer = new EnhancedEventEmitter<WebRtcServerObserverEvents>();
  #closed = false;
  #appData: WebRtcServerAppData;

  /** @internal */
  constructor(internal: WebRtcServerInternal<WebRtcServerAppData>) {
    super();
    this.#id = internal.id;
    this.#channel = internal.channel;
    this.#appData = internal.appData ?? ({} as WebRtcServerAppData);
  }

  get id(): string {
    return this.#id;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get appData(): WebRtcServerAppData {
    return this.#appData;
  }

  set appData(appData: WebRtcServerAppData) {
    this.#appData = appData;
  }

  get observer(): EnhancedEventEmitter<WebRtcServerObserverEvents> {
    return this.#observer;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#channel.request('webRtcServer.close', this.#id).catch(() => undefined);
    this.#closeTransports();
    this.safeEmit('@close');
    this.#observer.safeEmit('close');
  }

  /** @internal */
  workerClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#transports.clear();
    this.safeEmit('workerclose');
    this.safeEmit('@close');
    this.#observer.safeEmit('close');
  }

  async dump(): Promise<unknown> {
    return this.#channel.request('webRtcServer.dump', this.#id);
  }

  /** @internal A transport created on this server. */
  handleWebRtcTransport(transport: WebRtcTransport): void {
    this.#transports.add(transport);
    this.#observer.safeEmit('webrtctransporthandled', transport);
    transport.on('@close', () => {
      this.#transports.delete(transport);
      this.#observer.safeEmit('webrtctransportunhandled', transport);
    });
  }

  #closeTransports(): void {
    for (const transport of [...this.#transports]) transport.listenServerClosed();
    this.#transports.clear();
  }
}
