/**
 * A bench's setup step on a fresh Debian machine: installs the package that
 * provides `command` with apt-get when the command is missing (running
 * `apt-get update` first if the package lists do not know it yet).
 */
import { spawnSync } from 'node:child_process';

export function ensureCommand(command: string, debianPackage: string): void {
  if (spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).status === 0) return;
  console.log(`${command} not found: apt-get install -y ${debianPackage}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = (): number | null => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', debianPackage], { stdio: 'inherit', env }).status;
  if (install() === 0) return;
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  if (install() !== 0) throw new Error(`apt-get install ${debianPackage} failed`);
}
