/**
 * Remote media: one mediasoup-client Consumer per newConsumer notification,
 * turned into trackAdded / trackRemoved / peerMuteChanged / quality events.
 */
import type { Notifications, Source } from '@consomme/protocol';
import type { types } from 'mediasoup-client';
import type { RoomContext } from './context.js';

export interface RemoteTrack {
  consumer: types.Consumer;
  peerId: string;
  source: Source;
  kind: 'audio' | 'video';
  paused: boolean;
  score: number;
  producerScore: number;
}

export class Subscriber {
  readonly #ctx: RoomContext;
  readonly #tracks = new Map<string, RemoteTrack>();

  constructor(ctx: RoomContext) {
    this.#ctx = ctx;
  }

  all(): RemoteTrack[] {
    return [...this.#tracks.values()];
  }

  async onNewConsumer(n: Notifications['newConsumer']): Promise<void> {
    const transport = this.#ctx.recvTransport();
    if (!transport || transport.closed || this.#tracks.has(n.id)) return;
    const consumer = await transport.consume({
      id: n.id,
      producerId: n.producerId,
      kind: n.kind,
      rtpParameters: n.rtpParameters as types.RtpParameters,
      appData: { peerId: n.peerId, source: n.source },
    });
    const remote: RemoteTrack = {
      consumer, peerId: n.peerId, source: n.source, kind: n.kind, paused: n.producerPaused === true, score: 10, producerScore: 10,
    };
    this.#tracks.set(n.id, remote);
    this.#ctx.emit('trackAdded', {
      peerId: n.peerId, source: n.source, kind: n.kind, track: consumer.track, consumerId: n.id, paused: remote.paused,
    });
    // The server creates consumers paused so no media is lost before we are ready for it.
    await this.#ctx.signaling.request('resumeConsumer', { consumerId: n.id });
  }

  onConsumerClosed(consumerId: string): void {
    const remote = this.#tracks.get(consumerId);
    if (remote) this.#remove(consumerId, remote);
  }

  onPauseChange(n: Notifications['consumerPaused'], paused: boolean): void {
    const remote = this.#tracks.get(n.consumerId);
    // Pauses that are not the producer's (ours, or the server's) are not a mute.
    if (!remote || n.byProducer !== true || remote.paused === paused) return;
    remote.paused = paused;
    this.#ctx.emit('peerMuteChanged', { peerId: remote.peerId, source: remote.source, muted: paused });
  }

  onScore(n: Notifications['consumerScore']): void {
    const remote = this.#tracks.get(n.consumerId);
    if (!remote || typeof n.score !== 'number' || typeof n.producerScore !== 'number') return;
    remote.score = clampScore(n.score);
    remote.producerScore = clampScore(n.producerScore);
    let score = 10;
    for (const t of this.#tracks.values()) {
      if (t.peerId === remote.peerId) score = Math.min(score, t.score, t.producerScore);
    }
    this.#ctx.emit('quality', { peerId: remote.peerId, score });
  }

  /** The peer left: its consumers are gone even if the server's consumerClosed is still on its way. */
  closePeer(peerId: string): void {
    for (const [id, remote] of this.#tracks) if (remote.peerId === peerId) this.#remove(id, remote);
  }

  /** The receive transport closed (leave or rejoin). */
  dropAll(): void {
    for (const [id, remote] of this.#tracks) this.#remove(id, remote);
  }

  #remove(consumerId: string, remote: RemoteTrack): void {
    this.#tracks.delete(consumerId);
    if (!remote.consumer.closed) remote.consumer.close();
    this.#ctx.emit('trackRemoved', { peerId: remote.peerId, source: remote.source, kind: remote.kind, consumerId });
  }
}

function clampScore(score: number): number {
  return Number.isFinite(score) ? Math.max(0, Math.min(10, Math.round(score))) : 0;
}
