// The bottleneck is a tc qdisc on `lo`. On the host that would shape every loopback flow
// of every process (other agents' tests included), so the bench only ever runs inside a
// private network namespace: when it is not in one, it re-runs itself under `unshare -n`
// (as `npm run test:isolated` does) and exits with the child's status.
import { execFileSync, spawnSync } from 'node:child_process';

const MARK = 'BOTTLENECK_NETNS';

/** Returns only inside a namespace whose sole interface is `lo`; otherwise re-execs and exits. */
export function ensureIsolated(): void {
  if (process.env[MARK] === '1') {
    const links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => line.split(':')[1]?.trim().split('@')[0]);
    if (links.length !== 1 || links[0] !== 'lo') {
      throw new Error(`expected a private network namespace with only lo, found: ${links.join(', ')}`);
    }
    return;
  }
  try {
    execFileSync('unshare', ['-n', 'true'], { stdio: 'ignore' });
  } catch {
    throw new Error('bench:bottleneck needs `unshare -n` (root or user namespaces): it will not shape the host loopback');
  }
  const child = spawnSync(
    'unshare',
    ['-n', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"', process.execPath, ...process.execArgv, ...process.argv.slice(1)],
    { stdio: 'inherit', env: { ...process.env, [MARK]: '1' } },
  );
  process.exit(child.status ?? 1);
}
