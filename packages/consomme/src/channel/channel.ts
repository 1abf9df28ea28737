import type { ChildProcess } from 'node:child_process';
import { InvalidStateError, rebuildError } from '../errors.js';
import type { ChannelNotification, ChannelRequest, WorkerToMain } from './messages.js';

type NotificationListener = (event: string, data: unknown) => void;

interface Pending {
  resolve: (data: unknown) => void;
  reject: (error: Error) => void;
  method: string;
}

/**
 * The API side of the channel to one worker process (Node IPC with the
 * 'advanced' serialization, so Buffers cross without base64).
 */
export class Channel {
  readonly #process: ChildProcess;
  readonly #pending = new Map<number, Pending>();
  readonly #listeners = new Map<string, NotificationListener>();
  #nextId = 1;
  #closed = false;
  onLog: ((level: string, message: string) => void) | undefined;
  onReady: (() => void) | undefined;
  onStartFailed: ((message: string) => void) | undefined;

  constructor(child: ChildProcess) {
    this.#process = child;
    child.on('message', (msg: WorkerToMain) => this.#receive(msg));
  }

  get closed(): boolean {
    return this.#closed;
  }

  request<T = unknown>(method: string, handlerId: string, data?: unknown): Promise<T> {
    if (this.#closed) return Promise.reject(new InvalidStateError(`channel closed [method:${method}]`));
    const id = this.#nextId++;
    const msg: ChannelRequest = data === undefined
      ? { kind: 'request', id, method, handlerId }
      : { kind: 'request', id, method, handlerId, data };
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (d: unknown) => void, reject, method });
      try {
        this.#process.send(msg);
      } catch (error) {
        this.#pending.delete(id);
        reject(new InvalidStateError(`channel send failed [method:${method}]: ${String(error)}`));
      }
    });
  }

  /**
   * Fire-and-forget request (id 0): the worker sends no reply. For the hot
   * data path (DataProducer.send), where a reply per message would double
   * the IPC traffic.
   */
  notify(method: string, handlerId: string, data?: unknown): void {
    if (this.#closed) throw new InvalidStateError(`channel closed [method:${method}]`);
    const msg: ChannelRequest = { kind: 'request', id: 0, method, handlerId, data };
    this.#process.send(msg);
  }

  subscribe(targetId: string, listener: NotificationListener): void {
    this.#listeners.set(targetId, listener);
  }

  unsubscribe(targetId: string): void {
    this.#listeners.delete(targetId);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const p of this.#pending.values()) p.reject(new InvalidStateError(`channel closed [method:${p.method}]`));
    this.#pending.clear();
    this.#listeners.clear();
  }

  #receive(msg: WorkerToMain): void {
    switch (msg.kind) {
      case 'response': {
        const p = this.#pending.get(msg.id);
        if (!p) return;
        this.#pending.delete(msg.id);
        if (msg.ok) p.resolve(msg.data);
        else p.reject(rebuildError(msg.error.name, msg.error.message));
        return;
      }
      case 'notification':
        this.#notify(msg);
        return;
      case 'log':
        this.onLog?.(msg.level, msg.message);
        return;
      case 'ready':
        this.onReady?.();
        return;
      case 'startfailed':
        this.onStartFailed?.(msg.message);
        return;
    }
  }

  #notify(msg: ChannelNotification): void {
    const listener = this.#listeners.get(msg.targetId);
    if (!listener) return;
    try {
      listener(msg.event, msg.data);
    } catch {
      // A throwing API-side listener must not break the channel.
    }
  }
}
