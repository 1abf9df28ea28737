// Tables for bench/RESULTS.md from the per-round figures of both calls.
import { median, type RoundFigures } from './metrics.js';

export interface RoundResult extends RoundFigures {
  round: number;
  /** Seconds from the call's start until B first decoded ≥ 1200 wide. */
  firstWideS: number | undefined;
  drops: number;
  senderCpuLimitedS: number;
}

interface Metric {
  label: string;
  value: (r: RoundResult) => number | undefined;
  digits: number;
  /** What an undefined value means in this row. */
  missing?: string;
}

const seconds = (ms: number | undefined): number | undefined => (ms === undefined ? undefined : ms / 1000);

export function metrics(limitKbit: number, adaptedKbps: number, holdS: number, recoverShare: number, recoverWindowS: number): Metric[] {
  return [
    { label: `time to adapt down (s): limit → start of the first ${holdS} s with B's rate ≤ ${adaptedKbps} kbps`, value: (r) => seconds(r.adaptDownMs), digits: 1, missing: 'never' },
    { label: "time until B's frame width first drops (s)", value: (r) => seconds(r.widthDropMs), digits: 1, missing: 'never' },
    { label: `time to recover (s): lift → pre-limit width and ≥ ${Math.round(recoverShare * 100)}% of the pre-limit rate`, value: (r) => seconds(r.recoverMs), digits: 1, missing: `not within ${recoverWindowS} s` },
    { label: 'freeze time during the limited minute (s)', value: (r) => r.freezeLimitedS, digits: 2 },
    { label: '… of which in its first 10 s (s)', value: (r) => r.freezeFirst10S, digits: 2 },
    { label: 'freeze time, baseline + limit + recovery (s)', value: (r) => r.freezeWholeS, digits: 2 },
    { label: 'packets dropped at the bottleneck', value: (r) => r.drops, digits: 0 },
    { label: `mean received kbps during the limit (payload; of ${limitKbit})`, value: (r) => r.limitedKbps, digits: 0 },
    { label: 'mean received kbps during the limit (payload + RTP headers)', value: (r) => r.limitedKbpsWithHeaders, digits: 0 },
    { label: 'frames decoded per second during the limit', value: (r) => r.limitedFps, digits: 1 },
    { label: "B's frame width at the end of the limited minute", value: (r) => r.limitedWidth, digits: 0 },
    { label: "changes of B's frame width during the limited minute", value: (r) => r.limitedWidthChanges, digits: 0 },
    { label: "B's frame width before the limit", value: (r) => r.preWidth, digits: 0 },
    { label: 'pre-limit received kbps (median over the baseline)', value: (r) => r.preKbps, digits: 0 },
    { label: 'call start → B first decodes ≥ 1200 wide (s)', value: (r) => r.firstWideS, digits: 1, missing: 'not in the warm-up' },
    { label: "A's encoder CPU-limited, limit → end (s)", value: (r) => r.senderCpuLimitedS, digits: 1 },
  ];
}

const fmt = (n: number, digits: number): string => n.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function cell(rounds: readonly RoundResult[], m: Metric): { text: string; median: number } {
  const values = rounds.map(m.value);
  const present = values.filter((v): v is number => v !== undefined && Number.isFinite(v));
  const absent = values.length - present.length;
  if (present.length === 0) return { text: `${m.missing ?? 'no value'} (${absent} of ${values.length})`, median: NaN };
  const mid = median(present);
  let text = `${fmt(mid, m.digits)} [${fmt(Math.min(...present), m.digits)}–${fmt(Math.max(...present), m.digits)}]`;
  if (absent > 0) text += `; ${m.missing ?? 'no value'} in ${absent} of ${values.length}`;
  return { text, median: mid };
}

export function summaryTable(sfu: readonly RoundResult[], direct: readonly RoundResult[], rows: readonly Metric[]): string {
  const out = ['| metric | SFU median [min–max] | direct median [min–max] | ratio SFU / direct |', '|---|---|---|---|'];
  for (const m of rows) {
    const a = cell(sfu, m);
    const b = cell(direct, m);
    const ratio = Number.isFinite(a.median) && Number.isFinite(b.median) && b.median !== 0 ? `${fmt(a.median / b.median, 2)}×` : '—';
    out.push(`| ${m.label} | ${a.text} | ${b.text} | ${ratio} |`);
  }
  return out.join('\n');
}

export function roundsTable(all: readonly { name: string; result: RoundResult }[]): string {
  const s = (v: number | undefined, d = 1): string => (v === undefined ? '—' : fmt(v, d));
  const out = [
    '| call | round | ≥ 1200 wide after s | width before | kbps before | adapt down s | width drop s | width at end of limit | width changes | freeze limited s | freeze whole s | drops | kbps limited | fps limited | recover s | encoder CPU-limited s |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const { name, result: r } of all) {
    out.push(
      `| ${name} | ${r.round} | ${s(r.firstWideS)} | ${r.preWidth} | ${s(r.preKbps, 0)} | ${s(seconds(r.adaptDownMs))} | ${s(seconds(r.widthDropMs))} | ${r.limitedWidth} | ${r.limitedWidthChanges} | ` +
        `${s(r.freezeLimitedS, 2)} | ${s(r.freezeWholeS, 2)} | ${r.drops} | ${s(r.limitedKbps, 0)} | ${s(r.limitedFps)} | ${s(seconds(r.recoverMs))} | ${s(r.senderCpuLimitedS)} |`,
    );
  }
  return out.join('\n');
}
