import { EnhancedEventEmitter } from '../api/enhanced-events.js';
import type { Peer } from './peer.js';
import type { Producer } from './producer.js';
import type { AudioLevelInfo, Room } from './room.js';

export type ActiveSpeakerDetectorEvents = {
  close: [];
  activespeakerchange: [Peer | undefined, Producer | undefined];
  listenererror: [string, Error];
};

/**
 * Below this (dBov) nobody is speaking: breathing and room noise sit around
 * -80 and lower, speech well above it.
 */
export const SPEAKING_THRESHOLD = -70;

/** Names the loudest audio producer of a room, from its 'audiolevels' (seed 002). */
export class ActiveSpeakerDetector extends EnhancedEventEmitter<ActiveSpeakerDetectorEvents> {
  readonly #room: Room;
  #closed = false;
  #current: Producer | undefined;
  readonly #onLevels = (infos: AudioLevelInfo[]): void => this.#decide(infos);
  readonly #onRoomClose = (): void => this.close();

  /** @internal Use room.createActiveSpeakerDetector(). */
  constructor(room: Room) {
    super();
    this.#room = room;
    room.on('audiolevels', this.#onLevels);
    room.on('close', this.#onRoomClose);
  }

  get closed(): boolean {
    return this.#closed;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#room.off('audiolevels', this.#onLevels);
    this.#room.off('close', this.#onRoomClose);
    this.safeEmit('close');
  }

  #decide(infos: AudioLevelInfo[]): void {
    const loudest = infos[0];
    const speaker = loudest && loudest.audioLevel > SPEAKING_THRESHOLD && !loudest.producer.closed ? loudest.producer : undefined;
    if (speaker === this.#current) return;
    this.#current = speaker;
    this.safeEmit('activespeakerchange', speaker?.peer, speaker);
  }
}
