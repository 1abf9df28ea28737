/**
 * The child processes of the delay bench: the fan-out feeder (bench/fanout/feeder-main.ts,
 * on the load core) and the bare relay of bench/packet-path (udp-relay.ts, on the SFU's core).
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Target } from '../fanout/feeder.js';
import { pin } from '../fanout/proc.js';
import type { RelayJob, RelayMessage } from '../packet-path/udp-relay.js';

const FEEDER_MAIN = fileURLToPath(new URL('../fanout/feeder-main.ts', import.meta.url));
const RELAY_MAIN = fileURLToPath(new URL('../packet-path/udp-relay.ts', import.meta.url));

export interface Child {
  readonly pid: number;
  stop(): Promise<void>;
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () => {
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 3000).unref();
    });
  };
}

/** The feeder, sending until stopped, pinned to `core`. */
export function startFeeder(audio: Target, video: Target, core: number): Child {
  const args = JSON.stringify({ audio, video });
  const child = spawn('taskset', ['-c', String(core), process.execPath, '--import', 'tsx', FEEDER_MAIN, args], { stdio: ['ignore', 'ignore', 'inherit'] });
  return { pid: child.pid ?? -1, stop: stopper(child) };
}

/**
 * The bare relay (receive one, send to every sink, no parsing, no crypto) pinned to `core`,
 * relaying for `lifetimeMs` (it measures its own slices too; we read /proc instead, like
 * for the SFUs). Resolves with the port the feeder must send to.
 */
export async function startRelay(sinks: readonly number[], core: number, lifetimeMs: number): Promise<Child & { port: number }> {
  const child = fork(RELAY_MAIN, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const stop = stopper(child);
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.on('message', (m: RelayMessage) => {
        if (m.type === 'ready') resolve(m.port);
      });
      child.once('exit', (code) => reject(new Error(`relay exited (${code}) before it was ready`)));
      const job: RelayJob = { sinks, warmupMs: 1000, slices: 1, sliceMs: Math.max(1000, lifetimeMs - 1000) };
      child.send(job);
    });
    pin(child.pid!, core);
    return { pid: child.pid!, port, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
