/**
 * Shared pieces of the API integration tests: workers that are always
 * closed, event waits that cannot hang, and the RTP parameters a
 * mediasoup-client endpoint sends for opus.
 */
import { createSocket } from 'node:dgram';
import { once, type EventEmitter } from 'node:events';
import * as mediasoup from 'consomme';

type Worker = mediasoup.types.Worker;

/** The codec list of seed-000 (what a typical mediasoup app configures). */
export const SEED_CODECS: mediasoup.types.RtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: { 'x-google-start-bitrate': 1000 } },
];

/** Shaped like mediasoup-client's Producer rtpParameters for an opus track. */
export function opusRtpParameters(ssrc = 11111111, mid = '0'): mediasoup.types.RtpParameters {
  return {
    codecs: [
      {
        mimeType: 'audio/opus',
        payloadType: 111,
        clockRate: 48000,
        channels: 2,
        parameters: { minptime: 10, useinbandfec: 1 },
        rtcpFeedback: [{ type: 'transport-cc' }],
      },
    ],
    headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 4 }],
    encodings: [{ ssrc, dtx: false }],
    rtcp: { cname: 'x', reducedSize: true },
    mid,
  };
}

/**
 * Every worker a test file starts, so an `after` hook can close the ones a
 * failing assertion left behind: a stray worker would keep the run alive.
 */
export class WorkerPool {
  readonly #workers = new Set<Worker>();

  async create(settings: mediasoup.types.WorkerSettings = {}): Promise<Worker> {
    const worker = await withTimeout(mediasoup.createWorker(settings), 15_000, 'createWorker');
    this.#workers.add(worker);
    return worker;
  }

  /** Close every worker and wait until each child process has exited. */
  async closeAll(): Promise<void> {
    const exits: Promise<unknown>[] = [];
    for (const worker of this.#workers) {
      if (!worker.subprocessClosed) exits.push(waitEvent(worker, 'subprocessclose', 10_000).catch(() => undefined));
      worker.close();
    }
    this.#workers.clear();
    await Promise.all(exits);
  }
}

/** Reject when `promise` has not settled after `ms`; the timer never outlives it. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The arguments of the next `event` on `emitter`, or a rejection after `ms`. */
export function waitEvent(emitter: EventEmitter, event: string, ms = 5_000): Promise<unknown[]> {
  return withTimeout(once(emitter, event), ms, `'${event}'`);
}

/** Poll `check` every 20 ms until it holds; reject after `ms`. */
export async function waitUntil(check: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Counts the emissions of one event; the mediasoup API promises exactly-once events. */
export function countEvents(emitter: EventEmitter, event: string): { readonly count: number } {
  const counter = { count: 0 };
  emitter.on(event, () => counter.count++);
  return counter;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether a UDP socket can bind 127.0.0.1:port right now. */
export function udpPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind({ address: '127.0.0.1', port, exclusive: true }, () => socket.close(() => resolve(true)));
  });
}

/** A port the OS just handed out for UDP on 127.0.0.1 (free right after). */
export function pickFreeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind({ address: '127.0.0.1', port: 0 }, () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}
