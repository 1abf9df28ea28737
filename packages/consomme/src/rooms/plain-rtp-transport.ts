import { EnhancedEventEmitter } from '../api/enhanced-events.js';
import type { PlainTransport as CorePlainTransport } from '../api/plain-transport.js';

/** The 5-tuple of a plain RTP transport (seed 002 names). */
export interface PlainRtpTuple {
  localIP: string;
  localPort: number;
  remoteIP: string | undefined;
  remotePort: number | undefined;
  protocol: 'udp';
}

export type PlainRtpTransportEvents = {
  close: [];
  listenererror: [string, Error];
};

let nextId = 1;

/** Plain RTP and RTCP (no ICE, no DTLS) on one UDP port, as an RtpStreamer uses it. */
export class PlainRtpTransport extends EnhancedEventEmitter<PlainRtpTransportEvents> {
  readonly #id = nextId++;
  readonly #core: CorePlainTransport;
  #closed = false;

  /** @internal */
  constructor(core: CorePlainTransport) {
    super();
    this.#core = core;
    core.on('routerclose', () => this.close());
  }

  get id(): number {
    return this.#id;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get tuple(): PlainRtpTuple {
    const t = this.#core.tuple;
    return { localIP: t.localAddress, localPort: t.localPort, remoteIP: t.remoteIp, remotePort: t.remotePort, protocol: 'udp' };
  }

  /** @internal */
  get core(): CorePlainTransport {
    return this.#core;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#core.close();
    this.safeEmit('close');
  }
}
