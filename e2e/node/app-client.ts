/**
 * A test client of the app server: socket.io-client for signaling and the
 * unmodified mediasoup-client on @roamhq/wrtc (set up by ../lib/node-client.ts)
 * for media. It follows the protocol as the browser app does: join, load the
 * device, create transports, send `ready`, then consume whatever the server
 * announces with newConsumer / newDataConsumer and resume it.
 */
import { createRequire } from 'node:module';
import { io, type Socket } from 'socket.io-client';
import type { types as clientTypes } from 'mediasoup-client';
import type { ErrorCode, Method, Notification, Notifications, Replies, Reply, RequestData } from '@consomme/protocol';
import { sleep, waitUntil, type MediaCounters } from '../lib/node-client.js';

const require = createRequire(import.meta.url);
// Importing ../lib/node-client.js installed the wrtc globals mediasoup-client needs.
const wrtc = require('@roamhq/wrtc');
const { Device } = require('mediasoup-client') as typeof import('mediasoup-client');
const { Chrome111 } = require('mediasoup-client/handlers/Chrome111');

export class RequestError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.code = code;
  }
}

export interface ConsumedMedia {
  consumer: clientTypes.Consumer;
  counters: MediaCounters;
  peerId: string;
  source: string;
}

export interface ConsumedData {
  dataConsumer: clientTypes.DataConsumer;
  texts: string[];
  peerId: string;
}

/** Open a socket.io connection (no automatic reconnection: tests reconnect on purpose). */
export async function connectSocket(url: string): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, timeout: 5000 });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

/** Emit a request and wait for its reply (bounded in time). */
export function rawRequest(socket: Socket, payload: unknown, timeoutMs = 10_000): Promise<Reply> {
  return socket.timeout(timeoutMs).emitWithAck('request', payload) as Promise<Reply>;
}

export class AppClient {
  readonly socket: Socket;
  readonly notifications: Notification[] = [];
  readonly consumed = new Map<string, ConsumedMedia>();
  readonly dataConsumed = new Map<string, ConsumedData>();
  readonly errors: string[] = [];
  readonly #sinks: any[] = [];
  device: clientTypes.Device | undefined;
  send: clientTypes.Transport | undefined;
  recv: clientTypes.Transport | undefined;
  joined: Replies['join'] | undefined;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('notification', (n: Notification) => {
      this.notifications.push(n);
      this.#onNotification(n).catch((error: unknown) => this.errors.push(`${n.method}: ${String(error)}`));
    });
  }

  static async connect(url: string): Promise<AppClient> {
    return new AppClient(await connectSocket(url));
  }

  get peerId(): string {
    if (!this.joined) throw new Error('not joined');
    return this.joined.peerId;
  }

  async request<M extends Method>(method: M, data?: RequestData<M>): Promise<Replies[M]> {
    const reply = await rawRequest(this.socket, { method, data });
    if (!reply.ok) throw new RequestError(reply.error.code, reply.error.message);
    return reply.data as Replies[M];
  }

  /** The error code of a request expected to fail. */
  async failure(method: string, data?: unknown): Promise<ErrorCode> {
    const reply = await rawRequest(this.socket, { method, data });
    if (reply.ok) throw new Error(`${method} succeeded, expected a failure`);
    return reply.error.code;
  }

  async join(roomId: string, displayName: string, extra: Partial<RequestData<'join'>> = {}): Promise<Replies['join']> {
    this.joined = await this.request('join', { roomId, displayName, ...extra });
    return this.joined;
  }

  /** Load the device, create the transports asked for (with SCTP) and send `ready` when receiving. */
  async setupMedia({ send = true, recv = true }: { send?: boolean; recv?: boolean } = {}): Promise<void> {
    if (!this.joined) throw new Error('join first');
    this.device = new Device({ handlerFactory: Chrome111.createFactory() });
    await this.device.load({ routerRtpCapabilities: structuredClone(this.joined.routerRtpCapabilities) as clientTypes.RtpCapabilities });
    const sctpCapabilities = this.device.sctpCapabilities;
    if (send) {
      const info = await this.request('createTransport', { direction: 'send', sctpCapabilities });
      this.send = this.device.createSendTransport(structuredClone(info) as clientTypes.TransportOptions);
      this.#wire(this.send);
    }
    if (recv) {
      const info = await this.request('createTransport', { direction: 'recv', sctpCapabilities });
      this.recv = this.device.createRecvTransport(structuredClone(info) as clientTypes.TransportOptions);
      this.#wire(this.recv);
      await this.request('ready', { rtpCapabilities: structuredClone(this.device.rtpCapabilities) as RequestData<'ready'>['rtpCapabilities'] });
    }
  }

  #wire(transport: clientTypes.Transport): void {
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.request('connectTransport', { transportId: transport.id, dtlsParameters: dtlsParameters as never }).then(() => callback(), errback);
    });
    transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
      const source = (appData as { source: 'mic' | 'webcam' }).source;
      this.request('produce', { transportId: transport.id, kind, rtpParameters: rtpParameters as never, source }).then(({ id }) => callback({ id }), errback);
    });
    transport.on('producedata', ({ sctpStreamParameters, label, protocol }, callback, errback) => {
      this.request('produceData', { transportId: transport.id, sctpStreamParameters: sctpStreamParameters as never, label: label ?? '', protocol: protocol ?? '' }).then(
        ({ id }) => callback({ id }),
        errback,
      );
    });
  }

  async produce(track: any, source: 'mic' | 'webcam'): Promise<clientTypes.Producer> {
    if (!this.send) throw new Error('no send transport');
    return this.send.produce({ track, appData: { source } });
  }

  async produceData(label: string): Promise<clientTypes.DataProducer> {
    if (!this.send) throw new Error('no send transport');
    const dataProducer = await this.send.produceData({ label });
    if (dataProducer.readyState !== 'open') await new Promise<void>((resolve) => dataProducer.once('open', () => resolve()));
    return dataProducer;
  }

  async #onNotification(n: Notification): Promise<void> {
    if (n.method === 'newConsumer') {
      const data = n.data as Notifications['newConsumer'];
      if (!this.recv) throw new Error('newConsumer without a recv transport');
      const consumer = await this.recv.consume({
        id: data.id,
        producerId: data.producerId,
        kind: data.kind,
        rtpParameters: structuredClone(data.rtpParameters) as clientTypes.RtpParameters,
      });
      const counters: MediaCounters = { frames: 0, samples: 0, lastWidth: 0 };
      if (consumer.kind === 'audio') {
        const sink = new wrtc.nonstandard.RTCAudioSink(consumer.track);
        sink.ondata = (d: { samples: Int16Array }) => (counters.samples += d.samples.length);
        this.#sinks.push(sink);
      } else {
        const sink = new wrtc.nonstandard.RTCVideoSink(consumer.track);
        sink.onframe = () => counters.frames++;
        this.#sinks.push(sink);
      }
      this.consumed.set(consumer.id, { consumer, counters, peerId: data.peerId, source: data.source });
      await this.request('resumeConsumer', { consumerId: consumer.id });
    } else if (n.method === 'newDataConsumer') {
      const data = n.data as Notifications['newDataConsumer'];
      if (!this.recv) throw new Error('newDataConsumer without a recv transport');
      const dataConsumer = await this.recv.consumeData({
        id: data.id,
        dataProducerId: data.dataProducerId,
        sctpStreamParameters: structuredClone(data.sctpStreamParameters) as clientTypes.SctpStreamParameters,
        label: data.label,
        protocol: data.protocol,
      });
      const texts: string[] = [];
      dataConsumer.on('message', (m: unknown) => {
        if (typeof m === 'string') texts.push(m);
      });
      this.dataConsumed.set(dataConsumer.id, { dataConsumer, texts, peerId: data.peerId });
    } else if (n.method === 'consumerClosed') {
      const data = n.data as Notifications['consumerClosed'];
      this.consumed.get(data.consumerId)?.consumer.close();
      this.consumed.delete(data.consumerId);
    } else if (n.method === 'dataConsumerClosed') {
      const data = n.data as Notifications['dataConsumerClosed'];
      this.dataConsumed.get(data.dataConsumerId)?.dataConsumer.close();
      this.dataConsumed.delete(data.dataConsumerId);
    }
  }

  /** Notifications of one method received so far. */
  seen<M extends keyof Notifications>(method: M): Notifications[M][] {
    return this.notifications.filter((n) => n.method === method).map((n) => n.data as Notifications[M]);
  }

  async waitFor<M extends keyof Notifications>(
    method: M,
    match: (data: Notifications[M]) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<Notifications[M]> {
    let found: Notifications[M] | undefined;
    await waitUntil(`${method} notification`, timeoutMs, () => {
      found = this.seen(method).find(match);
      return found !== undefined;
    });
    return found!;
  }

  /** A consumed media stream whose audio samples (or video frames) keep rising. */
  async expectMediaFrom(peerId: string, timeoutMs = 15_000): Promise<ConsumedMedia> {
    let media: ConsumedMedia | undefined;
    await waitUntil(`a consumer of ${peerId}`, timeoutMs, () => {
      media = [...this.consumed.values()].find((m) => m.peerId === peerId);
      return media !== undefined;
    });
    const { counters } = media!;
    const before = counters.samples + counters.frames;
    await waitUntil(`media from ${peerId} rising`, timeoutMs, () => counters.samples + counters.frames > before + 4800);
    return media!;
  }

  close(): void {
    for (const sink of this.#sinks) sink.stop();
    this.send?.close();
    this.recv?.close();
    this.socket.disconnect();
  }
}

export { sleep, waitUntil };
