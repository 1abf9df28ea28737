// The fan-out loss knee (npm run bench:fanout:knee): for each SFU, the largest N whose loss
// stays under 0.5% on the fan-out load of bench/fanout.ts (same feeder, light viewers,
// pinning; one measurement per probe, see bench/fanout/knee.ts for the search). Also checks
// that the load client is not the limit: the viewers' process and the feeder share core 1,
// and their CPU is reported at every probe; a probe where they reach 90% stops the climb.
//
// Writes bench/.work/fanout-capacity.json ({ consomme: {n, pps}, janus: {n, pps}, date }),
// read by the delay benchmark, its section of bench/RESULTS.md and bench/plots/fanout-knee.png.
//
// Environment: FANOUT_SFUS (consomme,janus), FANOUT_KNEE_START (100), FANOUT_KNEE_STEP (50),
// FANOUT_KNEE_MAX (600), FANOUT_KNEE_RESOLUTION (10), FANOUT_WARMUP_S (5),
// FANOUT_KNEE_WINDOW_S (10). FANOUT_WRITE=0 writes nothing (a trial).
import { fileURLToPath } from 'node:url';
import { CAPACITY_FILE, findKnee, writeCapacity, type KneeResult } from './fanout/knee.js';
import { CLIENT_LIMIT_PCT, LOAD_CORE, clipPacketRate, runOneWithRetry, startFanoutRun, type Row, type SfuName } from './fanout/run-one.js';
import { fmt, ppsPerCore } from './fanout/summary.js';
import { writeLinePlot } from './plot.js';
import { machineLine, RESULTS_FILE, writeResultsSection } from './results-file.js';

const num = (key: string, fallback: number): number => Number(process.env[key] ?? fallback);
const SFUS = (process.env['FANOUT_SFUS'] ?? 'consomme,janus').split(',') as SfuName[];
const OPTIONS = {
  start: num('FANOUT_KNEE_START', 100),
  step: num('FANOUT_KNEE_STEP', 50),
  max: num('FANOUT_KNEE_MAX', 600),
  resolution: num('FANOUT_KNEE_RESOLUTION', 10),
};
const WARMUP_S = num('FANOUT_WARMUP_S', 5);
const WINDOW_S = num('FANOUT_KNEE_WINDOW_S', 10);
const WRITE = process.env['FANOUT_WRITE'] !== '0';
// Kept under the 15 minutes a bench may take, shared equally by the SFUs.
const BUDGET_S = num('FANOUT_KNEE_BUDGET_S', 780);
const ENV_KEYS = ['FANOUT_SFUS', 'FANOUT_KNEE_START', 'FANOUT_KNEE_STEP', 'FANOUT_KNEE_MAX', 'FANOUT_KNEE_RESOLUTION', 'FANOUT_WARMUP_S', 'FANOUT_KNEE_WINDOW_S', 'FANOUT_KNEE_BUDGET_S'];
const KNEE_PLOT = fileURLToPath(new URL('./plots/fanout-knee.png', import.meta.url));
const LABEL: Record<SfuName, string> = { consomme: 'Consommé', janus: 'Janus 1.1.2' };

const BOUND_TEXT = {
  loss: 'the next probe lost 0.5% or more, or fell behind (viewers got under 90% of the offered rate)',
  max: `no loss up to FANOUT_KNEE_MAX: a lower bound`,
  client: `the load core was the limit (viewers + feeder reached ${CLIENT_LIMIT_PCT}% of core 1), so this is a lower bound`,
  time: 'the time budget (FANOUT_KNEE_BUDGET_S) ran out: the search is unfinished, the figure a lower bound',
};

function probeTable(results: Map<SfuName, KneeResult<Row>>): string {
  const lines = [
    '| SFU | probe | N | loss (%) | SFU CPU (% of a core) | delivered packets/s | per viewer | packets/s per core | viewers / feeder CPU (% of core 1) | PLI / NACK at viewers |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const [sfu, k] of results) {
    k.probes.forEach(({ n, result: r }, i) => {
      lines.push(
        `| ${sfu} | ${i + 1} | ${n} | ${fmt(r.lossPct, 2)}${r.silentViewers ? ` (${r.silentViewers} viewers got nothing)` : ''}${r.behind ? ' (behind)' : ''} | ${fmt(r.cpuPct, 1)} | ${fmt(r.deliveredPps)} | ${fmt(r.perViewerPps)} | ${fmt(ppsPerCore(r))} | ${fmt(r.viewerCpuPct)} / ${fmt(r.feederCpuPct)}${r.clientLimited ? ' (client-limited)' : ''} | ${r.viewerPli} / ${r.viewerNack} |`,
      );
    });
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { started, load, certificate } = await startFanoutRun();
  const results = new Map<SfuName, KneeResult<Row>>();
  for (const [index, sfu] of SFUS.entries()) {
    const deadline = started + ((index + 1) * BUDGET_S * 1000) / SFUS.length;
    const result = await findKnee(async (n) => {
      const row = await runOneWithRetry(sfu, n, certificate, { warmupS: WARMUP_S, windowS: WINDOW_S });
      console.log(
        `${sfu} N=${n}: loss ${fmt(row.lossPct, 2)}%, CPU ${fmt(row.cpuPct, 1)}%, ${fmt(row.deliveredPps)} packets/s, viewers ${fmt(row.viewerCpuPct)}% + feeder ${fmt(row.feederCpuPct)}% of core ${LOAD_CORE}` +
          ` (${Math.round((Date.now() - started) / 1000)} s in)`,
      );
      return row;
    }, { ...OPTIONS, outOfTime: () => Date.now() > deadline });
    results.set(sfu, result);
    console.log(`${sfu}: knee N=${result.n} (${BOUND_TEXT[result.bound]})`);
  }

  const summary = [...results].map(([sfu, k]) => {
    const r = k.atKnee;
    return (
      `- **${LABEL[sfu]}: N = ${k.n}**${r ? ` — ${fmt(r.deliveredPps)} packets/s delivered, SFU CPU ${fmt(r.cpuPct, 1)}% of a core (${fmt(ppsPerCore(r))} packets/s per core), loss ${fmt(r.lossPct, 2)}%, ` + `load core: viewers ${fmt(r.viewerCpuPct)}% + feeder ${fmt(r.feederCpuPct)}%` : ''}; ended because ${BOUND_TEXT[k.bound]}.`
    );
  });
  const ours = results.get('consomme');
  const janus = results.get('janus');
  const body = [...summary, '', probeTable(results)].join('\n');
  console.log(`\n${body}`);
  if (!WRITE) {
    console.log('(FANOUT_WRITE=0: nothing written)');
    return;
  }
  const date = new Date().toISOString();
  if (ours && janus) {
    writeCapacity({
      consomme: { n: ours.n, pps: Math.round(ours.atKnee?.deliveredPps ?? 0) },
      janus: { n: janus.n, pps: Math.round(janus.atKnee?.deliveredPps ?? 0) },
      date,
    });
  }
  await writeLinePlot(KNEE_PLOT, {
    title: 'Fan-out 1 → N: loss at each knee probe',
    xLabel: 'N viewers',
    yLabel: 'loss at the viewers (%)',
    // The last probe at each N (a confirmation replaces the first try).
    series: [...results].map(([sfu, k]) => ({ name: LABEL[sfu], points: [...new Map(k.probes.map((p) => [p.n, p.result.lossPct])).entries()] })),
  });
  const envs = ENV_KEYS.filter((k) => process.env[k]).map((k) => `${k}=${process.env[k]}`);
  const section = [
    '## Fan-out capacity: the loss knee (Consommé vs Janus)',
    '',
    `Command: \`${[...envs, 'npm run bench:fanout:knee'].join(' ')}\` (bench/fanout-knee.ts). Date: ${date}. ${machineLine(load, started)}`,
    '',
    `The fan-out load of the section above (same feeder, light viewers with receiver reports, SFU on core 0, feeder and viewers on core 1). ` +
      `Search: N = ${OPTIONS.start}, ${OPTIONS.start + OPTIONS.step}, … (up to ${OPTIONS.max}) until loss reaches 0.5%, then bisection to ${OPTIONS.resolution}, and the answer measured again (a pass that does not repeat steps down). ` +
      `One measurement per probe: warm-up ${WARMUP_S} s, window ${WINDOW_S} s; time budget ${BUDGET_S} s, shared by the SFUs. ` +
      `The clip's rate is ${fmt(clipPacketRate(), 1)} packets/s per viewer. The largest N under 0.5% loss:`,
    '',
    body,
    '',
    ours && janus ? `Written to \`bench/.work/fanout-capacity.json\` for the delay benchmark.` : '(Only one SFU measured: no capacity file written.)',
    '',
    '![loss against N at each knee probe](plots/fanout-knee.png)',
  ].join('\n');
  writeResultsSection('fanout-knee', section);
  console.log(`updated ${RESULTS_FILE}, bench/plots/fanout-knee.png${ours && janus ? `, ${CAPACITY_FILE}` : ''}`);
}

await main();
