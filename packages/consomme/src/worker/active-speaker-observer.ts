import type { WorkerContext } from './context.js';
import { DominantSpeakerDetector } from './observers/dominant-speaker.js';
import { WorkerRtpObserver, type RtpObserverHost } from './rtp-observer.js';

export interface ActiveSpeakerObserverInit {
  rtpObserverId: string;
  interval: number;
}

/** Every `interval` ms, decides the dominant speaker; notifies 'dominantspeaker' ({ producerId }) when it changes. */
export class WorkerActiveSpeakerObserver extends WorkerRtpObserver {
  readonly #detector = new DominantSpeakerDetector();
  readonly #timer: NodeJS.Timeout;

  constructor(init: ActiveSpeakerObserverInit, ctx: WorkerContext, host: RtpObserverHost) {
    super(init.rtpObserverId, ctx, host);
    this.#timer = setInterval(() => this.#onInterval(), init.interval);
  }

  protected onLevel(producerId: string, level: number): void {
    this.#detector.onLevel(producerId, level, this.ctx.now());
  }

  protected onAddProducer(producerId: string): void {
    this.#detector.addSpeaker(producerId);
  }

  protected onRemoveProducer(producerId: string): void {
    this.#detector.removeSpeaker(producerId);
  }

  protected onPause(): void {}

  protected onResume(): void {}

  protected onClose(): void {
    clearInterval(this.#timer);
  }

  #onInterval(): void {
    if (this.paused) return;
    const producerId = this.#detector.decide(this.ctx.now());
    if (producerId !== undefined) this.ctx.notify(this.id, 'dominantspeaker', { producerId });
  }
}
