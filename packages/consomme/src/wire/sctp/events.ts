// Typed emitter for the association. Listeners run inside packet handling and
// timers; one that throws must neither unwind the engine nor take the worker
// process down, so errors are caught and handed to `onListenerError`.

type Listener<A extends unknown[]> = (...args: A) => void;

export class SafeEmitter<E extends { [K in keyof E]: unknown[] }> {
  readonly #listeners = new Map<keyof E, Set<Listener<never[]>>>();
  readonly #onListenerError: (err: unknown) => void;

  constructor(onListenerError: (err: unknown) => void) {
    this.#onListenerError = onListenerError;
  }

  on<K extends keyof E>(event: K, listener: Listener<E[K]>): this {
    let set = this.#listeners.get(event);
    if (set === undefined) this.#listeners.set(event, (set = new Set()));
    set.add(listener as unknown as Listener<never[]>);
    return this;
  }

  off<K extends keyof E>(event: K, listener: Listener<E[K]>): this {
    this.#listeners.get(event)?.delete(listener as unknown as Listener<never[]>);
    return this;
  }

  once<K extends keyof E>(event: K, listener: Listener<E[K]>): this {
    const wrapped = (...args: E[K]): void => {
      this.off(event, wrapped);
      listener(...args);
    };
    return this.on(event, wrapped);
  }

  removeAllListeners(): void {
    this.#listeners.clear();
  }

  protected emit<K extends keyof E>(event: K, ...args: E[K]): void {
    const set = this.#listeners.get(event);
    if (set === undefined || set.size === 0) return;
    for (const l of set.size === 1 ? set : [...set]) {
      try {
        (l as unknown as Listener<E[K]>)(...args);
      } catch (err) {
        this.#onListenerError(err);
      }
    }
  }
}
