import type { EnhancedEventEmitter } from './enhanced-events.js';
import type { Producer } from './producer.js';
import { RtpObserver, type RtpObserverEvents, type RtpObserverObserverEvents, type RtpObserverType } from './rtp-observer.js';
import type { AppData } from './transport-types.js';

export interface AudioLevelObserverOptions<AudioLevelObserverAppData extends AppData = AppData> {
  /** Maximum number of entries in the 'volumes' event. Default 1. */
  maxEntries?: number;
  /** Minimum average volume (dBov, -127..0) for entries in the 'volumes' event. Default -80. */
  threshold?: number;
  /** Interval in ms for checking audio volumes. Default 1000. */
  interval?: number;
  appData?: AudioLevelObserverAppData;
}

export interface AudioLevelObserverVolume {
  producer: Producer;
  /** Average volume (dBov, -127..0) of the producer in the last interval. */
  volume: number;
}

export type AudioLevelObserverEvents = RtpObserverEvents & {
  volumes: [AudioLevelObserverVolume[]];
  silence: [];
};

export type AudioLevelObserverObserverEvents = RtpObserverObserverEvents & {
  volumes: [AudioLevelObserverVolume[]];
  silence: [];
};

/** @internal What the worker is asked to create. */
export interface AudioLevelObserverRequest {
  maxEntries: number;
  threshold: number;
  interval: number;
}

/** Validates the options as mediasoup does (TypeError) and applies the defaults. */
export function normalizeAudioLevelObserverOptions(options: AudioLevelObserverOptions<AppData>): AudioLevelObserverRequest {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const { maxEntries = 1, threshold = -80, interval = 1000, appData } = options;
  if (typeof maxEntries !== 'number' || !Number.isInteger(maxEntries) || maxEntries <= 0) {
    throw new TypeError('if given, maxEntries must be a positive integer');
  }
  if (typeof threshold !== 'number' || Number.isNaN(threshold) || threshold < -127 || threshold > 0) {
    throw new TypeError('if given, threshold must be a number between -127 and 0');
  }
  if (typeof interval !== 'number' || !Number.isFinite(interval) || interval <= 0) {
    throw new TypeError('if given, interval must be a positive number');
  }
  if (appData !== undefined && (typeof appData !== 'object' || appData === null)) {
    throw new TypeError('if given, appData must be an object');
  }
  return { maxEntries, threshold, interval };
}

/** Reports the volume of the loudest audio producers every interval, or 'silence'. */
export class AudioLevelObserver<AudioLevelObserverAppData extends AppData = AppData> extends RtpObserver<
  AudioLevelObserverAppData,
  AudioLevelObserverEvents,
  AudioLevelObserverObserverEvents
> {
  get type(): RtpObserverType {
    return 'audiolevel';
  }

  protected handleNotification(event: string, data: unknown): void {
    switch (event) {
      case 'volumes': {
        const volumes: AudioLevelObserverVolume[] = [];
        for (const { producerId, volume } of data as { producerId: string; volume: number }[]) {
          const producer = this.getProducerById(producerId);
          // A producer closed while the notification was on its way: leave it out.
          if (producer) volumes.push({ producer, volume });
        }
        if (volumes.length === 0) return;
        this.safeEmit('volumes', volumes);
        (this.observer as EnhancedEventEmitter<AudioLevelObserverObserverEvents>).safeEmit('volumes', volumes);
        break;
      }
      case 'silence':
        this.safeEmit('silence');
        (this.observer as EnhancedEventEmitter<AudioLevelObserverObserverEvents>).safeEmit('silence');
        break;
    }
  }
}
