import { Transport, type TransportInternal } from './transport.js';
import type { AppData } from './transport-types.js';

export interface DirectTransportOptions<DirectTransportAppData extends AppData = AppData> {
  /** Largest message (bytes) DataProducer.send() accepts. Default 262144. */
  maxMessageSize?: number;
  appData?: DirectTransportAppData;
}

export interface DirectTransportStats {
  type: 'direct-transport';
  transportId: string;
  timestamp: number;
  bytesReceived: number;
  bytesSent: number;
  messagesReceived: number;
  messagesSent: number;
}

/**
 * A transport with no network: data producers and consumers that live in
 * Node. `dataProducer.send()` injects messages; data consumers emit
 * 'message'. Used to keep chat history, run bots, or broadcast from the
 * server.
 */
export class DirectTransport<DirectTransportAppData extends AppData = AppData> extends Transport<DirectTransportAppData> {
  readonly #maxMessageSize: number;

  /** @internal */
  constructor(internal: TransportInternal<DirectTransportAppData> & { maxMessageSize: number }) {
    super(internal);
    this.#maxMessageSize = internal.maxMessageSize;
  }

  protected override maxDataMessageSize(): number {
    return this.#maxMessageSize;
  }

  async getStats(): Promise<DirectTransportStats[]> {
    return this.channel.request<DirectTransportStats[]>('transport.getStats', this.id);
  }

  /** Direct transports have nothing to connect. */
  async connect(): Promise<void> {}

  protected dataChannelKind(): { type: 'direct' } {
    return { type: 'direct' };
  }

  protected handleNotification(event: string, data: unknown): void {
    if (event === 'trace') (this as unknown as { safeEmit(e: string, d: unknown): void }).safeEmit('trace', data);
  }
}
