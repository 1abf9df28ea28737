/**
 * Restores a transport's media path with an ICE restart when it fails, or
 * stays disconnected for a while (a disconnect often heals by itself, e.g.
 * on a brief Wi-Fi hiccup). Restarts repeat until the transport connects or
 * the attempts run out; then `onGiveUp` (the room rejoins from scratch).
 */
import type { types } from 'mediasoup-client';

export interface IceWatchOptions {
  /** Wait this long in `disconnected` before restarting, ms. Default 3000. */
  disconnectedGraceMs?: number;
  /** After a restart, wait this long for `connected` before the next one, ms. Default 8000. */
  retryMs?: number;
  /** Restarts before giving up. Default 4. */
  maxAttempts?: number;
}

export class IceWatch {
  readonly #transport: types.Transport;
  readonly #restart: () => Promise<void>;
  readonly #onHealth: (healthy: boolean) => void;
  readonly #onGiveUp: () => void;
  readonly #graceMs: number;
  readonly #retryMs: number;
  readonly #maxAttempts: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #attempts = 0;
  #restarting = false;
  #closed = false;

  constructor(
    transport: types.Transport,
    restart: () => Promise<void>,
    onHealth: (healthy: boolean) => void,
    onGiveUp: () => void,
    options: IceWatchOptions = {},
  ) {
    this.#transport = transport;
    this.#restart = restart;
    this.#onHealth = onHealth;
    this.#onGiveUp = onGiveUp;
    this.#graceMs = options.disconnectedGraceMs ?? 3000;
    this.#retryMs = options.retryMs ?? 8000;
    this.#maxAttempts = options.maxAttempts ?? 4;
    transport.on('connectionstatechange', this.#onState);
  }

  close(): void {
    this.#closed = true;
    this.#clearTimer();
    this.#transport.off('connectionstatechange', this.#onState);
  }

  readonly #onState = (state: string): void => {
    if (this.#closed) return;
    if (state === 'connected') {
      this.#attempts = 0;
      this.#clearTimer();
      this.#onHealth(true);
    } else if (state === 'failed') {
      this.#onHealth(false);
      if (!this.#restarting) {
        this.#clearTimer();
        void this.#attempt();
      }
    } else if (state === 'disconnected') {
      this.#onHealth(false);
      if (!this.#timer && !this.#restarting) this.#timer = setTimeout(() => void this.#attempt(), this.#graceMs);
    }
  };

  async #attempt(): Promise<void> {
    this.#timer = undefined;
    if (this.#closed) return;
    if (this.#healed()) return;
    if (this.#attempts >= this.#maxAttempts) {
      this.close();
      this.#onGiveUp();
      return;
    }
    this.#attempts++;
    this.#restarting = true;
    try {
      await this.#restart();
    } catch {
      // Counted as an attempt; the retry timer below tries again.
    } finally {
      this.#restarting = false;
    }
    if (this.#closed || this.#healed()) return;
    this.#clearTimer();
    this.#timer = setTimeout(() => void this.#attempt(), this.#retryMs);
  }

  /**
   * An ICE restart of a path that still works (or that recovered while we
   * waited) keeps the state `connected` and so emits no event: check it here.
   */
  #healed(): boolean {
    if (this.#transport.connectionState !== 'connected') return false;
    this.#attempts = 0;
    this.#onHealth(true);
    return true;
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
