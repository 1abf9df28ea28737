/**
 * A real bottleneck on loopback for one UDP flow: an HTB class limited to
 * `kbit` with a short byte FIFO (like a home router's queue), selected by
 * UDP source or destination port. Everything else on `lo` goes through an unlimited
 * default class. Needs root (tc); under `npm run test:isolated` it lives in
 * the test's private network namespace. Always `remove()` in a finally.
 */
import { execFileSync } from 'node:child_process';

function tc(...args: string[]): void {
  execFileSync('tc', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

export interface Bottleneck {
  /** Lifts the limit (the class becomes unlimited), keeping the setup. */
  lift(): void;
  /** Sets a new limit on the same flow. */
  limit(kbit: number): void;
  /** Packets the bottleneck dropped so far (its queue overflowed). */
  drops(): number;
  remove(): void;
}

/** Shapes UDP packets whose source port is one of `ports` (the SFU's side of a transport). */
export function limitUdpFromPorts(ports: readonly number[], kbit: number, queueBytes = 20_000): Bottleneck {
  return limitUdp('sport', ports, kbit, queueBytes);
}

/** Shapes UDP packets whose destination port is one of `ports` (what an endpoint sends to the SFU). */
export function limitUdpToPorts(ports: readonly number[], kbit: number, queueBytes = 20_000): Bottleneck {
  return limitUdp('dport', ports, kbit, queueBytes);
}

function limitUdp(match: 'sport' | 'dport', ports: readonly number[], kbit: number, queueBytes: number): Bottleneck {
  const setClass = (verb: 'add' | 'change', rate: string): void =>
    tc('class', verb, 'dev', 'lo', 'parent', '1:', 'classid', '1:10', 'htb', 'rate', rate, 'ceil', rate, 'burst', '1600', 'cburst', '1600');
  try {
    tc('qdisc', 'del', 'dev', 'lo', 'root');
  } catch {
    // none yet
  }
  tc('qdisc', 'add', 'dev', 'lo', 'root', 'handle', '1:', 'htb', 'default', '1', 'r2q', '100');
  tc('class', 'add', 'dev', 'lo', 'parent', '1:', 'classid', '1:1', 'htb', 'rate', '10gbit');
  setClass('add', `${kbit}kbit`);
  tc('qdisc', 'add', 'dev', 'lo', 'parent', '1:10', 'handle', '10:', 'bfifo', 'limit', String(queueBytes));
  for (const port of ports) {
    tc('filter', 'add', 'dev', 'lo', 'parent', '1:', 'protocol', 'ip', 'prio', '1', 'u32', 'match', 'ip', 'protocol', '17', '0xff', 'match', 'ip', match, String(port), '0xffff', 'flowid', '1:10');
  }
  return {
    lift: () => setClass('change', '10gbit'),
    limit: (k) => setClass('change', `${k}kbit`),
    drops: () => {
      const out = execFileSync('tc', ['-s', 'qdisc', 'show', 'dev', 'lo', 'parent', '1:10'], { encoding: 'utf8' });
      return Number(/dropped (\d+)/.exec(out)?.[1] ?? 0);
    },
    remove: () => {
      try {
        tc('qdisc', 'del', 'dev', 'lo', 'root');
      } catch {
        // already gone
      }
    },
  };
}
