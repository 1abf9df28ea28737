import { isIP } from 'node:net';
import { InvalidStateError } from '../errors.js';
import { EnhancedEventEmitter } from '../api/enhanced-events.js';
import type { AudioLevelObserver } from '../api/audio-level-observer.js';
import type { Router } from '../api/router.js';
import type { TransportListenInfo } from '../api/transport-types.js';
import type { Worker } from '../api/worker.js';
import { canConsume, generateRouterRtpCapabilities, getConsumerRtpParameters } from '../ortc/index.js';
import type { RtpCapabilities, RtpCodecCapability } from '../ortc/types.js';
import { ActiveSpeakerDetector } from './active-speaker-detector.js';
import { Consumer } from './consumer.js';
import { Peer, type RoomLink } from './peer.js';
import { PlainRtpTransport } from './plain-rtp-transport.js';
import { Producer } from './producer.js';
import { fromClientCapabilities, toClientCapabilities } from './protocol/convert.js';
import { ROOM_REQUESTS, checkRequest, optionalBoolean, requireString, type ProtocolMessage } from './protocol/messages.js';
import { RtpStreamer } from './rtp-streamer.js';

/** A codec of the room, named as in seed 002 ('opus', 'VP8'). */
export interface RoomMediaCodec {
  kind: 'audio' | 'video';
  name: string;
  preferredPayloadType?: number;
  clockRate: number;
  /** Audio channels. Default 1. */
  channels?: number;
  parameters?: Record<string, string | number>;
}

export interface AudioLevelInfo {
  producer: Producer;
  /** dBov: 0 is the loudest, -127 silence. */
  audioLevel: number;
}

export interface RtpStreamerOptions {
  remoteIP: string;
  remotePort: number;
}

export type RoomEvents = {
  close: [unknown];
  newpeer: [Peer];
  audiolevels: [AudioLevelInfo[]];
  listenererror: [string, Error];
  '@close': [];
};

/** How often 'audiolevels' is emitted (ms). */
export const AUDIO_LEVELS_INTERVAL = 400;

/** Codecs that describe how media is protected, not media: seed 002 forbids them in mediaCodecs. */
const FEATURE_CODECS = ['rtx', 'red', 'ulpfec', 'flexfec', 'flexfec-03'];

/** Seed-002 media codecs in the core's shape; TypeError for anything malformed, RTX or FEC. */
export function toCoreMediaCodecs(mediaCodecs: unknown): RtpCodecCapability[] {
  if (!Array.isArray(mediaCodecs)) throw new TypeError('mediaCodecs must be an array');
  return mediaCodecs.map((codec: unknown, i) => {
    if (typeof codec !== 'object' || codec === null) throw new TypeError(`mediaCodecs[${i}] must be an object`);
    const c = codec as Record<string, unknown>;
    if (c['kind'] !== 'audio' && c['kind'] !== 'video') throw new TypeError(`mediaCodecs[${i}].kind must be 'audio' or 'video'`);
    const name = c['name'];
    if (typeof name !== 'string' || name.length === 0) throw new TypeError(`mediaCodecs[${i}].name must be a codec name`);
    if (FEATURE_CODECS.includes(name.toLowerCase())) throw new TypeError(`mediaCodecs[${i}]: feature codec '${name}' (RTX, FEC) is not allowed`);
    if (!Number.isInteger(c['clockRate']) || (c['clockRate'] as number) <= 0) throw new TypeError(`mediaCodecs[${i}].clockRate must be a positive integer`);
    const out: RtpCodecCapability = { kind: c['kind'], mimeType: `${c['kind']}/${name}`, clockRate: c['clockRate'] as number };
    if (c['channels'] !== undefined) {
      if (!Number.isInteger(c['channels']) || (c['channels'] as number) < 1) throw new TypeError(`mediaCodecs[${i}].channels must be a positive integer`);
      out.channels = c['channels'] as number;
    }
    if (c['parameters'] !== undefined) {
      if (typeof c['parameters'] !== 'object' || c['parameters'] === null) throw new TypeError(`mediaCodecs[${i}].parameters must be an object`);
      out.parameters = structuredClone(c['parameters']) as Record<string, string | number>;
    }
    if (c['preferredPayloadType'] !== undefined) out.preferredPayloadType = c['preferredPayloadType'] as number;
    return out;
  });
}

/** @internal */
export interface RoomInternal {
  id: number;
  mediaCodecs: RtpCodecCapability[];
  worker: Promise<Worker>;
  listenInfos: TransportListenInfo[];
}

/** A conference: its peers and what they send each other (seed 002). */
export class Room extends EnhancedEventEmitter<RoomEvents> {
  readonly #id: number;
  readonly #listenInfos: TransportListenInfo[];
  readonly #peers = new Map<string, Peer>();
  /** Rooms producers by core producer id, to name them in audio levels. */
  readonly #producers = new Map<string, Producer>();
  readonly #ready: Promise<Router>;
  #router: Router | undefined;
  #audioLevelObserver: AudioLevelObserver | undefined;
  #rtpCapabilities: RtpCapabilities;
  #clientRtpCapabilities: Record<string, unknown>;
  #closed = false;
  #nextConsumerId = 1;
  readonly #link: RoomLink = {
    router: () => this.#whenReady(),
    listenInfos: () => this.#listenInfos,
    producerCreated: (producer) => this.#producerCreated(producer),
  };

  /** @internal Use server.Room(). */
  constructor(internal: RoomInternal) {
    super();
    this.#id = internal.id;
    this.#listenInfos = internal.listenInfos;
    // Computed here too so that the room is usable (and bad codecs throw) before its router exists.
    this.#rtpCapabilities = generateRouterRtpCapabilities(structuredClone(internal.mediaCodecs));
    this.#clientRtpCapabilities = toClientCapabilities(this.#rtpCapabilities);
    this.#ready = this.#setUp(internal.worker, internal.mediaCodecs);
    this.#ready.catch(() => this.close());
  }

  get id(): number {
    return this.#id;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** What the room can send and receive, in the mediasoup-client 2.x form. */
  get rtpCapabilities(): Record<string, unknown> {
    return this.#clientRtpCapabilities;
  }

  get peers(): Peer[] {
    return [...this.#peers.values()];
  }

  getPeerByName(name: string): Peer | undefined {
    return this.#peers.get(name);
  }

  close(appData?: unknown): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const peer of [...this.#peers.values()]) peer.close(appData);
    this.#peers.clear();
    this.#router?.close();
    this.safeEmit('@close');
    this.safeEmit('close', appData);
  }

  /** A request with target 'room' (queryRoom, join); resolves to the response to send back. */
  async receiveRequest(request: unknown): Promise<unknown> {
    if (this.#closed) throw new InvalidStateError('room closed');
    const message = checkRequest(request, 'room', ROOM_REQUESTS);
    switch (message.method) {
      case 'queryRoom':
        await this.#whenReady();
        return { rtpCapabilities: structuredClone(this.#clientRtpCapabilities), mandatoryCodecPayloadTypes: [] };
      case 'join':
        return this.#join(message);
    }
  }

  createActiveSpeakerDetector(): ActiveSpeakerDetector {
    if (this.#closed) throw new InvalidStateError('room closed');
    return new ActiveSpeakerDetector(this);
  }

  /** Relay a producer's RTP and RTCP to remoteIP:remotePort as plain RTP (one port, RTCP muxed). */
  async createRtpStreamer(producer: Producer, options: RtpStreamerOptions): Promise<RtpStreamer> {
    if (this.#closed) throw new InvalidStateError('room closed');
    if (!(producer instanceof Producer) || this.#producers.get(producer.core.id) !== producer) throw new TypeError('producer is not a producer of this room');
    if (producer.closed) throw new InvalidStateError('producer closed');
    if (typeof options !== 'object' || options === null) throw new TypeError('missing options');
    const { remoteIP, remotePort } = options;
    const family = typeof remoteIP === 'string' ? isIP(remoteIP) : 0;
    if (family === 0) throw new TypeError('remoteIP must be an IPv4 or IPv6 address');
    if (!Number.isInteger(remotePort) || remotePort < 1 || remotePort > 65535) throw new TypeError('remotePort must be a port number');
    const listen = this.#listenInfos.find((info) => info.protocol === 'udp' && isIP(info.ip) === family);
    if (!listen) throw new TypeError(`no RTC address of the IPv${family} family to send from`);
    const router = await this.#whenReady();
    const core = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: listen.ip }, rtcpMux: true, comedia: false });
    const transport = new PlainRtpTransport(core);
    try {
      await core.connect({ ip: remoteIP, port: remotePort });
      // No RTX: plain receivers such as ffmpeg cannot use it.
      const rtpParameters = getConsumerRtpParameters({
        consumableRtpParameters: producer.core.consumableRtpParameters,
        remoteRtpCapabilities: router.rtpCapabilities,
        enableRtx: false,
      });
      const consumer = new Consumer({ id: this.#nextConsumerId++, peer: undefined, source: producer, rtpParameters, rtpCapabilities: router.rtpCapabilities, notify: undefined });
      await consumer.enable(transport, core);
      if (consumer.kind === 'video') await consumer.requestKeyFrame();
      return new RtpStreamer(consumer, transport);
    } catch (error) {
      transport.close();
      throw error;
    }
  }

  async #setUp(worker: Promise<Worker>, mediaCodecs: RtpCodecCapability[]): Promise<Router> {
    const router = await (await worker).createRouter({ mediaCodecs });
    if (this.#closed) {
      router.close();
      throw new InvalidStateError('room closed');
    }
    this.#router = router;
    this.#rtpCapabilities = router.rtpCapabilities;
    this.#clientRtpCapabilities = toClientCapabilities(router.rtpCapabilities);
    router.on('workerclose', () => this.close());
    // threshold -127 keeps silent producers in the list: 'audiolevels' names every audio producer.
    const observer = await router.createAudioLevelObserver({ maxEntries: 64, threshold: -127, interval: AUDIO_LEVELS_INTERVAL });
    this.#audioLevelObserver = observer;
    observer.on('volumes', (volumes) => {
      const infos: AudioLevelInfo[] = [];
      for (const { producer, volume } of volumes) {
        const p = this.#producers.get(producer.id);
        if (p && !p.closed) infos.push({ producer: p, audioLevel: volume });
      }
      infos.sort((a, b) => b.audioLevel - a.audioLevel);
      this.safeEmit('audiolevels', infos);
    });
    observer.on('silence', () => this.safeEmit('audiolevels', []));
    return router;
  }

  async #whenReady(): Promise<Router> {
    const router = await this.#ready;
    if (this.#closed) throw new InvalidStateError('room closed');
    return router;
  }

  async #join(message: ProtocolMessage): Promise<unknown> {
    const peerName = requireString(message, 'peerName');
    const spy = optionalBoolean(message, 'spy') ?? false;
    const coreRtpCapabilities = fromClientCapabilities(message['rtpCapabilities']);
    await this.#whenReady();
    if (this.#peers.has(peerName)) throw new TypeError(`a peer named '${peerName.slice(0, 64)}' already exists`);
    const peer = new Peer({
      name: peerName,
      rtpCapabilities: structuredClone(message['rtpCapabilities']) as Record<string, unknown>,
      coreRtpCapabilities,
      spy,
      appData: message['appData'],
      room: this.#link,
    });
    const peers: unknown[] = [];
    for (const other of this.#peers.values()) {
      if (other.spy) continue;
      const consumers = other.producers.map((producer) => this.#createConsumer(peer, producer, false)).filter((c) => c !== undefined);
      peers.push({ name: other.name, consumers: consumers.map((c) => c.describe()), appData: other.appData });
    }
    this.#peers.set(peerName, peer);
    peer.on('@close', (_originator, appData) => {
      this.#peers.delete(peerName);
      if (this.#closed || spy) return;
      for (const other of this.#peers.values()) other.notify('peerClosed', { name: peerName, appData });
    });
    if (!spy) for (const other of this.#peers.values()) if (other !== peer) other.notify('newPeer', { name: peerName, consumers: [], appData: message['appData'] });
    this.safeEmit('newpeer', peer);
    return { peers };
  }

  #producerCreated(producer: Producer): void {
    this.#producers.set(producer.core.id, producer);
    producer.on('@close', () => this.#producers.delete(producer.core.id));
    if (producer.kind === 'audio' && this.#audioLevelObserver) {
      this.#audioLevelObserver.addProducer({ producerId: producer.core.id }).catch(() => undefined);
    }
    for (const peer of this.#peers.values()) if (peer !== producer.peer && !peer.closed) this.#createConsumer(peer, producer, true);
  }

  /** A consumer of `producer` for `peer`, or undefined when the peer cannot receive its codec. */
  #createConsumer(peer: Peer, producer: Producer, announce: boolean): Consumer | undefined {
    if (!canConsume(producer.core.consumableRtpParameters, peer.coreRtpCapabilities)) return undefined;
    const rtpParameters = getConsumerRtpParameters({
      consumableRtpParameters: producer.core.consumableRtpParameters,
      remoteRtpCapabilities: peer.coreRtpCapabilities,
    });
    const consumer = new Consumer({
      id: this.#nextConsumerId++,
      peer,
      source: producer,
      rtpParameters,
      rtpCapabilities: peer.coreRtpCapabilities,
      notify: (method, data) => peer.notify(method as 'newConsumer', data),
    });
    peer.addConsumer(consumer, announce);
    return consumer;
  }
}
