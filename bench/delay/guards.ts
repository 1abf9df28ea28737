/**
 * Checks that the figures are our own process's. Other benches on the machine may run Janus
 * too: a second Janus finds ports 8088/7088 and 5002/5004 taken and exits, while the first one
 * answers our HTTP calls, so its CPU would read as zero and the delays would be someone else's.
 */
import { readFileSync } from 'node:fs';

async function janusAnswers(): Promise<boolean> {
  try {
    return (await fetch('http://127.0.0.1:8088/janus/info', { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false; // nothing listening: good
  }
}

/** Waits up to `waitMs` for no Janus HTTP API on 127.0.0.1:8088; throws if one still answers. */
export async function assertNoOtherJanus(waitMs = 0): Promise<void> {
  const deadline = Date.now() + waitMs;
  while (await janusAnswers()) {
    if (Date.now() >= deadline) throw new Error('another Janus is already running on 127.0.0.1:8088 (another bench?); stop it first');
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Throws when the process is gone or a zombie. */
export function assertAlive(pid: number, what: string): void {
  let state = '';
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    state = stat.charAt(stat.lastIndexOf(')') + 2);
  } catch {
    // gone
  }
  if (state === '' || state === 'Z') throw new Error(`${what} (pid ${pid}) is not running: is another instance holding its ports?`);
}
