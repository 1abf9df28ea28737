import type { EnhancedEventEmitter } from './enhanced-events.js';
import type { Producer } from './producer.js';
import { RtpObserver, type RtpObserverEvents, type RtpObserverObserverEvents, type RtpObserverType } from './rtp-observer.js';
import type { AppData } from './transport-types.js';

export interface ActiveSpeakerObserverOptions<ActiveSpeakerObserverAppData extends AppData = AppData> {
  /** Interval in ms between dominant speaker decisions. Default 300. */
  interval?: number;
  appData?: ActiveSpeakerObserverAppData;
}

export interface ActiveSpeakerObserverDominantSpeaker {
  /** The dominant audio producer. */
  producer: Producer;
}

export type ActiveSpeakerObserverEvents = RtpObserverEvents & {
  dominantspeaker: [ActiveSpeakerObserverDominantSpeaker];
};

export type ActiveSpeakerObserverObserverEvents = RtpObserverObserverEvents & {
  dominantspeaker: [ActiveSpeakerObserverDominantSpeaker];
};

/** @internal What the worker is asked to create. */
export interface ActiveSpeakerObserverRequest {
  interval: number;
}

/** Validates the options as mediasoup does (TypeError) and applies the defaults. */
export function normalizeActiveSpeakerObserverOptions(options: ActiveSpeakerObserverOptions<AppData>): ActiveSpeakerObserverRequest {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const { interval = 300, appData } = options;
  if (typeof interval !== 'number' || !Number.isFinite(interval) || interval <= 0) {
    throw new TypeError('if given, interval must be a positive number');
  }
  if (appData !== undefined && (typeof appData !== 'object' || appData === null)) {
    throw new TypeError('if given, appData must be an object');
  }
  return { interval };
}

/** Tells which audio producer holds the floor (dominant speaker identification). */
export class ActiveSpeakerObserver<ActiveSpeakerObserverAppData extends AppData = AppData> extends RtpObserver<
  ActiveSpeakerObserverAppData,
  ActiveSpeakerObserverEvents,
  ActiveSpeakerObserverObserverEvents
> {
  get type(): RtpObserverType {
    return 'activespeaker';
  }

  protected handleNotification(event: string, data: unknown): void {
    if (event !== 'dominantspeaker') return;
    const producer = this.getProducerById((data as { producerId: string }).producerId);
    if (!producer) return;
    const dominantSpeaker: ActiveSpeakerObserverDominantSpeaker = { producer };
    this.safeEmit('dominantspeaker', dominantSpeaker);
    (this.observer as EnhancedEventEmitter<ActiveSpeakerObserverObserverEvents>).safeEmit('dominantspeaker', dominantSpeaker);
  }
}
