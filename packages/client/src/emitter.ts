/**
 * A small typed event emitter for the browser (no Node 'events'). A listener
 * that throws is reported and does not stop the other listeners or the code
 * that emitted.
 */
export type Listener<A extends unknown[]> = (...args: A) => void;

type AnyListener = (...args: any[]) => void;

export class TypedEmitter<E extends { [K in keyof E]: unknown[] }> {
  // Stored loosely; on() and emit() keep the per-event types.
  readonly #listeners = new Map<keyof E, Set<AnyListener>>();
  readonly #onListenerError: (error: unknown, event: keyof E) => void;

  constructor(onListenerError?: (error: unknown, event: keyof E) => void) {
    this.#onListenerError = onListenerError ?? ((error, event) => console.error(`listener for "${String(event)}" threw`, error));
  }

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof E>(event: K, listener: Listener<E[K]>): () => void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as AnyListener);
    return () => this.off(event, listener);
  }

  once<K extends keyof E>(event: K, listener: Listener<E[K]>): () => void {
    const off = this.on(event, (...args: E[K]) => {
      off();
      listener(...args);
    });
    return off;
  }

  off<K extends keyof E>(event: K, listener: Listener<E[K]>): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    set.delete(listener as AnyListener);
    if (set.size === 0) this.#listeners.delete(event);
  }

  /** Calls every listener of `event`; returns whether there was any. */
  emit<K extends keyof E>(event: K, ...args: E[K]): boolean {
    const set = this.#listeners.get(event);
    if (!set || set.size === 0) return false;
    // A copy, so listeners that add or remove listeners do not disturb this round.
    for (const listener of [...set]) {
      try {
        listener(...args);
      } catch (error) {
        try {
          this.#onListenerError(error, event);
        } catch {
          // The error reporter itself failed; nothing sensible is left to do.
        }
      }
    }
    return true;
  }

  listenerCount(event: keyof E): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  removeAllListeners(): void {
    this.#listeners.clear();
  }
}
