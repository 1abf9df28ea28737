/**
 * The rooms of this server: created on first join on the worker with the
 * fewest rooms, forgotten when they close (empty, worker death, shutdown).
 */
import type { Logger } from './logger.js';
import { roomLogger } from './logger.js';
import { Room } from './room.js';
import type { WorkerPool } from './workers.js';

/** What tests and /healthz see of a room. */
export interface RoomSnapshot {
  id: string;
  peers: string[];
  workerIndex: number;
  workerPid: number;
}

export class Rooms {
  readonly #pool: WorkerPool;
  readonly #log: Logger;
  readonly #rooms = new Map<string, Room>();
  readonly #pending = new Map<string, Promise<Room>>();

  constructor(pool: WorkerPool, log: Logger) {
    this.#pool = pool;
    this.#log = log;
  }

  get size(): number {
    return this.#rooms.size;
  }

  get peerCount(): number {
    let n = 0;
    for (const room of this.#rooms.values()) n += room.peers.size;
    return n;
  }

  get(id: string): Room | undefined {
    return this.#rooms.get(id);
  }

  /** The open room `id`, created if needed; concurrent joins share one creation. */
  async getOrCreate(id: string): Promise<Room> {
    const existing = this.#rooms.get(id);
    if (existing && !existing.closed) return existing;
    let pending = this.#pending.get(id);
    if (!pending) {
      pending = this.#create(id).finally(() => this.#pending.delete(id));
      this.#pending.set(id, pending);
    }
    return pending;
  }

  /** A room a failed join left without peers is closed. */
  closeIfEmpty(room: Room): void {
    if (room.peers.size === 0) room.close('empty');
  }

  closeAll(reason: string): void {
    for (const room of [...this.#rooms.values()]) room.close(reason);
  }

  list(): RoomSnapshot[] {
    return [...this.#rooms.values()].map((room) => ({
      id: room.id,
      peers: [...room.peers.keys()],
      workerIndex: room.slot.index,
      workerPid: room.slot.worker.pid,
    }));
  }

  async #create(id: string): Promise<Room> {
    const slot = this.#pool.place();
    let room: Room;
    try {
      room = await Room.create(id, slot, roomLogger(this.#log, id));
    } catch (error) {
      slot.rooms--;
      throw error;
    }
    room.onClose = (closed) => {
      if (this.#rooms.get(id) === closed) this.#rooms.delete(id);
    };
    this.#rooms.set(id, room);
    room.log.info({ worker: slot.index }, 'room created');
    return room;
  }
}
