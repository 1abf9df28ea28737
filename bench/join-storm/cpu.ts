/**
 * CPU time of a process tree in ns, from /proc/PID/task/TID/schedstat (the scheduler's own
 * run time per thread). /proc/PID/stat counts in clock ticks (10 ms), too coarse for a storm
 * that costs Janus a few tens of ms; schedstat misses only threads that exit in the window.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpuSeconds, processTree } from '../fanout/proc.js';

export function cpuNs(root: number): number {
  let ns = 0;
  try {
    for (const pid of processTree(root)) {
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        try {
          ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
        } catch {
          // thread gone
        }
      }
    }
  } catch {
    return cpuSeconds(root) * 1e9; // no schedstat (kernel without CONFIG_SCHEDSTATS)
  }
  return ns;
}

