/**
 * Our own sources (mic, webcam, screen): the captured track, its producer and
 * its paused state. The track outlives the producer, so after a rejoin
 * (new transports) the same tracks are produced again.
 */
import type { Source } from '@consomme/protocol';
import type { types } from 'mediasoup-client';
import type { RoomContext } from './context.js';
import { RoomError } from './errors.js';
import { SerialQueue } from './queue.js';

interface LocalSource {
  source: Source;
  track: MediaStreamTrack;
  producer: types.Producer | undefined;
  paused: boolean;
  score: number;
  onEnded: () => void;
}

/** Camera simulcast: the server switches each receiver between these by its bandwidth. */
const CAMERA_LAYERS = [
  { scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { scaleResolutionDownBy: 1, maxBitrate: 1_500_000 },
];

export class Publisher {
  readonly #ctx: RoomContext;
  readonly #simulcast: boolean;
  readonly #sources = new Map<Source, LocalSource>();
  readonly #queue = new SerialQueue();

  constructor(ctx: RoomContext, options: { simulcast: boolean } = { simulcast: true }) {
    this.#ctx = ctx;
    this.#simulcast = options.simulcast;
  }

  track(source: Source): MediaStreamTrack | undefined {
    return this.#sources.get(source)?.track;
  }

  isPaused(source: Source): boolean {
    return this.#sources.get(source)?.paused ?? false;
  }

  producers(): { producer: types.Producer; source: Source }[] {
    const out: { producer: types.Producer; source: Source }[] = [];
    for (const s of this.#sources.values()) if (s.producer && !s.producer.closed) out.push({ producer: s.producer, source: s.source });
    return out;
  }

  /** Starts `source` with a track from `capture`, or switches its track if it is already on. */
  enable(source: Source, capture: () => Promise<MediaStreamTrack>): Promise<MediaStreamTrack> {
    return this.#queue.push(async () => {
      const track = await capture();
      const existing = this.#sources.get(source);
      if (existing) {
        try {
          await existing.producer?.replaceTrack({ track });
        } catch (error) {
          track.stop();
          throw new RoomError('MEDIA_FAILED', `could not switch the ${source} track: ${String(error)}`);
        }
        existing.track.removeEventListener('ended', existing.onEnded);
        existing.track.stop();
        existing.track = track;
        track.enabled = !existing.paused;
        track.addEventListener('ended', existing.onEnded);
      } else {
        const local: LocalSource = { source, track, producer: undefined, paused: false, score: 10, onEnded: () => this.#ended(source, local) };
        track.addEventListener('ended', local.onEnded);
        this.#sources.set(source, local);
        try {
          await this.#produce(local);
        } catch (error) {
          this.#forget(local);
          throw error;
        }
      }
      this.#ctx.emit('localTrack', { source, track });
      return track;
    });
  }

  disable(source: Source): Promise<void> {
    return this.#queue.push(async () => {
      const local = this.#sources.get(source);
      if (!local) return;
      this.#forget(local);
      this.#ctx.emit('localTrack', { source, track: null });
      const producer = local.producer;
      if (producer && !producer.closed) {
        producer.close();
        await this.#ctx.signaling.request('closeProducer', { producerId: producer.id }).catch(() => {
          // The server closes our producers with the transport anyway; nothing to undo here.
        });
      }
    });
  }

  /** Pauses or resumes a source on the server (a mute everyone sees) and locally. */
  setPaused(source: Source, paused: boolean): Promise<void> {
    return this.#queue.push(async () => {
      const local = this.#sources.get(source);
      if (!local) throw new RoomError('INVALID_STATE', `${source} is not on`);
      if (local.paused === paused) return;
      local.paused = paused;
      local.track.enabled = !paused;
      const producer = local.producer;
      if (producer && !producer.closed) {
        if (paused) producer.pause();
        else producer.resume();
        try {
          await this.#ctx.signaling.request(paused ? 'pauseProducer' : 'resumeProducer', { producerId: producer.id });
        } catch (error) {
          // A lost connection is fine: the rejoin produces with the new state.
          if (!(error instanceof RoomError && error.code === 'CONNECTION_LOST')) throw error;
        }
      }
      this.#ctx.emit('peerMuteChanged', { peerId: this.#ctx.peerId(), source, muted: paused });
    });
  }

  /** The transports are gone; the producers went with them. */
  dropProducers(): void {
    for (const local of this.#sources.values()) local.producer = undefined;
  }

  /** Produces every source that has no producer (after a rejoin). */
  reproduceAll(): Promise<void> {
    return this.#queue.push(async () => {
      for (const local of [...this.#sources.values()]) {
        if (local.producer && !local.producer.closed) continue;
        if (local.track.readyState !== 'live') {
          this.#forget(local);
          this.#ctx.emit('localTrack', { source: local.source, track: null });
          continue;
        }
        try {
          await this.#produce(local);
        } catch (error) {
          this.#ctx.reportError(error);
        }
      }
    });
  }

  onProducerScore(producerId: string, score: number): void {
    let min = 10;
    let found = false;
    for (const local of this.#sources.values()) {
      if (local.producer?.id === producerId) {
        local.score = score;
        found = true;
      }
      if (local.producer) min = Math.min(min, local.score);
    }
    if (found) this.#ctx.emit('quality', { peerId: this.#ctx.peerId(), score: min });
  }

  /** Stops every track (leave). */
  stopAll(): void {
    for (const local of [...this.#sources.values()]) {
      this.#forget(local);
      local.producer?.close();
    }
  }

  async #produce(local: LocalSource): Promise<void> {
    const transport = this.#ctx.sendTransport();
    // While rejoining there is no transport; reproduceAll() produces this source later.
    if (!transport || transport.closed) return;
    const producer = await transport.produce({
      track: local.track,
      stopTracks: false,
      appData: { source: local.source, paused: local.paused },
      ...(local.track.kind === 'video' ? { codecOptions: { videoGoogleStartBitrate: 1000 } } : {}),
      ...(local.source === 'webcam' && this.#simulcast ? { encodings: CAMERA_LAYERS } : {}),
    });
    if (local.paused) producer.pause();
    local.producer = producer;
    local.score = 10;
  }

  #forget(local: LocalSource): void {
    local.track.removeEventListener('ended', local.onEnded);
    local.track.stop();
    if (this.#sources.get(local.source) === local) this.#sources.delete(local.source);
  }

  /** The browser ended the track: the screen-share bar's Stop button, or an unplugged device. */
  #ended(source: Source, local: LocalSource): void {
    if (this.#sources.get(source) !== local) return;
    void this.disable(source);
    if (source !== 'screen') {
      this.#ctx.reportError(new RoomError('NO_DEVICE', `The ${source === 'mic' ? 'microphone' : 'camera'} stopped working`));
    }
  }
}
