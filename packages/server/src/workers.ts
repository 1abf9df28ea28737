/**
 * One Consommé worker per core, each with its WebRtcServer (one UDP and one
 * TCP port: RTC_PORT + index). A worker that dies is logged and replaced; its
 * routers close on their own, which closes its rooms (see room.ts).
 */
import * as mediasoup from 'consomme';
import type { types } from 'consomme';
import type { Config } from './config.js';
import { AppError } from './errors.js';
import type { Logger } from './logger.js';

export interface WorkerSlot {
  readonly index: number;
  readonly worker: types.Worker;
  readonly webRtcServer: types.WebRtcServer | undefined;
  /** Rooms placed on this worker (counted when placement is decided). */
  rooms: number;
}

const RESPAWN_DELAY_MS = 1000;

export class WorkerPool {
  readonly #config: Config;
  readonly #log: Logger;
  readonly #slots: (WorkerSlot | undefined)[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  #closed = false;

  constructor(config: Config, log: Logger) {
    this.#config = config;
    this.#log = log.child({ component: 'workers' });
  }

  async start(): Promise<void> {
    for (let i = 0; i < this.#config.numWorkers; i++) this.#slots[i] = await this.#spawn(i);
  }

  /** The live workers, by index. */
  get slots(): WorkerSlot[] {
    return this.#slots.filter((s): s is WorkerSlot => s !== undefined && !s.worker.closed);
  }

  /** The live worker with the fewest rooms; the new room is counted at once. */
  place(): WorkerSlot {
    let best: WorkerSlot | undefined;
    for (const slot of this.slots) if (!best || slot.rooms < best.rooms) best = slot;
    if (!best) throw new AppError('INTERNAL', 'no media worker available');
    best.rooms++;
    return best;
  }

  close(): void {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const slot of this.#slots) slot?.worker.close();
  }

  async #spawn(index: number): Promise<WorkerSlot> {
    const { rtc } = this.#config;
    const worker = await mediasoup.createWorker({ logLevel: 'warn', rtcMinPort: rtc.minPort, rtcMaxPort: rtc.maxPort, appData: { index } });
    let webRtcServer: types.WebRtcServer | undefined;
    try {
      if (rtc.useWebRtcServer) {
        const listen = {
          ip: rtc.listenIp,
          ...(rtc.announcedAddress ? { announcedAddress: rtc.announcedAddress } : {}),
          ...(rtc.webRtcServerPort !== 0 ? { port: rtc.webRtcServerPort + index } : {}),
        };
        webRtcServer = await worker.createWebRtcServer({
          listenInfos: [
            { protocol: 'udp', ...listen },
            { protocol: 'tcp', ...listen },
          ],
        });
      }
    } catch (error) {
      worker.close();
      throw error;
    }
    const slot: WorkerSlot = { index, worker, webRtcServer, rooms: 0 };
    worker.on('died', (error) => this.#onDied(slot, error));
    this.#log.info({ index, pid: worker.pid }, 'media worker started');
    return slot;
  }

  #onDied(slot: WorkerSlot, error: Error): void {
    this.#log.error({ index: slot.index, pid: slot.worker.pid, err: error.message }, 'media worker died; replacing it');
    if (this.#slots[slot.index] === slot) this.#slots[slot.index] = undefined;
    this.#respawn(slot.index, 0);
  }

  #respawn(index: number, delay: number): void {
    if (this.#closed) return;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#spawn(index).then(
        (slot) => {
          if (this.#closed) slot.worker.close();
          else this.#slots[index] = slot;
        },
        (error: unknown) => {
          this.#log.error({ index, err: String(error) }, 'cannot start a media worker; retrying');
          this.#respawn(index, RESPAWN_DELAY_MS);
        },
      );
    }, delay);
    this.#timers.add(timer);
  }
}
