// bench/RESULTS.md holds one section per benchmark between <!-- name:start -->
// and <!-- name:end --> markers; each benchmark rewrites only its own.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

export const RESULTS_FILE = fileURLToPath(new URL('./RESULTS.md', import.meta.url));

/** Replaces (or appends) the section `name` of bench/RESULTS.md with `body`. */
export function writeResultsSection(name: string, body: string): void {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const block = `${start}\n${body}\n${end}`;
  let doc = existsSync(RESULTS_FILE) ? readFileSync(RESULTS_FILE, 'utf8') : '# Benchmark results\n';
  const a = doc.indexOf(start);
  const b = doc.indexOf(end);
  if (a >= 0 && b > a) doc = doc.slice(0, a) + block + doc.slice(b + end.length);
  else doc = `${doc.trimEnd()}\n\n${block}\n`;
  writeFileSync(RESULTS_FILE, doc);
}

/**
 * The machine part of a section's header: CPU, cores, Node, kernel, the load
 * when the run started (`load`, the 1-min average) and how long it took
 * (from `startedMs`).
 */
export function machineLine(load: number, startedMs: number): string {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  return (
    `Machine: ${cpu}, ${os.cpus().length} cores, Node ${process.version}, linux ${os.release()}, ` +
    `1-min load average ${load.toFixed(2)} at start; the run took ${Math.round((Date.now() - startedMs) / 1000)} s.`
  );
}
