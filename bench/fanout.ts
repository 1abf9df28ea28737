// Fan-out 1 → N: Consommé against Janus on the same load (npm run bench:fanout).
//
// One feeder (bench/fanout/feeder.ts: a pre-encoded 1 Mbit/s VP8 640x360@30 clip + Opus,
// replayed as plain RTP, stamped with its send time) and N light viewers
// (bench/light-viewer/: ICE, DTLS, SRTP, counting, RTCP receiver reports, no decoding),
// identical for both SFUs. The SFU is pinned to core 0; the feeder (own process) and this
// process (the viewers) to core 1. Per round, N and SFU (bench/fanout/run-one.ts): warm-up,
// then a window over which we measure the SFU's CPU (/proc/PID/stat of its process tree),
// packets delivered at the viewers, loss from sequence gaps, RSS, forwarding delay (viewer
// receive time − feeder stamp), the PLI/NACK/RTCP counts and the load core's CPU. The two
// SFUs alternate within each round (and which goes first alternates between rounds) so that
// a slow drift of the machine hits both alike; cells are medians over the rounds.
//
// The loss knee (largest N under 0.5% loss) is a separate command, npm run bench:fanout:knee
// (bench/fanout-knee.ts), to keep each under 15 minutes; this section quotes its last result.
//
// Environment: FANOUT_NS (default 1,5,20,40,80), FANOUT_SFUS (consomme,janus), FANOUT_ROUNDS
// (3), FANOUT_WARMUP_S (5), FANOUT_WINDOW_S (15). A run with a window under 15 s, or with
// FANOUT_TRIAL=1, is labelled a trial. FANOUT_WRITE=0 leaves bench/RESULTS.md and the plots alone.
// The window is 15 s rather than the single 20 s of shared/BENCH.md so that 3 rounds × 5 N ×
// 2 SFUs (45 s of measurement per cell) finish in about 11 minutes, under the 15 allowed.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CAPACITY_FILE, type Capacity } from './fanout/knee.js';
import { LOAD_CORE, runOneWithRetry, startFanoutRun, type Row, type SfuName } from './fanout/run-one.js';
import { cellsTable, fmt, ratios, rssPerViewer, summarize, type Cell } from './fanout/summary.js';
import { writeLinePlot } from './plot.js';
import { machineLine, RESULTS_FILE, writeResultsSection } from './results-file.js';

const NS = (process.env['FANOUT_NS'] ?? '1,5,20,40,80').split(',').map(Number);
const SFUS = (process.env['FANOUT_SFUS'] ?? 'consomme,janus').split(',') as SfuName[];
const ROUNDS = Math.max(1, Number(process.env['FANOUT_ROUNDS'] ?? 3));
const WARMUP_S = Number(process.env['FANOUT_WARMUP_S'] ?? 5);
const WINDOW_S = Number(process.env['FANOUT_WINDOW_S'] ?? 15);
const TRIAL = process.env['FANOUT_TRIAL'] === '1' || WINDOW_S < 15;
// Per measurement beyond warm-up and window: SFU start, viewers joining, teardown (measured here).
const OVERHEAD_S = 2.5;
const WRITE = process.env['FANOUT_WRITE'] !== '0';
const ENV_KEYS = ['FANOUT_NS', 'FANOUT_SFUS', 'FANOUT_ROUNDS', 'FANOUT_WARMUP_S', 'FANOUT_WINDOW_S', 'FANOUT_TRIAL'];
const CPU_PLOT = fileURLToPath(new URL('./plots/fanout-cpu.png', import.meta.url));
const PPS_PLOT = fileURLToPath(new URL('./plots/fanout-pps-per-core.png', import.meta.url));
const LABEL: Record<SfuName, string> = { consomme: 'Consommé', janus: 'Janus 1.1.2' };

function series(cells: readonly Cell[], pick: (c: Cell) => number): { name: string; points: [number, number][] }[] {
  return SFUS.map((sfu) => ({ name: LABEL[sfu], points: cells.filter((c) => c.sfu === sfu).map((c): [number, number] => [c.n, pick(c)]) }));
}

function capacityLine(): string {
  if (!existsSync(CAPACITY_FILE)) return 'Capacity (largest N under 0.5% loss): not measured yet; run `npm run bench:fanout:knee`.';
  try {
    const c = JSON.parse(readFileSync(CAPACITY_FILE, 'utf8')) as Capacity;
    return (
      `Capacity (largest N under 0.5% loss, from \`npm run bench:fanout:knee\` of ${c.date}; see its section): ` +
      `Consommé N=${c.consomme.n} (${fmt(c.consomme.pps)} packets/s delivered), Janus N=${c.janus.n} (${fmt(c.janus.pps)} packets/s).`
    );
  } catch {
    return `Capacity: ${CAPACITY_FILE} is unreadable; run \`npm run bench:fanout:knee\`.`;
  }
}

async function main(): Promise<void> {
  const { started, load, certificate } = await startFanoutRun();
  const rows: Row[] = [];
  const runs = ROUNDS * NS.length * SFUS.length;
  console.log(`${runs} measurements, about ${Math.ceil((runs * (WARMUP_S + WINDOW_S + OVERHEAD_S)) / 60)} minutes`);
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? SFUS : [...SFUS].reverse();
    for (const n of NS) {
      for (const sfu of order) {
        const row = await runOneWithRetry(sfu, n, certificate, { warmupS: WARMUP_S, windowS: WINDOW_S });
        rows.push(row);
        console.log(
          `round ${round + 1}/${ROUNDS} ${sfu} N=${n}: CPU ${fmt(row.cpuPct, 1)}%, ${fmt(row.deliveredPps)} packets/s delivered, loss ${fmt(row.lossPct, 2)}%, ` +
            `viewers ${fmt(row.viewerCpuPct)}% + feeder ${fmt(row.feederCpuPct)}% of core ${LOAD_CORE}`,
        );
      }
    }
  }
  // Cells in N order, ours before Janus.
  const cells = summarize(rows).sort((a, b) => a.n - b.n || SFUS.indexOf(a.sfu) - SFUS.indexOf(b.sfu));
  const ratioList = ratios(cells);
  const body = [
    cellsTable(cells),
    '',
    ratioList.length
      ? `Ours / Janus, delivered packets per core-second from the medians (higher is better for us): ${ratioList.map((r) => `N=${r.n}: **${fmt(r.ratio, 2)}×**`).join(', ')}.`
      : 'No N with both SFUs: no ratio.',
    '',
    `SFU memory per viewer (RSS slope between the smallest and largest N): ${
      rssPerViewer(cells).map((r) => `${r.sfu === 'consomme' ? 'Consommé' : 'Janus'} ${fmt(r.kib)} KiB (N=${r.from}→${r.to})`).join(', ') || 'one N only'
    }.`,
  ].join('\n');
  console.log(`\n${body}`);
  if (!WRITE) {
    console.log('(FANOUT_WRITE=0: bench/RESULTS.md and the plots left as is)');
    return;
  }
  await writeLinePlot(CPU_PLOT, {
    title: 'Fan-out 1 → N: SFU CPU (median over rounds)',
    xLabel: 'N viewers',
    yLabel: 'SFU CPU (% of one core)',
    series: series(cells, (c) => c.cpuPct.median),
  });
  await writeLinePlot(PPS_PLOT, {
    title: 'Fan-out 1 → N: delivered packets/s per core (median)',
    xLabel: 'N viewers',
    yLabel: 'delivered packets per core-second',
    series: series(cells, (c) => c.ppsPerCore.median),
  });
  const envs = ENV_KEYS.filter((k) => process.env[k]).map((k) => `${k}=${process.env[k]}`);
  const section = [
    `## Fan-out 1 → N (Consommé vs Janus)${TRIAL ? ' — TRIAL (short window, not for quoting)' : ''}`,
    '',
    `Command: \`${[...envs, 'npm run bench:fanout'].join(' ')}\` (bench/fanout.ts). ` +
      `Date: ${new Date().toISOString()}. ${machineLine(load, started)}`,
    '',
    `Load: one plain-RTP feeder (pre-encoded VP8 640x360@30 CBR 1 Mbit/s + Opus 64 kbit/s, looped with continuous sequence numbers, timestamps and picture ids, per-frame bursts) into the SFU, ` +
      `N light viewers (our ICE/DTLS/SRTP, counting only, an SRTCP receiver report with SDES about once a second, no NACK/PLI). SFU pinned to core 0; feeder and viewers on core 1. ` +
      `${ROUNDS} round${ROUNDS > 1 ? 's' : ''}; in each, both SFUs per N one after the other (the first alternates by round); warm-up ${WARMUP_S} s, window ${WINDOW_S} s. ` +
      'Cells: median [min–max] over the rounds (RSS, delay and load core: median; PLI/NACK/RR counts: sums). ' +
      'Consommé: PlainTransport (comedia) → WebRtcTransports on one WebRtcServer; Janus 1.1.2 (Debian): streaming mountpoint 1, restarted for every measurement. Neither side negotiates RTP header extensions with the viewers. ' +
      'CPU from /proc/PID/stat (utime+stime, all threads, whole process tree). Delay = viewer receive time − feeder stamp (RTP padding, both SFUs forward it), loopback, no bare-relay subtraction (see the delay section). ' +
      `"Load core" is this process (all N viewers) and the feeder, % of core ${LOAD_CORE}; "client-limited" marks a cell where they reach 90%, so its loss would be the client's; "behind": a round where the viewers got under 90% of the offered rate (a growing queue).`,
    '',
    body,
    '',
    capacityLine(),
    '',
    '![SFU CPU against N](plots/fanout-cpu.png) ![delivered packets per core-second against N](plots/fanout-pps-per-core.png)',
  ].join('\n');
  writeResultsSection('fanout', section);
  console.log(`updated ${RESULTS_FILE}, bench/plots/fanout-cpu.png, bench/plots/fanout-pps-per-core.png`);
}

await main();
