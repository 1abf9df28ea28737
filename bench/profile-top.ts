// Prints the top functions of a V8 .cpuprofile (from `node --cpu-prof`) by self time, with
// their total (inclusive) time, so a profile can be read and committed as text.
//
//   node --import tsx bench/profile-top.ts <file.cpuprofile>... [--top=25] [--from=S] [--to=S] [--by-file]
//
// --from/--to keep only the samples between S seconds after the profile's start and S
// seconds after it, e.g. to leave out a benchmark's setup (handshakes) and keep its steady state.
// Several files (e.g. one per worker of a multi-round run) are summed.
// Idle time ("(idle)") is left out of the percentages: they are shares of the time the
// process was busy. A function's total counts each sample once even when it recurses.
// --by-file adds self time summed per source file.
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

interface Entry {
  name: string;
  where: string;
  selfUs: number;
  totalUs: number;
}

function label(frame: CallFrame): { key: string; name: string; where: string } {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return { key: name, name, where: '' };
  // Paths from the repository root (or the last two parts elsewhere) keep lines short.
  const file = frame.url.replace(/^file:\/\//, '');
  const rel = path.relative(process.cwd(), file);
  const where = `${rel.startsWith('..') ? file.split('/').slice(-2).join('/') : rel}:${frame.lineNumber + 1}`;
  return { key: `${name} ${where}`, name, where };
}

export function summarize(profile: CpuProfile, fromUs = 0, toUs = Infinity): { entries: Entry[]; busyUs: number; idleUs: number; wallUs: number } {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const entries = new Map<string, Entry>();
  const entryOf = (node: ProfileNode): Entry => {
    const l = label(node.callFrame);
    let e = entries.get(l.key);
    if (!e) entries.set(l.key, (e = { name: l.name, where: l.where, selfUs: 0, totalUs: 0 }));
    return e;
  };
  let busyUs = 0;
  let idleUs = 0;
  // A sample's time is the delta to the next sample (V8 stores the delta before each one).
  let at = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    const dt = profile.timeDeltas[i + 1] ?? 0;
    if (at < fromUs || at >= toUs) continue;
    const node = byId.get(profile.samples[i]!);
    if (!node) continue;
    if (node.callFrame.functionName === '(idle)') {
      idleUs += dt;
      continue;
    }
    busyUs += dt;
    entryOf(node).selfUs += dt;
    const seen = new Set<Entry>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const e = entryOf(byId.get(id)!);
      if (!seen.has(e)) {
        seen.add(e);
        e.totalUs += dt;
      }
    }
  }
  const wallUs = Math.max(0, Math.min(profile.endTime - profile.startTime, toUs) - fromUs);
  return { entries: [...entries.values()], busyUs, idleUs, wallUs };
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

export function formatTop(profiles: CpuProfile[], top: number, byFile: boolean, fromUs = 0, toUs = Infinity): string {
  const merged = new Map<string, Entry>();
  let busyUs = 0;
  let idleUs = 0;
  let wallUs = 0;
  for (const profile of profiles) {
    const s = summarize(profile, fromUs, toUs);
    busyUs += s.busyUs;
    idleUs += s.idleUs;
    wallUs += s.wallUs;
    for (const e of s.entries) {
      const key = `${e.name} ${e.where}`;
      const m = merged.get(key);
      if (m) {
        m.selfUs += e.selfUs;
        m.totalUs += e.totalUs;
      } else merged.set(key, { ...e });
    }
  }
  const entries = [...merged.values()];
  const pct = (us: number): string => `${((us / busyUs) * 100).toFixed(1)}%`.padStart(6);
  const lines = [
    `${profiles.length} profile(s), ${fromUs > 0 || toUs < Infinity ? `samples from ${(fromUs / 1e6).toFixed(1)} s to ${toUs < Infinity ? `${(toUs / 1e6).toFixed(1)} s` : 'the end'}, ` : ''}wall ${(wallUs / 1e6).toFixed(1)} s, busy ${(busyUs / 1e6).toFixed(2)} s (${((busyUs / wallUs) * 100).toFixed(1)}% of the main thread), idle ${(idleUs / 1e6).toFixed(2)} s`,
    '',
    `${'self'.padStart(6)} ${'total'.padStart(6)}  function (file:line)`,
  ];
  const sorted = entries.filter((e) => e.name !== '(root)').sort((a, b) => b.selfUs - a.selfUs);
  for (const e of sorted.slice(0, top)) {
    lines.push(`${pct(e.selfUs)} ${pct(e.totalUs)}  ${pad(e.name, 28)} ${e.where}`);
  }
  if (byFile) {
    const files = new Map<string, number>();
    for (const e of entries) {
      const file = e.where ? e.where.replace(/:\d+$/, '') : e.name;
      files.set(file, (files.get(file) ?? 0) + e.selfUs);
    }
    lines.push('', 'self time by file:');
    for (const [file, us] of [...files].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`${pct(us)}  ${file}`);
  }
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const files = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  if (files.length === 0) {
    console.error('usage: node --import tsx bench/profile-top.ts <file.cpuprofile>... [--top=25] [--by-file]');
    process.exit(2);
  }
  const topArg = process.argv.find((a) => a.startsWith('--top='));
  const top = Number(topArg?.slice('--top='.length) ?? 25);
  const seconds = (name: string, otherwise: number): number => {
    const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
    const v = arg === undefined ? NaN : Number(arg.slice(name.length + 3));
    return Number.isFinite(v) && v >= 0 ? v * 1e6 : otherwise;
  };
  const profiles = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as CpuProfile);
  const text = formatTop(profiles, Number.isInteger(top) && top > 0 ? top : 25, process.argv.includes('--by-file'), seconds('from', 0), seconds('to', Infinity));
  console.log(text);
}
