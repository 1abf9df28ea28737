/**
 * A transport's data producers and data consumers: creation and closing,
 * the SCTP stream each one uses, and the messages between them and the
 * transport's SCTP association. The transport supplies the association
 * (`sendSctpMessage` and friends; transports without SCTP refuse) and the
 * router links producers to consumers.
 */
import type { WorkerContext } from './context.js';
import { WorkerDataProducer, type DataProducerInit } from './data-producer.js';
import { WorkerDataConsumer, type DataConsumerInit, type SctpSendResult } from './data-consumer.js';
import type { WorkerRouter } from './router.js';
import type { WorkerTransport } from './transport.js';

export interface DataStats {
  messagesReceived: number;
  bytesReceived: number;
  messagesSent: number;
  bytesSent: number;
}

/** What the data side needs from its transport. */
export interface TransportDataHost {
  ctx(): WorkerContext;
  router(): WorkerRouter;
  /** The transport, as the router knows it. */
  readonly owner: WorkerTransport;
  closed(): boolean;
  dropped(reason: string): void;
  sendSctpMessage(streamId: number, ppid: number, data: Buffer, params: DataConsumerInit['sctpStreamParameters']): SctpSendResult;
  sctpBufferedAmount(streamId: number): number;
  /** A stream is no longer used: SCTP transports reset it (RFC 6525). */
  releaseSctpStream(streamId: number): void;
  maxDataMessageSize(): number;
  /** Streams taken outside data producers/consumers (an endpoint's DCEP channels). */
  isStreamReserved(streamId: number): boolean;
}

export class TransportData {
  readonly #host: TransportDataHost;
  readonly #producers = new Map<string, WorkerDataProducer>();
  readonly #consumers = new Map<string, WorkerDataConsumer>();
  /** Incoming SCTP stream id → data producer. */
  readonly #producerByStream = new Map<number, WorkerDataProducer>();
  /** Outgoing SCTP stream id → data consumer. */
  readonly #consumerByStream = new Map<number, WorkerDataConsumer>();

  constructor(host: TransportDataHost) {
    this.#host = host;
  }

  producerIds(): string[] {
    return [...this.#producers.keys()];
  }

  consumerIds(): string[] {
    return [...this.#consumers.keys()];
  }

  produce(init: DataProducerInit): unknown {
    const router = this.#host.router();
    if (router.hasDataProducer(init.dataProducerId)) throw new Error(`dataProducer ${init.dataProducerId} already exists`);
    const streamId = init.sctpStreamParameters?.streamId;
    if (streamId !== undefined && (this.#producerByStream.has(streamId) || this.#host.isStreamReserved(streamId))) {
      throw new TypeError(`SCTP stream ${streamId} already in use`);
    }
    const dataProducer = new WorkerDataProducer(init, {
      forward: (dp, ppid, data, subchannels, requiredSubchannel) => router.forwardData(dp, ppid, data, subchannels, requiredSubchannel),
      pausedChanged: (dp) => router.dataProducerPausedChanged(dp),
    });
    router.addDataProducer(dataProducer);
    this.#producers.set(dataProducer.id, dataProducer);
    if (streamId !== undefined) this.#producerByStream.set(streamId, dataProducer);
    this.#host.ctx().register(dataProducer.id, {
      handleRequest: (method, data) => {
        if (method === 'dataProducer.close') {
          this.#closeProducer(dataProducer);
          return undefined;
        }
        return dataProducer.handleRequest(method, data);
      },
    });
    return {};
  }

  consume(init: DataConsumerInit): unknown {
    const host = this.#host;
    const streamId = init.sctpStreamParameters?.streamId;
    if (streamId !== undefined && (this.#consumerByStream.has(streamId) || host.isStreamReserved(streamId))) {
      throw new TypeError(`SCTP stream ${streamId} already in use`);
    }
    const dataConsumer = new WorkerDataConsumer(init, host.ctx(), {
      sendSctp: (dc, ppid, data) => host.sendSctpMessage(dc.streamId ?? 0, ppid, data, dc.sctpStreamParameters),
      bufferedAmount: (dc) => host.sctpBufferedAmount(dc.streamId ?? 0),
      maxMessageSize: host.maxDataMessageSize(),
      dropped: (reason) => host.dropped(reason),
    });
    const dataProducer = host.router().addDataConsumer(dataConsumer, host.owner);
    this.#consumers.set(dataConsumer.id, dataConsumer);
    if (streamId !== undefined) this.#consumerByStream.set(streamId, dataConsumer);
    dataConsumer.setDataProducerPaused(dataProducer.paused);
    host.ctx().register(dataConsumer.id, {
      handleRequest: (method, data) => {
        if (method === 'dataConsumer.close') {
          this.#closeConsumer(dataConsumer);
          return undefined;
        }
        return dataConsumer.handleRequest(method, data);
      },
    });
    return { dataProducerPaused: dataProducer.paused, subchannels: init.subchannels };
  }

  /** The transport closes: every data producer and consumer goes with it. */
  closeAll(): void {
    for (const dataProducer of [...this.#producers.values()]) this.#closeProducer(dataProducer);
    for (const dataConsumer of [...this.#consumers.values()]) this.#closeConsumer(dataConsumer);
  }

  /** One message from the endpoint's SCTP association. Never throws. */
  receive(streamId: number, ppid: number, data: Buffer): void {
    const dataProducer = this.#producerByStream.get(streamId);
    if (!dataProducer) {
      this.#host.dropped('sctp-message-unknown-stream');
      return;
    }
    dataProducer.receive(ppid, data);
  }

  stats(): DataStats {
    const out: DataStats = { messagesReceived: 0, bytesReceived: 0, messagesSent: 0, bytesSent: 0 };
    for (const dp of this.#producers.values()) {
      out.messagesReceived += dp.messagesReceived;
      out.bytesReceived += dp.bytesReceived;
    }
    for (const dc of this.#consumers.values()) {
      out.messagesSent += dc.messagesSent;
      out.bytesSent += dc.bytesSent;
    }
    return out;
  }

  /** The SCTP association failed or closed: reliable data consumers stop waiting to send. */
  sctpGone(): void {
    for (const dataConsumer of this.#consumers.values()) dataConsumer.dropPending();
  }

  hasStream(streamId: number): boolean {
    return this.#producerByStream.has(streamId) || this.#consumerByStream.has(streamId);
  }

  bufferedAmountChanged(streamId: number, amount: number): void {
    this.#consumerByStream.get(streamId)?.onBufferedAmount(amount);
    // The send buffer is shared by the association: any drop in it may let waiting messages go.
    for (const dataConsumer of this.#consumers.values()) if (dataConsumer.hasPending) dataConsumer.drain();
  }

  /** A data consumer goes (its data producer closed, or it was closed itself). */
  remove(dataConsumer: WorkerDataConsumer): void {
    if (!this.#consumers.delete(dataConsumer.id)) return;
    if (dataConsumer.streamId !== undefined) {
      this.#consumerByStream.delete(dataConsumer.streamId);
      this.#host.releaseSctpStream(dataConsumer.streamId);
    }
    dataConsumer.close();
    this.#host.ctx().unregister(dataConsumer.id);
  }

  #closeProducer(dataProducer: WorkerDataProducer): void {
    if (!this.#producers.delete(dataProducer.id)) return;
    if (dataProducer.streamId !== undefined) {
      this.#producerByStream.delete(dataProducer.streamId);
      // As mediasoup (and RFC 8831 §6.7): closing it resets the stream, which closes the endpoint's channel.
      if (!this.#host.closed()) this.#host.releaseSctpStream(dataProducer.streamId);
    }
    this.#host.ctx().unregister(dataProducer.id);
    this.#host.router().removeDataProducer(dataProducer);
  }

  #closeConsumer(dataConsumer: WorkerDataConsumer): void {
    if (!this.#consumers.has(dataConsumer.id)) return;
    this.#host.router().removeDataConsumer(dataConsumer);
    this.remove(dataConsumer);
  }
}
