/**
 * A room: one router on one worker, its peers, and who is speaking. Media
 * flows between peers through consumers created by consume.ts whenever a
 * producer appears or a peer becomes ready to receive.
 */
import type { types } from 'consomme';
import type { NotificationMethod, Notifications, PeerInfo } from '@consomme/protocol';
import type { Connection } from './connection.js';
import { consumeDataProducer, consumeProducer } from './consume.js';
import type { Logger } from './logger.js';
import type { Peer, ProducerAppData, Session } from './peer.js';
import type { WorkerSlot } from './workers.js';

export const MEDIA_CODECS: types.RtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: { 'x-google-start-bitrate': 1000 } },
  { kind: 'video', mimeType: 'video/VP9', clockRate: 90000, parameters: { 'profile-id': 0, 'x-google-start-bitrate': 1000 } },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1, 'x-google-start-bitrate': 1000 },
  },
];

export class Room {
  readonly id: string;
  readonly router: types.Router;
  readonly slot: WorkerSlot;
  readonly log: Logger;
  readonly peers = new Map<string, Peer>();
  readonly #activeSpeaker: types.ActiveSpeakerObserver;
  readonly #audioLevel: types.AudioLevelObserver;
  #speaker: string | null = null;
  #closed = false;
  /** Called once when the room closes (the registry forgets it). */
  onClose: (room: Room) => void = () => undefined;

  static async create(id: string, slot: WorkerSlot, log: Logger): Promise<Room> {
    const router = await slot.worker.createRouter({ mediaCodecs: MEDIA_CODECS, appData: { roomId: id } });
    try {
      const activeSpeaker = await router.createActiveSpeakerObserver({ interval: 300 });
      const audioLevel = await router.createAudioLevelObserver({ maxEntries: 1, threshold: -70, interval: 800 });
      return new Room(id, slot, router, activeSpeaker, audioLevel, log);
    } catch (error) {
      router.close();
      throw error;
    }
  }

  private constructor(
    id: string,
    slot: WorkerSlot,
    router: types.Router,
    activeSpeaker: types.ActiveSpeakerObserver,
    audioLevel: types.AudioLevelObserver,
    log: Logger,
  ) {
    this.id = id;
    this.slot = slot;
    this.router = router;
    this.log = log;
    this.#activeSpeaker = activeSpeaker;
    this.#audioLevel = audioLevel;
    activeSpeaker.on('dominantspeaker', ({ producer }) => this.#setSpeaker((producer.appData as ProducerAppData).peerId ?? null));
    // The speaker observer names the dominant producer only when it changes; the level
    // observer tells silence, and who speaks again after a silence.
    audioLevel.on('silence', () => this.#setSpeaker(null));
    audioLevel.on('volumes', (volumes) => {
      const loudest = volumes[0]?.producer.appData as ProducerAppData | undefined;
      if (this.#speaker === null && loudest) this.#setSpeaker(loudest.peerId);
    });
    router.on('workerclose', () => this.close('media worker died'));
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Everyone else's info, for a join reply. */
  peerInfos(except: Peer): PeerInfo[] {
    return [...this.peers.values()]
      .filter((p) => p !== except)
      .map((p) => ({ id: p.id, displayName: p.displayName, producers: p.session.producerInfos() }));
  }

  broadcast<M extends NotificationMethod>(method: M, data: Notifications[M], except?: Peer): void {
    for (const peer of this.peers.values()) if (peer !== except) peer.session.notify(method, data);
  }

  addPeer(peer: Peer): void {
    this.peers.set(peer.id, peer);
    this.broadcast('peerJoined', { id: peer.id, displayName: peer.displayName, producers: [] }, peer);
    peer.log.info({ peers: this.peers.size }, 'peer joined');
  }

  /** The peer leaves: its media closes (others get consumerClosed), then others get peerLeft; an empty room closes. */
  removePeer(peer: Peer): void {
    if (this.peers.get(peer.id) !== peer) return;
    peer.cancelGrace();
    peer.session.connection?.detach(false);
    this.#dropMediaOf(peer.session);
    peer.session.close();
    this.peers.delete(peer.id);
    if (this.#speaker === peer.id) this.#setSpeaker(null);
    this.broadcast('peerLeft', { peerId: peer.id });
    peer.log.info({ peers: this.peers.size }, 'peer left');
    if (this.peers.size === 0) this.close('empty');
  }

  /**
   * A new connection takes the peer over (reconnect): others lose the old
   * session's media at once, the peer stays. Returns the connection replaced.
   */
  resumePeer(peer: Peer, connection: Connection): Connection | undefined {
    this.#dropMediaOf(peer.session);
    return peer.resume(connection);
  }

  /**
   * Close the others' consumers of this session's producers now, so their
   * consumerClosed comes before a peerLeft (the library reports producer
   * closure to consumers asynchronously, through the worker).
   */
  #dropMediaOf(session: Session): void {
    const ids = new Set<string>([...session.producers.keys(), ...session.dataProducers.keys()]);
    if (ids.size === 0) return;
    for (const other of this.peers.values()) if (other.session !== session) other.session.dropConsumersOf(ids);
  }

  /** A new producer: every ready peer consumes it; audio feeds the speaker observers. */
  producerAdded(owner: Peer, producer: types.Producer<ProducerAppData>): void {
    for (const peer of this.peers.values()) {
      if (peer !== owner) this.#background(consumeProducer(this.router, peer.session, producer, peer.log));
    }
    if (producer.kind === 'audio') {
      for (const observer of [this.#activeSpeaker, this.#audioLevel]) {
        observer.addProducer({ producerId: producer.id }).catch((error: unknown) => this.log.debug({ err: String(error) }, 'observer addProducer failed'));
      }
    }
  }

  dataProducerAdded(owner: Peer, dataProducer: types.DataProducer): void {
    for (const peer of this.peers.values()) {
      if (peer !== owner) this.#background(consumeDataProducer(peer.session, dataProducer, owner.id, peer.log));
    }
  }

  /** `session` became ready to receive: consume everything the others produce. */
  consumeAll(session: Session): void {
    for (const other of this.peers.values()) {
      if (other === session.peer) continue;
      for (const producer of other.session.producers.values()) this.#background(consumeProducer(this.router, session, producer, session.peer.log));
      for (const dataProducer of other.session.dataProducers.values()) {
        this.#background(consumeDataProducer(session, dataProducer, other.id, session.peer.log));
      }
    }
  }

  /** Close the room; peers still in it get roomClosed unless it closed because it was empty. */
  close(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const peer of this.peers.values()) {
      peer.session.notify('roomClosed', { reason });
      peer.cancelGrace();
      peer.session.connection?.detach(false);
      peer.session.close();
    }
    this.peers.clear();
    this.router.close();
    this.slot.rooms--;
    this.log.info({ reason }, 'room closed');
    this.onClose(this);
  }

  /** Work started outside a request: a failure is logged, never an unhandled rejection. */
  #background(work: Promise<void>): void {
    work.catch((error: unknown) => this.log.error({ err: error instanceof Error ? error.stack : String(error) }, 'background task failed'));
  }

  #setSpeaker(peerId: string | null): void {
    if (this.#closed || peerId === this.#speaker) return;
    if (peerId !== null && !this.peers.has(peerId)) return;
    this.#speaker = peerId;
    this.broadcast('activeSpeaker', { peerId });
  }
}
