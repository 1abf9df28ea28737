import { EnhancedEventEmitter } from '../api/enhanced-events.js';
import type { Consumer } from './consumer.js';
import type { PlainRtpTransport } from './plain-rtp-transport.js';

export type RtpStreamerEvents = {
  close: [];
  listenererror: [string, Error];
};

/**
 * A producer's RTP and RTCP relayed as plain RTP to one address: a consumer
 * on its own plain transport. It closes with either of them (for example when
 * the producer closes).
 */
export class RtpStreamer extends EnhancedEventEmitter<RtpStreamerEvents> {
  readonly #consumer: Consumer;
  readonly #transport: PlainRtpTransport;
  #closed = false;

  /** @internal Use room.createRtpStreamer(). */
  constructor(consumer: Consumer, transport: PlainRtpTransport) {
    super();
    this.#consumer = consumer;
    this.#transport = transport;
    consumer.on('close', () => this.close());
    transport.on('close', () => this.close());
  }

  get consumer(): Consumer {
    return this.#consumer;
  }

  get transport(): PlainRtpTransport {
    return this.#transport;
  }

  get closed(): boolean {
    return this.#closed;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#consumer.closeFrom('local');
    this.#transport.close();
    this.safeEmit('close');
  }
}
