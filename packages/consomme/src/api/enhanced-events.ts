import { EventEmitter } from 'node:events';

/** A map from event name to its listener arguments. */
export type EventMap = Record<string, unknown[]>;

/**
 * An EventEmitter typed per event name. `safeEmit` catches a listener that
 * throws, so that one bad listener cannot break the emitter or the objects
 * that emit through it (a user's listener must never tear down a transport).
 */
export class EnhancedEventEmitter<E extends EventMap = EventMap> extends EventEmitter {
  constructor() {
    super();
    this.setMaxListeners(Infinity);
  }

  override emit<K extends keyof E & string>(eventName: K, ...args: E[K]): boolean {
    return super.emit(eventName, ...args);
  }

  /** Emit, and report a listener that throws instead of propagating it. */
  safeEmit<K extends keyof E & string>(eventName: K, ...args: E[K]): boolean {
    try {
      return super.emit(eventName, ...args);
    } catch (error) {
      try {
        super.emit('listenererror', eventName, error);
      } catch {
        // A throwing 'listenererror' listener must not escape either.
      }
      return true;
    }
  }

  override on<K extends keyof E & string>(eventName: K, listener: (...args: E[K]) => void): this {
    return super.on(eventName, listener as (...args: unknown[]) => void);
  }

  override off<K extends keyof E & string>(eventName: K, listener: (...args: E[K]) => void): this {
    return super.off(eventName, listener as (...args: unknown[]) => void);
  }

  override addListener<K extends keyof E & string>(eventName: K, listener: (...args: E[K]) => void): this {
    return super.addListener(eventName, listener as (...args: unknown[]) => void);
  }

  override prependListener<K extends keyof E & string>(eventName: K, listener: (...args: E[K]) => void): this {
    return super.prependListener(eventName, listener as (...args: unknown[]) => void);
  }

  override once<K extends keyof E & string>(eventName: K, listener: (...args: E[K]) => void): this {
    return super.once(eventName, listener as (...args: unknown[]) => void);
  }

  override removeListener<K extends keyof E & string>(eventName: K, listener: (...args: E[K]) => void): this {
    return super.removeListener(eventName, listener as (...args: unknown[]) => void);
  }

  override removeAllListeners<K extends keyof E & string>(eventName?: K): this {
    return super.removeAllListeners(eventName);
  }

  override listenerCount<K extends keyof E & string>(eventName: K): number {
    return super.listenerCount(eventName);
  }
}
