import type { WorkerContext } from './context.js';
import { AudioLevelAggregator } from './observers/audio-level-aggregator.js';
import { WorkerRtpObserver, type RtpObserverHost } from './rtp-observer.js';

export interface AudioLevelObserverInit {
  rtpObserverId: string;
  maxEntries: number;
  threshold: number;
  interval: number;
}

/**
 * Every `interval` ms, notifies 'volumes' ([{ producerId, volume }], loudest
 * first) or, once per quiet period, 'silence'.
 */
export class WorkerAudioLevelObserver extends WorkerRtpObserver {
  readonly #aggregator: AudioLevelAggregator;
  readonly #timer: NodeJS.Timeout;

  constructor(init: AudioLevelObserverInit, ctx: WorkerContext, host: RtpObserverHost) {
    super(init.rtpObserverId, ctx, host);
    this.#aggregator = new AudioLevelAggregator({ maxEntries: init.maxEntries, threshold: init.threshold });
    this.#timer = setInterval(() => this.#onInterval(), init.interval);
  }

  protected onLevel(producerId: string, level: number): void {
    this.#aggregator.add(producerId, level);
  }

  protected onAddProducer(): void {}

  protected onRemoveProducer(producerId: string): void {
    this.#aggregator.forget(producerId);
  }

  protected onPause(): void {
    this.#aggregator.reset();
  }

  protected onResume(): void {
    this.#aggregator.reset();
  }

  protected onClose(): void {
    clearInterval(this.#timer);
  }

  #onInterval(): void {
    if (this.paused) return;
    const report = this.#aggregator.tick();
    if (!report) return;
    if (report.type === 'silence') this.ctx.notify(this.id, 'silence');
    else this.ctx.notify(this.id, 'volumes', report.volumes);
  }
}
