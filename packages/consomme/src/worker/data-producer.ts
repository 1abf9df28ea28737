import type { SctpStreamParameters } from '../ortc/types.js';
import type { RequestHandler } from './context.js';

export interface DataProducerInit {
  dataProducerId: string;
  type: 'sctp' | 'direct';
  sctpStreamParameters?: SctpStreamParameters;
  label: string;
  protocol: string;
  paused: boolean;
}

export interface DataProducerHost {
  /** Hand a message to the router for this producer's data consumers. */
  forward(producer: WorkerDataProducer, ppid: number, data: Buffer, subchannels?: number[], requiredSubchannel?: number): void;
  pausedChanged(producer: WorkerDataProducer): void;
}

/** The receiving end of a data producer: counts and forwards its messages unless paused. */
export class WorkerDataProducer implements RequestHandler {
  readonly id: string;
  readonly type: 'sctp' | 'direct';
  readonly streamId: number | undefined;
  readonly label: string;
  readonly protocol: string;
  readonly sctpStreamParameters: SctpStreamParameters | undefined;
  readonly #host: DataProducerHost;
  #paused: boolean;
  #messagesReceived = 0;
  #bytesReceived = 0;

  constructor(init: DataProducerInit, host: DataProducerHost) {
    this.id = init.dataProducerId;
    this.type = init.type;
    this.sctpStreamParameters = init.sctpStreamParameters;
    this.streamId = init.sctpStreamParameters?.streamId;
    this.label = init.label;
    this.protocol = init.protocol;
    this.#paused = init.paused;
    this.#host = host;
  }

  get paused(): boolean {
    return this.#paused;
  }

  get messagesReceived(): number {
    return this.#messagesReceived;
  }

  get bytesReceived(): number {
    return this.#bytesReceived;
  }

  /** A message from the endpoint (SCTP) or from Node (direct). Never throws. */
  receive(ppid: number, data: Buffer, subchannels?: number[], requiredSubchannel?: number): void {
    this.#messagesReceived++;
    this.#bytesReceived += data.length;
    if (this.#paused) return;
    this.#host.forward(this, ppid, data, subchannels, requiredSubchannel);
  }

  handleRequest(method: string, data: unknown): unknown {
    switch (method) {
      case 'dataProducer.pause':
        if (!this.#paused) {
          this.#paused = true;
          this.#host.pausedChanged(this);
        }
        return undefined;
      case 'dataProducer.resume':
        if (this.#paused) {
          this.#paused = false;
          this.#host.pausedChanged(this);
        }
        return undefined;
      case 'dataProducer.send': {
        if (this.type !== 'direct') throw new Error('send() is only for direct data producers');
        const m = data as { ppid: number; data: Uint8Array; subchannels?: number[]; requiredSubchannel?: number };
        this.receive(m.ppid, Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength), m.subchannels, m.requiredSubchannel);
        return undefined;
      }
      case 'dataProducer.getStats':
        return [
          {
            type: 'data-producer',
            timestamp: Date.now(),
            label: this.label,
            protocol: this.protocol,
            messagesReceived: this.#messagesReceived,
            bytesReceived: this.#bytesReceived,
          },
        ];
      case 'dataProducer.dump':
        return { id: this.id, type: this.type, sctpStreamParameters: this.sctpStreamParameters, label: this.label, protocol: this.protocol, paused: this.#paused };
      default:
        throw new TypeError(`unknown method '${method}'`);
    }
  }
}
