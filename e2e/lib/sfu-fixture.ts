/**
 * A minimal in-process "signaling server" for tests: one worker and router
 * from the built `consomme` package, and the handful of requests a
 * mediasoup-client app makes. Browser pages reach it through
 * page.exposeFunction; Node clients call it directly.
 */
import * as mediasoup from 'consomme';
import type { types } from 'consomme';

export interface FixtureOptions {
  mediaCodecs?: types.RtpCodecCapability[];
  transportOptions?: Partial<types.WebRtcTransportOptions>;
}

export const DEFAULT_CODECS: types.RtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: { 'x-google-start-bitrate': 1000 } },
];

export class SfuFixture {
  worker!: mediasoup.types.Worker;
  router!: mediasoup.types.Router;
  readonly transports = new Map<string, types.WebRtcTransport>();
  readonly producers = new Map<string, types.Producer>();
  readonly consumers = new Map<string, types.Consumer>();
  readonly dataProducers = new Map<string, types.DataProducer>();
  readonly dataConsumers = new Map<string, types.DataConsumer>();
  readonly #options: FixtureOptions;

  constructor(options: FixtureOptions = {}) {
    this.#options = options;
  }

  async start(): Promise<this> {
    this.worker = await mediasoup.createWorker({ logLevel: 'warn', rtcMinPort: 40000, rtcMaxPort: 49999 });
    this.router = await this.worker.createRouter({ mediaCodecs: this.#options.mediaCodecs ?? DEFAULT_CODECS });
    return this;
  }

  close(): void {
    this.worker?.close();
  }

  /** The requests a client makes; the data is JSON-shaped so it can cross page.exposeFunction. */
  async handle(method: string, data: any): Promise<any> {
    switch (method) {
      case 'getRouterRtpCapabilities':
        return this.router.rtpCapabilities;
      case 'createWebRtcTransport': {
        const options = { ...this.#options.transportOptions, ...(data?.options ?? {}) } as types.WebRtcTransportOptions;
        if (!options.listenInfos && !options.listenIps) {
          options.listenInfos = [{ protocol: 'udp', ip: '127.0.0.1' }, { protocol: 'tcp', ip: '127.0.0.1' }];
        }
        if (data?.sctpCapabilities) {
          options.enableSctp = true;
          options.numSctpStreams = data.sctpCapabilities.numStreams;
        }
        const transport = await this.router.createWebRtcTransport(options);
        this.transports.set(transport.id, transport);
        return {
          id: transport.id,
          iceParameters: transport.iceParameters,
          iceCandidates: transport.iceCandidates,
          dtlsParameters: transport.dtlsParameters,
          sctpParameters: transport.sctpParameters,
        };
      }
      case 'connectWebRtcTransport':
        await this.#transport(data.transportId).connect({ dtlsParameters: data.dtlsParameters });
        return {};
      case 'restartIce':
        return this.#transport(data.transportId).restartIce();
      case 'produce': {
        const producer = await this.#transport(data.transportId).produce({
          kind: data.kind,
          rtpParameters: data.rtpParameters,
          appData: data.appData ?? {},
        });
        this.producers.set(producer.id, producer);
        return { id: producer.id };
      }
      case 'consume': {
        const consumer = await this.#transport(data.transportId).consume({
          producerId: data.producerId,
          rtpCapabilities: data.rtpCapabilities,
          paused: true,
        });
        this.consumers.set(consumer.id, consumer);
        return {
          id: consumer.id,
          producerId: consumer.producerId,
          kind: consumer.kind,
          rtpParameters: consumer.rtpParameters,
        };
      }
      case 'produceData': {
        const dataProducer = await this.#transport(data.transportId).produceData({
          sctpStreamParameters: data.sctpStreamParameters,
          label: data.label,
          protocol: data.protocol,
        });
        this.dataProducers.set(dataProducer.id, dataProducer);
        return { id: dataProducer.id };
      }
      case 'consumeData': {
        const dataConsumer = await this.#transport(data.transportId).consumeData({ dataProducerId: data.dataProducerId });
        this.dataConsumers.set(dataConsumer.id, dataConsumer);
        return {
          id: dataConsumer.id,
          dataProducerId: dataConsumer.dataProducerId,
          sctpStreamParameters: dataConsumer.sctpStreamParameters,
          label: dataConsumer.label,
          protocol: dataConsumer.protocol,
        };
      }
      case 'resumeConsumer':
        await this.#consumer(data.consumerId).resume();
        return {};
      case 'pauseConsumer':
        await this.#consumer(data.consumerId).pause();
        return {};
      case 'producerIds':
        return [...this.producers.values()].map((p) => ({ id: p.id, kind: p.kind }));
      default:
        throw new Error(`unknown method ${method}`);
    }
  }

  /** A snapshot of every object's state and stats, for failure messages. */
  async diagnostics(): Promise<string> {
    const out: unknown[] = [];
    for (const t of this.transports.values()) {
      out.push({ transport: t.id.slice(0, 8), ice: t.iceState, dtls: t.dtlsState, stats: (await t.getStats().catch(() => []))[0] });
    }
    for (const p of this.producers.values()) out.push({ producer: p.id.slice(0, 8), kind: p.kind, paused: p.paused, stats: await p.getStats().catch(() => []) });
    for (const c of this.consumers.values()) {
      out.push({ consumer: c.id.slice(0, 8), kind: c.kind, paused: c.paused, producerPaused: c.producerPaused, stats: await c.getStats().catch(() => []) });
    }
    return JSON.stringify(out);
  }

  #transport(id: string): types.WebRtcTransport {
    const t = this.transports.get(id);
    if (!t) throw new Error(`transport ${id} not found`);
    return t;
  }

  #consumer(id: string): types.Consumer {
    const c = this.consumers.get(id);
    if (!c) throw new Error(`consumer ${id} not found`);
    return c;
  }
}
