/**
 * RoomClient: one participant in a Consommé room. It joins over socket.io,
 * sends and receives media with mediasoup-client, carries chat and files on
 * data channels, and recovers by itself: ICE restarts for media-path
 * failures, and a rejoin (same peer id) when the signaling connection drops.
 *
 * Calls reject with a RoomError; the `error` event is for problems no call
 * is waiting on.
 */
import type { Notification, PeerInfo, Replies, RequestData, Source } from '@consomme/protocol';
import { Device, type types } from 'mediasoup-client';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { Subscriber } from './consumers.js';
import type { RoomContext } from './context.js';
import { DataChannels } from './data-channels.js';
import { TypedEmitter } from './emitter.js';
import { RoomError, toRoomError, type RoomErrorCode } from './errors.js';
import type { ChatEvent, ConnectionState, PeerSummary, RoomEvents } from './events.js';
import type { FileLike, SentFile } from './file-sender.js';
import { IceWatch, type IceWatchOptions } from './ice-watch.js';
import { captureCamera, captureMic, captureScreen } from './media.js';
import { Publisher } from './publisher.js';
import { SerialQueue } from './queue.js';
import { connectionStateFor, type Phase } from './state.js';
import { Signaling, connectSocket, parseNotification } from './signaling.js';
import { consumerStats, producerStats, type RoomStats } from './stats.js';
import { createTransport, restartIce } from './transports.js';

export interface RoomClientOptions {
  /** Server URL; default: the page's own origin. */
  url?: string;
  roomId: string;
  displayName: string;
  /** Room token, for rooms that need one. */
  token?: string;
  /** How to build the mediasoup-client Device (e.g. with a handler factory outside browsers). */
  createDevice?: () => types.Device | Promise<types.Device>;
  /** Extra socket.io-client options. */
  socketOptions?: Partial<ManagerOptions & SocketOptions>;
  /** Reply timeout for each request, ms. Default 15000. */
  requestTimeoutMs?: number;
  ice?: IceWatchOptions;
  /**
   * Send the camera as three simulcast layers (a quarter, half and full
   * size), so the server can give each receiver the layer its network
   * carries. Default true; false sends one layer.
   */
  simulcast?: boolean;
}

export interface PublishOptions {
  /** Capture from this device (from enumerateDevices). */
  deviceId?: string;
  /** Publish this track instead of capturing one; the room then owns (and stops) it. */
  track?: MediaStreamTrack;
}

const CONNECT_TIMEOUT_MS = 10_000;
const REJOIN_RETRY_MS = 2000;
const MAX_REJOIN_FAILURES = 3;

export class RoomClient extends TypedEmitter<RoomEvents> {
  readonly roomId: string;
  readonly displayName: string;
  readonly #options: RoomClientOptions;
  readonly #socket: Socket;
  readonly #signaling: Signaling;
  readonly #queue = new SerialQueue();
  readonly #publisher: Publisher;
  readonly #subscriber: Subscriber;
  readonly #data: DataChannels;
  readonly #peers = new Map<string, PeerSummary>();
  #peerId = '';
  #reconnectKey = '';
  #device: types.Device | undefined;
  #send: types.Transport | undefined;
  #recv: types.Transport | undefined;
  #iceWatches: IceWatch[] = [];
  readonly #iceBad = new Set<string>();
  #phase: Phase = 'idle';
  #state: ConnectionState = 'disconnected';
  #rejoinQueued = false;
  #rejoinFailures = 0;

  constructor(options: RoomClientOptions) {
    super();
    this.#options = options;
    this.roomId = options.roomId;
    this.displayName = options.displayName;
    const socketOptions: Partial<ManagerOptions & SocketOptions> = {
      autoConnect: false,
      transports: ['websocket'],
      reconnectionDelay: 500,
      reconnectionDelayMax: 3000,
      ...options.socketOptions,
    };
    this.#socket = options.url ? io(options.url, socketOptions) : io(socketOptions);
    this.#signaling = new Signaling(this.#socket, options.requestTimeoutMs);
    const ctx: RoomContext = {
      signaling: this.#signaling,
      emit: (event, ...args) => void this.emit(event, ...args),
      peerId: () => this.#peerId,
      peerName: (id) => (id === this.#peerId ? this.displayName : this.#peers.get(id)?.displayName ?? ''),
      sendTransport: () => this.#send,
      recvTransport: () => this.#recv,
      reportError: (error, fallback) => this.#reportError(error, fallback),
    };
    this.#publisher = new Publisher(ctx, { simulcast: options.simulcast ?? true });
    this.#subscriber = new Subscriber(ctx);
    this.#data = new DataChannels(ctx);
    this.#socket.on('connect', this.#onSocketConnect);
    this.#socket.on('disconnect', this.#onSocketDisconnect);
    this.#socket.on('notification', this.#onNotification);
  }

  /** Our peer id ('' before joining). Stable across rejoins. */
  get peerId(): string {
    return this.#peerId;
  }

  /** The other peers in the room. */
  get peers(): ReadonlyMap<string, PeerSummary> {
    return this.#peers;
  }

  get connectionState(): ConnectionState {
    return this.#state;
  }

  get device(): types.Device | undefined {
    return this.#device;
  }

  get sendTransport(): types.Transport | undefined {
    return this.#send;
  }

  get recvTransport(): types.Transport | undefined {
    return this.#recv;
  }

  /** Our live local tracks, by source, for previews. */
  get localTracks(): ReadonlyMap<Source, MediaStreamTrack> {
    const out = new Map<Source, MediaStreamTrack>();
    for (const source of ['mic', 'webcam', 'screen', 'screen-audio'] as const) {
      const track = this.#publisher.track(source);
      if (track) out.set(source, track);
    }
    return out;
  }

  get micMuted(): boolean {
    return this.#publisher.isPaused('mic');
  }

  /** Connects, joins the room, and sets up transports and data channels. Call once. */
  async join(): Promise<void> {
    if (this.#phase !== 'idle') throw new RoomError('INVALID_STATE', 'join() can be called once; make a new RoomClient to join again');
    this.#setPhase('joining');
    try {
      await connectSocket(this.#socket, CONNECT_TIMEOUT_MS);
      await this.#queue.push(() => this.#startSession(false));
      if ((this.#phase as Phase) !== 'joining') throw new RoomError('CLOSED', 'left while joining');
      this.#setPhase('joined');
    } catch (error) {
      const e = toRoomError(error);
      if ((this.#phase as Phase) === 'joining') {
        this.#teardown();
        this.#publisher.stopAll();
        this.#socket.disconnect();
        this.#setPhase('failed');
      }
      throw e;
    }
  }

  /** Leaves the room and releases everything (tracks, transports, socket). Idempotent. */
  async leave(): Promise<void> {
    if (this.#phase === 'left') return;
    const wasConnected = this.#socket.connected && this.#phase !== 'idle';
    this.#setPhase('left');
    if (wasConnected) {
      await Promise.race([this.#signaling.request('leave', {}).catch(() => undefined), delay(2000)]);
    }
    this.#teardown();
    this.#publisher.stopAll();
    this.#socket.disconnect();
    for (const peer of [...this.#peers.values()]) this.#removePeer(peer.id);
  }

  enableMic(options: PublishOptions = {}): Promise<MediaStreamTrack> {
    return this.#enable('mic', () => (options.track ? Promise.resolve(options.track) : captureMic(deviceOnly(options))));
  }

  disableMic(): Promise<void> {
    return this.#publisher.disable('mic');
  }

  /** Mutes for everyone: pauses the mic producer on the server and locally. */
  setMicMuted(muted: boolean): Promise<void> {
    this.#assertActive();
    return this.#publisher.setPaused('mic', muted);
  }

  enableCamera(options: PublishOptions = {}): Promise<MediaStreamTrack> {
    return this.#enable('webcam', () => (options.track ? Promise.resolve(options.track) : captureCamera(deviceOnly(options))));
  }

  disableCamera(): Promise<void> {
    return this.#publisher.disable('webcam');
  }

  /** Shares a screen or window; stopping it from the browser's own bar stops the share. */
  startScreenShare(options: { track?: MediaStreamTrack } = {}): Promise<MediaStreamTrack> {
    return this.#enable('screen', () => (options.track ? Promise.resolve(options.track) : captureScreen()));
  }

  stopScreenShare(): Promise<void> {
    return this.#publisher.disable('screen');
  }

  /** Sends a chat message to everyone; also emits it as a local `chat` event. */
  sendChat(text: string): Promise<ChatEvent> {
    this.#assertActive();
    return this.#data.sendChat(text);
  }

  /** Sends a file to everyone; resolves when it is all queued and the channel buffer drained. */
  sendFile(file: FileLike, onProgress?: (sent: number, size: number) => void): Promise<SentFile> {
    this.#assertActive();
    return this.#data.sendFile(file, onProgress);
  }

  /** Inbound and outbound RTP figures from the browser, for tests and diagnostics. */
  async getStats(): Promise<RoomStats> {
    const [consumers, producers] = await Promise.all([
      Promise.all(this.#subscriber.all().map((r) => consumerStats(r.consumer, r.peerId, r.source))),
      Promise.all(this.#publisher.producers().map((p) => producerStats(p.producer, p.source))),
    ]);
    return { sendTransportId: this.#send?.id ?? null, recvTransportId: this.#recv?.id ?? null, consumers, producers };
  }

  /** The server's view: scores and byte counts of our transports, producers and consumers. */
  getServerStats(): Promise<Replies['getStats']> {
    return this.#signaling.request('getStats', {});
  }

  /**
   * Test hook: drops the signaling connection the way a network failure
   * would. socket.io reconnects by itself and the room rejoins.
   */
  debugDropSignaling(): void {
    this.#socket.io.engine?.close();
  }

  async #enable(source: Source, capture: () => Promise<MediaStreamTrack>): Promise<MediaStreamTrack> {
    this.#assertActive();
    return this.#publisher.enable(source, capture);
  }

  #assertActive(): void {
    if (this.#phase === 'left' || this.#phase === 'failed') throw new RoomError('CLOSED', 'the room was left');
  }

  /** Join (or rejoin) and set up device, transports, data channels and our producers. */
  async #startSession(resume: boolean): Promise<void> {
    const reply = await this.#requestJoin(resume);
    this.#peerId = reply.peerId;
    this.#reconnectKey = reply.reconnectKey;
    this.#syncPeers(reply.peers);
    // A new Device each session: after a rejoin the room may live on another router.
    const device = this.#options.createDevice ? await this.#options.createDevice() : new Device();
    await device.load({ routerRtpCapabilities: reply.routerRtpCapabilities as types.RtpCapabilities });
    this.#device = device;
    const iceServers = Array.isArray(reply.iceServers) ? reply.iceServers : [];
    this.#send = await createTransport(device, this.#signaling, 'send', iceServers);
    this.#watchIce(this.#send);
    this.#recv = await createTransport(device, this.#signaling, 'recv', iceServers);
    this.#watchIce(this.#recv);
    await this.#signaling.request('ready', { rtpCapabilities: device.rtpCapabilities as RequestData<'ready'>['rtpCapabilities'] });
    await this.#data.createProducers(this.#send);
    await this.#publisher.reproduceAll();
  }

  async #requestJoin(resume: boolean): Promise<Replies['join']> {
    const base: RequestData<'join'> = { roomId: this.roomId, displayName: this.displayName };
    if (this.#options.token) base.token = this.#options.token;
    if (!resume || !this.#peerId) return this.#signaling.request('join', base);
    try {
      return await this.#signaling.request('join', { ...base, reconnect: { peerId: this.#peerId, key: this.#reconnectKey } });
    } catch (error) {
      const code = toRoomError(error).code;
      if (code === 'CONNECTION_LOST' || code === 'TIMEOUT' || code === 'ROOM_FULL' || code === 'RATE_LIMITED') throw error;
      // The server no longer knows our session (it expired or restarted): join as a new peer.
      return this.#signaling.request('join', base);
    }
  }

  #watchIce(transport: types.Transport): void {
    const watch = new IceWatch(
      transport,
      () => restartIce(this.#signaling, transport),
      (healthy) => {
        if (healthy) this.#iceBad.delete(transport.id);
        else this.#iceBad.add(transport.id);
        this.#updateState();
      },
      () => {
        // ICE restarts did not help: build everything again on new transports.
        if (this.#phase !== 'joined') return;
        this.emit('error', { code: 'ICE_FAILED', message: 'Media could not get through the network; reconnecting' });
        this.#setPhase('rejoining');
        this.#scheduleRejoin();
      },
      this.#options.ice,
    );
    this.#iceWatches.push(watch);
  }

  /** Closes transports (and so producers, consumers, data channels); keeps local tracks. */
  #teardown(): void {
    for (const watch of this.#iceWatches) watch.close();
    this.#iceWatches = [];
    this.#iceBad.clear();
    this.#subscriber.dropAll();
    this.#data.dropAll();
    this.#publisher.dropProducers();
    this.#send?.close();
    this.#recv?.close();
    this.#send = undefined;
    this.#recv = undefined;
  }

  #scheduleRejoin(): void {
    if (this.#rejoinQueued) return;
    this.#rejoinQueued = true;
    void this.#queue.push(async () => {
      this.#rejoinQueued = false;
      if (this.#phase !== 'joined' && this.#phase !== 'rejoining') return;
      // Not connected: the next 'connect' schedules this again.
      if (!this.#socket.connected) return;
      this.#setPhase('rejoining');
      this.#teardown();
      try {
        await this.#startSession(true);
        if (this.#phase !== 'rejoining') return;
        this.#rejoinFailures = 0;
        this.#setPhase('joined');
      } catch (error) {
        this.#onRejoinError(toRoomError(error));
      }
    });
  }

  #onRejoinError(error: RoomError): void {
    if (this.#phase !== 'rejoining') return;
    this.#teardown();
    if (error.code === 'CONNECTION_LOST') return;
    const retryable = error.code === 'TIMEOUT' || error.code === 'INTERNAL' || error.code === 'RATE_LIMITED' || error.code === 'INVALID_STATE';
    if (retryable && ++this.#rejoinFailures < MAX_REJOIN_FAILURES) {
      setTimeout(() => this.#scheduleRejoin(), REJOIN_RETRY_MS);
      return;
    }
    this.#publisher.stopAll();
    this.#socket.disconnect();
    this.#setPhase('failed');
    this.emit('error', { code: error.code, message: `Could not rejoin the room: ${error.message}` });
  }

  readonly #onSocketConnect = (): void => {
    if (this.#phase === 'joined' || this.#phase === 'rejoining') {
      // Straight to rejoining, so the state does not flash 'connected' before the rejoin runs.
      this.#setPhase('rejoining');
      this.#scheduleRejoin();
    }
  };

  readonly #onSocketDisconnect = (reason: string): void => {
    this.#signaling.failPending(new RoomError('CONNECTION_LOST', `the connection to the server dropped (${reason})`));
    this.#updateState();
    if ((this.#phase === 'joined' || this.#phase === 'rejoining') && reason === 'io server disconnect') {
      // socket.io does not reconnect after a server-side disconnect; we do, since only
      // roomClosed (handled apart) means the server wants us gone.
      setTimeout(() => {
        if (this.#phase === 'joined' || this.#phase === 'rejoining') this.#socket.connect();
      }, 1000);
    }
  };

  readonly #onNotification = (raw: unknown): void => {
    const n = parseNotification(raw);
    if (!n) return;
    this.#queue.push(() => this.#apply(n)).catch((error) => this.#reportError(error));
  };

  async #apply(n: Notification): Promise<void> {
    if (this.#phase === 'left' || this.#phase === 'failed') return;
    switch (n.method) {
      case 'peerJoined': {
        const p = n.data as PeerInfo;
        if (typeof p.id === 'string' && p.id !== this.#peerId) this.#addPeer(p);
        return;
      }
      case 'peerLeft':
        this.#removePeer(String((n.data as { peerId: unknown }).peerId));
        return;
      case 'newConsumer':
        return this.#subscriber.onNewConsumer(n.data as Notification<'newConsumer'>['data']);
      case 'consumerClosed':
        this.#subscriber.onConsumerClosed(String((n.data as { consumerId: unknown }).consumerId));
        return;
      case 'consumerPaused':
      case 'consumerResumed':
        this.#subscriber.onPauseChange(n.data as Notification<'consumerPaused'>['data'], n.method === 'consumerPaused');
        return;
      case 'consumerScore':
        this.#subscriber.onScore(n.data as Notification<'consumerScore'>['data']);
        return;
      case 'producerScore': {
        const d = n.data as Notification<'producerScore'>['data'];
        if (typeof d.score === 'number') this.#publisher.onProducerScore(String(d.producerId), Math.max(0, Math.min(10, d.score)));
        return;
      }
      case 'newDataConsumer':
        return this.#data.onNewDataConsumer(n.data as Notification<'newDataConsumer'>['data']);
      case 'dataConsumerClosed':
        this.#data.onDataConsumerClosed(String((n.data as { dataConsumerId: unknown }).dataConsumerId));
        return;
      case 'activeSpeaker': {
        const id = (n.data as { peerId: unknown }).peerId;
        this.emit('activeSpeaker', typeof id === 'string' ? id : null);
        return;
      }
      case 'roomClosed': {
        const reason = (n.data as { reason: unknown }).reason;
        await this.leave();
        this.emit('error', { code: 'ROOM_CLOSED', message: `The room was closed${typeof reason === 'string' && reason ? ` (${reason})` : ''}` });
        return;
      }
    }
  }

  #syncPeers(list: unknown): void {
    const next = new Map<string, PeerInfo>();
    if (Array.isArray(list)) {
      for (const p of list as PeerInfo[]) if (p && typeof p.id === 'string' && p.id !== this.#peerId) next.set(p.id, p);
    }
    for (const id of [...this.#peers.keys()]) if (!next.has(id)) this.#removePeer(id);
    for (const p of next.values()) this.#addPeer(p);
  }

  #addPeer(p: PeerInfo): void {
    if (this.#peers.has(p.id)) return;
    const peer: PeerSummary = { id: p.id, displayName: typeof p.displayName === 'string' ? p.displayName : '' };
    this.#peers.set(p.id, peer);
    this.emit('peerJoined', peer);
  }

  #removePeer(peerId: string): void {
    const peer = this.#peers.get(peerId);
    if (!peer) return;
    this.#subscriber.closePeer(peerId);
    this.#data.closePeer(peerId);
    this.#peers.delete(peerId);
    this.emit('peerLeft', peer);
  }

  #reportError(error: unknown, fallback: RoomErrorCode = 'INTERNAL'): void {
    const e = toRoomError(error, fallback);
    // Requests cut off by a dropped connection are redone by the rejoin; not worth a message.
    if (e.code === 'CONNECTION_LOST' && this.#phase !== 'left') return;
    if (this.#phase === 'left' || this.#phase === 'failed') return;
    this.emit('error', e.toInfo());
  }

  #setPhase(phase: Phase): void {
    this.#phase = phase;
    this.#updateState();
  }

  #updateState(): void {
    const state = connectionStateFor(this.#phase, this.#socket.connected, this.#iceBad.size === 0);
    if (state === this.#state) return;
    this.#state = state;
    this.emit('connectionState', state);
  }
}

function deviceOnly(options: PublishOptions): { deviceId?: string } {
  return options.deviceId ? { deviceId: options.deviceId } : {};
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
