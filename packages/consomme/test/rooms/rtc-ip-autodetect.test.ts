/**
 * Server setting `rtcIPv4: true` (seed 002): the server listens on the
 * host's first external IPv4 address. The test builds a network namespace
 * whose only external interface is a veth with 10.99.0.1, runs a
 * Server there, and checks the transport's candidates carry that address;
 * nothing binds outside the namespace.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const child = fileURLToPath(new URL('./rtc-ip-autodetect.child.ts', import.meta.url));

function run(setup: string): string[] {
  const script = `ip link set lo up && ${setup} exec node --import tsx ${JSON.stringify(child)}`;
  const out = execFileSync('unshare', ['-n', 'sh', '-c', script], { encoding: 'utf8', timeout: 60_000 });
  return JSON.parse(out.trim().split('\n').at(-1)!) as string[];
}

test('rtcIPv4: true picks the external IPv4 address of the host', () => {
  const ips = run('ip link add name v0 type veth peer name v1 && ip addr add 10.99.0.1/24 dev v0 && ip link set v0 up && ip link set v1 up &&');
  assert.ok(ips.length > 0);
  assert.deepEqual([...new Set(ips)], ['10.99.0.1']);
});

test('rtcIPv4: true on a host with loopback only serves itself on 127.0.0.1', () => {
  const ips = run('');
  assert.deepEqual([...new Set(ips)], ['127.0.0.1']);
});
