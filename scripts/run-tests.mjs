// Runs the test suites with node:test and tsx.
//   node scripts/run-tests.mjs            every test
//   node scripts/run-tests.mjs unit       only *.test.ts under packages/*/src (pure, no I/O)
//   node scripts/run-tests.mjs <path...>  the given files
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function find(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const args = process.argv.slice(2);
let files;
if (args.length === 0) files = [...find('packages'), ...find('e2e')];
else if (args[0] === 'unit') files = find('packages').filter((f) => f.includes('/src/'));
else if (args[0] === 'integration') files = [...find('packages').filter((f) => !f.includes('/src/')), ...find('e2e')];
else files = args;
files.sort();
console.log(`running ${files.length} test files`);
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files], {
  stdio: 'inherit',
  env: { ...process.env },
});
process.exit(r.status ?? 1);
