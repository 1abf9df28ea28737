/**
 * The benchmarks are not timed tests, but they must keep running: a short,
 * narrowed run of each one (which leaves bench/RESULTS.md alone) fails the
 * suite if a change breaks a bench rig.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

test('bench/packet-path.ts runs (narrowed: ours only, 1 → 1, one short slice)', { timeout: 60_000 }, () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/packet-path.ts'], {
    encoding: 'utf8',
    env: { ...process.env, BENCH_ONLY: 'ours', BENCH_SLICES: '1', BENCH_SLICE_MS: '200', BENCH_FANOUTS: '1' },
    timeout: 55_000,
  });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /RESULTS\.md left as is/);
  assert.match(r.stdout, /AES_CM_128_HMAC_SHA1_80, 1 → 1 \| [\d,]+/);
});

test('bench/data-channels.ts runs (BENCH_SMOKE: 64 KiB through 10 raw peers)', { timeout: 60_000 }, () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/data-channels.ts'], {
    encoding: 'utf8',
    env: { ...process.env, BENCH_SMOKE: '1' },
    timeout: 55_000,
  });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /RESULTS\.md left as is/);
  assert.match(r.stdout, /640 of 640 delivered/);
});
