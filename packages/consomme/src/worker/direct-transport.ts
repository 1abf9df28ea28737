import type { WorkerContext } from './context.js';
import type { WorkerRouter } from './router.js';
import { WorkerTransport } from './transport.js';

/**
 * A transport without a network: its data producers are fed by Node
 * (dataProducer.send) and its data consumers hand messages back to Node.
 */
export class WorkerDirectTransport extends WorkerTransport {
  readonly #maxMessageSize: number;

  constructor(id: string, maxMessageSize: number, ctx: WorkerContext, router: WorkerRouter) {
    super(id, ctx, router);
    this.#maxMessageSize = maxMessageSize;
  }

  protected override maxDataMessageSize(): number {
    return this.#maxMessageSize;
  }

  protected sendRtpToWire(): void {}

  protected sendRtcpToWire(): void {}

  protected onClose(): void {}

  protected handleOwnRequest(method: string): unknown {
    switch (method) {
      case 'transport.getStats':
        return [{ type: 'direct-transport', transportId: this.id, timestamp: Date.now(), ...this.dataStats() }];
      case 'transport.dump':
        return { ...this.baseDump(), direct: true };
      default:
        throw new TypeError(`unknown method '${method}'`);
    }
  }
}
