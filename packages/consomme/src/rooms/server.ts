import { accessSync, constants } from 'node:fs';
import { isIP } from 'node:net';
import { cpus, networkInterfaces } from 'node:os';
import { InvalidStateError } from '../errors.js';
import { EnhancedEventEmitter } from '../api/enhanced-events.js';
import type { TransportListenInfo } from '../api/transport-types.js';
import { createWorker, validateWorkerSettings, type Worker, type WorkerLogTag } from '../api/worker.js';
import type { WorkerSpawnSettings } from '../channel/messages.js';
import { Room, toCoreMediaCodecs } from './room.js';

export type ServerLogLevel = 'debug' | 'warn' | 'error';

export interface ServerSettings {
  /** Number of worker processes. Default: the number of CPU cores. */
  numWorkers?: number;
  /** Default 'debug' (only the given logTags are logged at that level). */
  logLevel?: ServerLogLevel;
  /** Default []. */
  logTags?: WorkerLogTag[];
  /** An IPv4 address, true to auto-detect one, false to disable IPv4. Default true. */
  rtcIPv4?: string | boolean;
  /** An IPv6 address, true to auto-detect one, false to disable IPv6. Default true. */
  rtcIPv6?: string | boolean;
  /** IPv4 announced in ICE candidates (the public address behind NAT). */
  rtcAnnouncedIPv4?: string;
  rtcAnnouncedIPv6?: string;
  /** Default 10000. */
  rtcMinPort?: number;
  /** Default 59999. */
  rtcMaxPort?: number;
  /** PEM certificate for DTLS; a random one is generated if unset. */
  dtlsCertificateFile?: string;
  dtlsPrivateKeyFile?: string;
}

export interface ServerUpdateableSettings {
  logLevel?: ServerLogLevel;
  logTags?: WorkerLogTag[];
}

export type ServerEvents = {
  close: [];
  newroom: [Room];
  listenererror: [string, Error];
};

const LOG_LEVELS: readonly string[] = ['debug', 'warn', 'error'];

interface Slot {
  worker: Promise<Worker>;
  rooms: number;
}

let nextRoomId = 1;

/**
 * Runs the worker processes and places rooms on them, the least loaded first
 * (seed 002). A worker that dies takes its rooms with it and is replaced.
 */
export class RoomsServer extends EnhancedEventEmitter<ServerEvents> {
  readonly #spawn: WorkerSpawnSettings;
  readonly #listenInfos: TransportListenInfo[];
  readonly #slots: Slot[] = [];
  readonly #rooms = new Set<Room>();
  readonly #workers = new Set<Worker>();
  #closed = false;

  constructor(settings: ServerSettings = {}) {
    super();
    if (typeof settings !== 'object' || settings === null) throw new TypeError('settings must be an object');
    const numWorkers = settings.numWorkers ?? cpus().length;
    if (!Number.isInteger(numWorkers) || numWorkers < 1) throw new TypeError('numWorkers must be a positive integer');
    const logLevel = settings.logLevel ?? 'debug';
    if (!LOG_LEVELS.includes(logLevel)) throw new TypeError(`logLevel must be 'debug', 'warn' or 'error'`);
    for (const key of ['dtlsCertificateFile', 'dtlsPrivateKeyFile'] as const) {
      const file = settings[key];
      if (file === undefined) continue;
      try {
        accessSync(file, constants.R_OK);
      } catch {
        throw new TypeError(`${key} '${file}' cannot be read`);
      }
    }
    const spawn: Record<string, unknown> = { logLevel, logTags: settings.logTags ?? [] };
    for (const key of ['rtcMinPort', 'rtcMaxPort', 'dtlsCertificateFile', 'dtlsPrivateKeyFile'] as const) {
      if (settings[key] !== undefined) spawn[key] = settings[key];
    }
    this.#spawn = validateWorkerSettings(spawn);
    this.#listenInfos = listenInfosFor(settings);
    for (let i = 0; i < numWorkers; i++) this.#slots.push(this.#startSlot());
  }

  get closed(): boolean {
    return this.#closed;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const room of [...this.#rooms]) room.close();
    for (const worker of this.#workers) worker.close();
    for (const slot of this.#slots) slot.worker.then((worker) => worker.close(), () => undefined);
    this.safeEmit('close');
  }

  /** Change the log level and tags of every worker (and of those started later). */
  async updateSettings(settings: ServerUpdateableSettings = {}): Promise<void> {
    if (this.#closed) throw new InvalidStateError('server closed');
    if (typeof settings !== 'object' || settings === null) throw new TypeError('settings must be an object');
    if (settings.logLevel !== undefined && !LOG_LEVELS.includes(settings.logLevel)) throw new TypeError(`logLevel must be 'debug', 'warn' or 'error'`);
    const checked = validateWorkerSettings({ logLevel: settings.logLevel ?? this.#spawn.logLevel, logTags: settings.logTags ?? this.#spawn.logTags });
    this.#spawn.logLevel = checked.logLevel;
    this.#spawn.logTags = checked.logTags;
    const workers = await Promise.all(this.#slots.map((slot) => slot.worker.catch(() => undefined)));
    await Promise.all(workers.filter((w) => w && !w.closed).map((w) => w!.updateSettings({ logLevel: checked.logLevel, logTags: checked.logTags })));
  }

  /** A new room with these codecs (RTX and FEC are not allowed: TypeError), on the least loaded worker. */
  Room(mediaCodecs: unknown): Room {
    if (this.#closed) throw new InvalidStateError('server closed');
    const codecs = toCoreMediaCodecs(mediaCodecs);
    let slot = this.#slots[0]!;
    for (const s of this.#slots) if (s.rooms < slot.rooms) slot = s;
    const room = new Room({ id: nextRoomId++, mediaCodecs: codecs, worker: slot.worker, listenInfos: this.#listenInfos });
    slot.rooms++;
    this.#rooms.add(room);
    room.on('@close', () => {
      slot.rooms--;
      this.#rooms.delete(room);
    });
    this.safeEmit('newroom', room);
    return room;
  }

  #startSlot(): Slot {
    const slot: Slot = { worker: Promise.resolve(undefined as unknown as Worker), rooms: 0 };
    this.#startWorker(slot);
    return slot;
  }

  #startWorker(slot: Slot): void {
    slot.worker = createWorker({ ...this.#spawn, logTags: [...this.#spawn.logTags] });
    slot.worker.then(
      (worker) => {
        if (this.#closed) {
          worker.close();
          return;
        }
        this.#workers.add(worker);
        worker.on('died', () => {
          this.#workers.delete(worker);
          // Its rooms closed (router 'workerclose'); new rooms go to a fresh process in the same slot.
          if (!this.#closed) this.#startWorker(slot);
        });
      },
      () => undefined,
    );
  }
}

function listenInfosFor(settings: ServerSettings): TransportListenInfo[] {
  const ipv4 = pickAddress(settings.rtcIPv4 ?? true, 4);
  const ipv6 = pickAddress(settings.rtcIPv6 ?? true, 6);
  if (!ipv4 && !ipv6) throw new TypeError('rtcIPv4 and rtcIPv6 leave no address to listen on');
  for (const [key, family] of [['rtcAnnouncedIPv4', 4], ['rtcAnnouncedIPv6', 6]] as const) {
    const value = settings[key];
    if (value !== undefined && (typeof value !== 'string' || isIP(value) !== family)) throw new TypeError(`${key} must be an IPv${family} address`);
  }
  const infos: TransportListenInfo[] = [];
  for (const [ip, announced] of [[ipv4, settings.rtcAnnouncedIPv4], [ipv6, settings.rtcAnnouncedIPv6]] as const) {
    if (!ip) continue;
    // UDP first: the order of listenInfos is the order of preference of the candidates.
    for (const protocol of ['udp', 'tcp'] as const) {
      const info: TransportListenInfo = { protocol, ip };
      if (announced !== undefined) info.announcedAddress = announced;
      infos.push(info);
    }
  }
  return infos;
}

/** An address given, the first usable one of the host (true), or none (false). */
function pickAddress(setting: string | boolean, family: 4 | 6): string | undefined {
  if (setting === false) return undefined;
  if (typeof setting === 'string') {
    if (isIP(setting) !== family) throw new TypeError(`rtcIPv${family} must be an IPv${family} address, true or false`);
    return setting;
  }
  if (setting !== true) throw new TypeError(`rtcIPv${family} must be an IPv${family} address, true or false`);
  const all = Object.values(networkInterfaces()).flatMap((list) => list ?? []);
  const external = all.find((a) => !a.internal && a.family === `IPv${family}` && !(family === 6 && a.address.startsWith('fe80')));
  if (external) return external.address;
  // A host with no external IPv4 (a container, a CI namespace) still serves itself over loopback.
  return family === 4 ? '127.0.0.1' : undefined;
}

/** Server(settings), with or without `new`. */
export interface ServerFactory {
  new (settings?: ServerSettings): RoomsServer;
  (settings?: ServerSettings): RoomsServer;
  readonly prototype: RoomsServer;
}

export const Server = function Server(settings?: ServerSettings): RoomsServer {
  return new RoomsServer(settings);
} as unknown as ServerFactory;
Object.defineProperty(Server, 'prototype', { value: RoomsServer.prototype });

export type Server = RoomsServer;
