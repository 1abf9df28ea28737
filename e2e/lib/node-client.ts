/**
 * mediasoup-client v3 in Node with @roamhq/wrtc (libwebrtc), following
 * shared/TESTING.md: synthetic audio and video sources, decoded-frame and
 * audio-sample counters on the receiving side.
 */
import { createRequire } from 'node:module';
import type { types as clientTypes } from 'mediasoup-client';

const require = createRequire(import.meta.url);
const wrtc = require('@roamhq/wrtc');
(globalThis as any).RTCPeerConnection = wrtc.RTCPeerConnection;
(globalThis as any).MediaStream = wrtc.MediaStream;
const { Device } = require('mediasoup-client') as typeof import('mediasoup-client');
const { Chrome111 } = require('mediasoup-client/handlers/Chrome111');

export type Signal = (method: string, data?: any) => Promise<any>;

export interface SyntheticMedia {
  audioTrack: any;
  videoTrack: any;
  stop(): void;
}

/** A 320x240 moving pattern at 20 fps and a 440 Hz tone. */
export function syntheticMedia(): SyntheticMedia {
  const { RTCVideoSource, RTCAudioSource } = wrtc.nonstandard;
  const videoSource = new RTCVideoSource();
  const audioSource = new RTCAudioSource();
  const width = 320;
  const height = 240;
  const frame = new Uint8ClampedArray(width * height * 1.5);
  let n = 0;
  const videoTimer = setInterval(() => {
    n++;
    for (let i = 0; i < width * height; i++) frame[i] = (i + n * 4) & 0xff;
    frame.fill(128, width * height);
    videoSource.onFrame({ width, height, data: frame });
  }, 50);
  const samples = new Int16Array(480);
  let phase = 0;
  const audioTimer = setInterval(() => {
    for (let i = 0; i < samples.length; i++) {
      samples[i] = Math.round(8000 * Math.sin(phase));
      phase += (2 * Math.PI * 440) / 48000;
    }
    audioSource.onData({ samples, sampleRate: 48000, bitsPerSample: 16, channelCount: 1, numberOfFrames: 480 });
  }, 10);
  const videoTrack = videoSource.createTrack();
  const audioTrack = audioSource.createTrack();
  return {
    audioTrack,
    videoTrack,
    stop() {
      clearInterval(videoTimer);
      clearInterval(audioTimer);
      videoTrack.stop();
      audioTrack.stop();
    },
  };
}

export class NodeClient {
  readonly device: clientTypes.Device;
  readonly #signal: Signal;
  send: clientTypes.Transport | undefined;
  recv: clientTypes.Transport | undefined;
  readonly sinks: any[] = [];

  constructor(signal: Signal) {
    this.#signal = signal;
    this.device = new Device({ handlerFactory: Chrome111.createFactory() });
  }

  async load(): Promise<void> {
    if (this.device.loaded) return;
    await this.device.load({ routerRtpCapabilities: structuredClone(await this.#signal('getRouterRtpCapabilities')) });
  }

  #wire(transport: clientTypes.Transport): void {
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.#signal('connectWebRtcTransport', { transportId: transport.id, dtlsParameters }).then(() => callback(), errback);
    });
    transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
      this.#signal('produce', { transportId: transport.id, kind, rtpParameters, appData }).then(({ id }) => callback({ id }), errback);
    });
    transport.on('producedata', ({ sctpStreamParameters, label, protocol, appData }, callback, errback) => {
      this.#signal('produceData', { transportId: transport.id, sctpStreamParameters, label, protocol, appData }).then(
        ({ id }) => callback({ id }),
        errback,
      );
    });
  }

  /** A data producer on the send transport, open and ready. */
  async produceData(options: clientTypes.DataProducerOptions = {}): Promise<clientTypes.DataProducer> {
    const send = this.send ?? (await this.createSendTransport());
    const dataProducer = await send.produceData(options);
    if (dataProducer.readyState !== 'open') await new Promise<void>((resolve) => dataProducer.once('open', () => resolve()));
    return dataProducer;
  }

  /** A data consumer on the receive transport, collecting what it receives. */
  async consumeData(dataProducerId: string): Promise<{ dataConsumer: clientTypes.DataConsumer; received: ReceivedData }> {
    const recv = this.recv ?? (await this.createRecvTransport());
    const params = await this.#signal('consumeData', { transportId: recv.id, dataProducerId });
    const dataConsumer = await recv.consumeData(structuredClone(params));
    dataConsumer.binaryType = 'arraybuffer';
    const received: ReceivedData = { texts: [], chunks: [], bytes: 0 };
    dataConsumer.on('message', (message: string | ArrayBuffer) => {
      if (typeof message === 'string') received.texts.push(message);
      else {
        const chunk = Buffer.from(message);
        received.chunks.push(chunk);
        received.bytes += chunk.length;
      }
    });
    if (dataConsumer.readyState !== 'open') await new Promise<void>((resolve) => dataConsumer.once('open', () => resolve()));
    return { dataConsumer, received };
  }

  async createSendTransport(options: Record<string, unknown> = {}): Promise<clientTypes.Transport> {
    await this.load();
    const params = await this.#signal('createWebRtcTransport', { options, sctpCapabilities: this.device.sctpCapabilities });
    this.send = this.device.createSendTransport(structuredClone(params));
    this.#wire(this.send);
    return this.send;
  }

  async createRecvTransport(options: Record<string, unknown> = {}): Promise<clientTypes.Transport> {
    await this.load();
    const params = await this.#signal('createWebRtcTransport', { options, sctpCapabilities: this.device.sctpCapabilities });
    this.recv = this.device.createRecvTransport(structuredClone(params));
    this.#wire(this.recv);
    return this.recv;
  }

  async consume(producerId: string): Promise<{ consumer: clientTypes.Consumer; counters: MediaCounters }> {
    const recv = this.recv ?? (await this.createRecvTransport());
    const params = await this.#signal('consume', { transportId: recv.id, producerId, rtpCapabilities: this.device.rtpCapabilities });
    const consumer = await recv.consume(structuredClone(params));
    const counters: MediaCounters = { frames: 0, samples: 0, lastWidth: 0 };
    if (consumer.kind === 'video') {
      const sink = new wrtc.nonstandard.RTCVideoSink(consumer.track);
      sink.onframe = ({ frame }: { frame: { width: number } }) => {
        counters.frames++;
        counters.lastWidth = frame.width;
      };
      this.sinks.push(sink);
    } else {
      const sink = new wrtc.nonstandard.RTCAudioSink(consumer.track);
      sink.ondata = (d: { samples: Int16Array }) => {
        counters.samples += d.samples.length;
      };
      this.sinks.push(sink);
    }
    await this.#signal('resumeConsumer', { consumerId: consumer.id });
    return { consumer, counters };
  }

  close(): void {
    for (const sink of this.sinks) sink.stop();
    this.send?.close();
    this.recv?.close();
  }
}

export interface ReceivedData {
  texts: string[];
  chunks: Buffer[];
  bytes: number;
}

export interface MediaCounters {
  frames: number;
  samples: number;
  lastWidth: number;
}

/** inbound-rtp of a mediasoup-client consumer. */
export async function inboundStats(consumer: clientTypes.Consumer): Promise<Record<string, any> | undefined> {
  const report = await consumer.getStats();
  let inbound: Record<string, any> | undefined;
  report.forEach((s: any) => {
    if (s.type === 'inbound-rtp') inbound = s;
  });
  return inbound;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function waitUntil(what: string, timeoutMs: number, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/**
 * libwebrtc in @roamhq/wrtc sometimes crashes (SIGSEGV) while the process
 * tears down its threads at exit (shared/TESTING.md). Test files that use it
 * end the process themselves once their results are reported; a failed test
 * has already set process.exitCode, which is kept.
 */
export function exitAfterWrtcTests(after: (fn: () => void) => void): void {
  after(() => {
    setTimeout(() => process.exit(process.exitCode ?? 0), 500);
  });
}
