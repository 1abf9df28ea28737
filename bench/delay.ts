// Forwarding delay under load (npm run bench:delay): the delay Consommé and Janus add to each
// packet at a quarter, a half and three quarters of their fan-out capacity, less the delay of
// a bare Node UDP relay carrying the same stream to the same number of receivers.
//
// The feeder (bench/fanout/feeder.ts) stamps every packet with its send time
// (bench/fanout/stamp.ts); light viewers (SFUs) and plain receivers (relay) read the stamp on
// arrival. The process under test (SFU or relay) is pinned to core 0, the feeder and the
// receivers (this process) to core 1. Per round: each SFU with its viewers added level by
// level (one warm-up and window per level), then the relay at each N. Rounds alternate the
// order; figures are medians over rounds of per-round (SFU − relay at the same N).
//
// Capacity (viewers per core) comes from bench/.work/fanout-capacity.json (the fan-out knee
// run), else DELAY_CAPACITY="consomme:240,janus:360", else a calibration window per SFU.
//
// Environment: DELAY_SFUS (consomme,janus), DELAY_FRACTIONS (0.25,0.5,0.75), DELAY_ROUNDS (3),
// DELAY_WARMUP_S (3), DELAY_WINDOW_S (10), DELAY_CAL_N (40), DELAY_CAPACITY, DELAY_TRIAL=1,
// DELAY_WRITE=0 (leave bench/RESULTS.md and the plot alone).
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { generateDtlsCertificate, type DtlsCertificate } from '../packages/consomme/src/wire/dtls/certificate.js';
import { ensureClipFiles } from './fanout/clip.js';
import { pin } from './fanout/proc.js';
import { SFU_CORE, startConsomme, startJanus, type SfuUnderTest } from './fanout/sfus.js';
import { LightViewer } from './light-viewer/viewer.js';
import {
  capacityFromCalibration,
  levelsFor,
  median,
  parseCapacityOverride,
  readCapacityFile,
  reduceRounds,
  type Capacity,
  type DelayRow,
  type DelaySample,
  type SfuName,
} from './delay/levels.js';
import { assertNoOtherJanus } from './delay/guards.js';
import { PlainReceiver } from './delay/plain-receiver.js';
import { startFeeder, startRelay, type Child } from './delay/processes.js';
import { measureWindow, waitForTraffic, type WindowResult } from './delay/window.js';
import { machineLine, RESULTS_FILE, writeResultsSection } from './results-file.js';

const env = (k: string, d: string): string => process.env[k] ?? d;
const SFUS = env('DELAY_SFUS', 'consomme,janus').split(',') as SfuName[];
const FRACTIONS = env('DELAY_FRACTIONS', '0.25,0.5,0.75').split(',').map(Number);
const ROUNDS = Number(env('DELAY_ROUNDS', '3'));
const WARMUP_S = Number(env('DELAY_WARMUP_S', '3'));
const WINDOW_S = Number(env('DELAY_WINDOW_S', '10'));
const CAL_N = Number(env('DELAY_CAL_N', '40'));
const TRIAL = process.env['DELAY_TRIAL'] === '1' || WINDOW_S < 10 || ROUNDS < 3;
const WRITE = process.env['DELAY_WRITE'] !== '0';
const LOAD_CORE = 1;
const CAPACITY_FILE = fileURLToPath(new URL('./.work/fanout-capacity.json', import.meta.url));
const PLOT_FILE = fileURLToPath(new URL('./plots/delay-vs-load.png', import.meta.url));
// Viewers join in parallel batches of this size (sequential joins of hundreds take minutes).
const JOIN_BATCH = 20;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const fmt = (x: number, d = 0): string =>
  x === Infinity ? '≥200' : Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : '–';
const label = (s: SfuName): string => (s === 'consomme' ? 'Consommé' : 'Janus');

async function startSfu(name: SfuName): Promise<SfuUnderTest> {
  if (name === 'consomme') return startConsomme();
  await assertNoOtherJanus(20_000);
  return startJanus('/tmp/janus-bench');
}

async function addViewers(sfu: SfuUnderTest, viewers: LightViewer[], upTo: number, certificate: DtlsCertificate): Promise<void> {
  while (viewers.length < upTo) {
    const batch: LightViewer[] = [];
    for (let i = 0; i < Math.min(JOIN_BATCH, upTo - viewers.length); i++) batch.push(await LightViewer.create(certificate));
    viewers.push(...batch);
    await Promise.all(batch.map((v) => sfu.addViewer(v)));
  }
}

/** One SFU, one feeder, viewers added up to each level in turn; one window per level. */
async function runSfu(name: SfuName, levels: readonly number[], certificate: DtlsCertificate, warmupS: number, windowS: number): Promise<WindowResult[]> {
  const sfu = await startSfu(name);
  const viewers: LightViewer[] = [];
  let feeder: Child | undefined;
  try {
    const results: WindowResult[] = [];
    for (const n of [...levels].sort((a, b) => a - b)) {
      await addViewers(sfu, viewers, n, certificate);
      feeder ??= startFeeder(sfu.audio, sfu.video, LOAD_CORE);
      await waitForTraffic(viewers);
      await sleep(warmupS * 1000);
      const w = await measureWindow(viewers, sfu.pid, feeder.pid, windowS);
      console.log(`  ${name} N=${n}: p50 ${fmt(w.p50, 2)} ms, p99 ${fmt(w.p99, 2)} ms, loss ${fmt(w.lossPct, 2)}%, SFU CPU ${fmt(w.testedCpuPct, 1)}%, load core ${fmt(w.loadCpuPct, 1)}%`);
      results.push(w);
    }
    return results;
  } finally {
    await feeder?.stop();
    for (const v of viewers) v.close();
    await sfu.close();
  }
}

/** The bare relay at N plain receivers, with its own feeder. */
async function runRelay(n: number): Promise<WindowResult> {
  const receivers: PlainReceiver[] = [];
  let relay: (Child & { port: number }) | undefined;
  let feeder: Child | undefined;
  try {
    for (let i = 0; i < n; i++) receivers.push(await PlainReceiver.create());
    relay = await startRelay(
      receivers.map((r) => r.port),
      SFU_CORE,
      (WARMUP_S + WINDOW_S + 25) * 1000,
    );
    const target = { ip: '127.0.0.1', port: relay.port };
    feeder = startFeeder(target, target, LOAD_CORE);
    await waitForTraffic(receivers);
    await sleep(WARMUP_S * 1000);
    const w = await measureWindow(receivers, relay.pid, feeder.pid, WINDOW_S);
    console.log(`  relay N=${n}: p50 ${fmt(w.p50, 2)} ms, p99 ${fmt(w.p99, 2)} ms, loss ${fmt(w.lossPct, 2)}%, relay CPU ${fmt(w.testedCpuPct, 1)}%, load core ${fmt(w.loadCpuPct, 1)}%`);
    return w;
  } finally {
    await feeder?.stop();
    await relay?.stop();
    for (const r of receivers) r.close();
  }
}

async function capacities(certificate: DtlsCertificate): Promise<Map<SfuName, Capacity>> {
  const override = process.env['DELAY_CAPACITY'];
  const out = override ? parseCapacityOverride(override) : new Map<SfuName, Capacity>();
  const fromFile = readCapacityFile(CAPACITY_FILE, SFUS.filter((s) => !out.has(s)));
  for (const [name, cap] of fromFile ?? []) out.set(name, cap);
  for (const name of SFUS) {
    if (out.has(name)) continue;
    const [w] = await runSfu(name, [CAL_N], certificate, 2, 5);
    const cap = capacityFromCalibration(CAL_N, w!.testedCpuPct, w!.deliveredPps);
    out.set(name, {
      ...cap,
      source: `calibration: N=${CAL_N} for 5 s gave ${fmt(w!.testedCpuPct, 1)}% of a core for ${fmt(w!.deliveredPps)} packets/s, extrapolated to one full core`,
    });
  }
  return out;
}

function table(rows: DelayRow[], windows: { sfu: string; w: WindowResult }[]): string {
  const lines = [
    '| SFU | load (of capacity) | N | SFU p50 / p99 (ms) | bare relay p50 / p99 (ms) | **added p50 / p99 (ms)** | max loss | SFU CPU (median, % of a core) | CPU µs per delivered packet: SFU / bare relay (floor) | **SFU / floor** | load core CPU (max, %) |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  // CPU per delivered packet of each window, median over rounds: the relay at the same N is the floor.
  const usPerPacket = (ws: WindowResult[]): number => median(ws.map((w) => (w.deliveredPps > 0 ? (w.testedCpuPct / 100) * 1e6 / w.deliveredPps : NaN)));
  for (const r of rows) {
    const mine = windows.filter((x) => x.sfu === r.sfu && x.w.n === r.n).map((x) => x.w);
    const relay = windows.filter((x) => x.sfu === 'relay' && x.w.n === r.n).map((x) => x.w);
    const cpu = median(mine.map((w) => w.testedCpuPct));
    const sfuUs = usPerPacket(mine);
    const floorUs = usPerPacket(relay);
    const load = Math.max(...windows.filter((x) => x.w.n === r.n).map((x) => x.w.loadCpuPct));
    lines.push(
      `| ${label(r.sfu)} | ${Math.round(r.fraction * 100)}% | ${r.n} | ${fmt(r.sfuP50, 2)} / ${fmt(r.sfuP99, 2)} | ${fmt(r.relayP50, 2)} / ${fmt(r.relayP99, 2)} | ` +
        `**${fmt(r.addedP50, 2)} / ${fmt(r.addedP99, 2)}** | ${fmt(r.maxLossPct, 2)}% | ${fmt(cpu, 1)} | ${fmt(sfuUs, 1)} / ${fmt(floorUs, 1)} | **${fmt(sfuUs / floorUs, 1)}×** | ${fmt(load, 0)} |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  // bench/packet-path/udp-relay.ts exits on its own after 90 s.
  if (WARMUP_S + WINDOW_S > 60) throw new Error('DELAY_WARMUP_S + DELAY_WINDOW_S must stay within 60 s (the relay lives at most 90 s)');
  pin(process.pid, LOAD_CORE);
  if (SFUS.includes('janus')) await assertNoOtherJanus();
  ensureClipFiles();
  const started = Date.now();
  const loadAvg = os.loadavg()[0]!;
  const certificate = await generateDtlsCertificate();
  const caps = await capacities(certificate);
  const levels = new Map<SfuName, number[]>(SFUS.map((s) => [s, levelsFor(caps.get(s)!.n, FRACTIONS)]));
  for (const s of SFUS) console.log(`${s}: capacity ${caps.get(s)!.n} viewers (${caps.get(s)!.source}); levels N=${levels.get(s)!.join(', ')}`);
  const relayNs = [...new Set([...levels.values()].flat())].sort((a, b) => a - b);

  const sfuSamples = new Map<SfuName, DelaySample[]>(SFUS.map((s) => [s, []]));
  const relaySamples: DelaySample[] = [];
  const windows: { sfu: string; w: WindowResult }[] = [];
  const sample = (round: number, w: WindowResult): DelaySample => ({ round, n: w.n, p50: w.p50, p99: w.p99, lossPct: w.lossPct });
  for (let round = 0; round < ROUNDS; round++) {
    console.log(`round ${round + 1} of ${ROUNDS}`);
    const steps: (SfuName | 'relay')[] = [...SFUS, 'relay'];
    if (round % 2 === 1) steps.reverse();
    for (const step of steps) {
      if (step === 'relay') {
        for (const n of relayNs) {
          const w = await runRelay(n);
          relaySamples.push(sample(round, w));
          windows.push({ sfu: 'relay', w });
        }
        continue;
      }
      for (const w of await runSfu(step, levels.get(step)!, certificate, WARMUP_S, WINDOW_S)) {
        sfuSamples.get(step)!.push(sample(round, w));
        windows.push({ sfu: step, w });
      }
    }
  }

  const rows = SFUS.flatMap((s) => FRACTIONS.map((f, i) => reduceRounds(s, f, levels.get(s)![i]!, sfuSamples.get(s)!, relaySamples)));
  const body = table(rows, windows);
  console.log(`\n${body}`);
  const loadBound = windows.filter((x) => x.w.loadCpuPct >= 85).map((x) => `${x.sfu} N=${x.w.n}`);
  const knobs = ['DELAY_SFUS', 'DELAY_FRACTIONS', 'DELAY_ROUNDS', 'DELAY_WARMUP_S', 'DELAY_WINDOW_S', 'DELAY_CAL_N', 'DELAY_CAPACITY', 'DELAY_TRIAL'].filter((k) => process.env[k]);
  const section = [
    `## Forwarding delay under load (Consommé vs Janus, less a bare relay)${TRIAL ? ' — TRIAL (short, not for quoting)' : ''}`,
    '',
    `Command: \`${knobs.map((k) => `${k}=${process.env[k]} `).join('')}npm run bench:delay\` (bench/delay.ts). Date: ${new Date().toISOString()}. ` +
      machineLine(loadAvg, started),
    '',
    `Capacity (viewers per core): ${SFUS.map((s) => `${label(s)} ${caps.get(s)!.n} (${caps.get(s)!.source})`).join('; ')}.`,
    '',
    `Load: the fan-out feeder (VP8 1 Mbit/s + Opus, about 179 packets/s, each stamped with its send time in RTP padding) into the SFU, N light viewers (ICE, DTLS, SRTP). ` +
      `The bare relay (bench/packet-path/udp-relay.ts: receive one, send N, no crypto) carries the same feeder stream to N plain UDP receivers that read the stamp the same way. ` +
      `SFU or relay pinned to core 0; feeder and receivers on core 1. Per round: each SFU with viewers added level by level (warm-up ${WARMUP_S} s, window ${WINDOW_S} s per level), then the relay at each N; ` +
      `${ROUNDS} round(s), order reversed every other round. Delay = receive time − feeder stamp (CLOCK_MONOTONIC, loopback). ` +
      '"Added" = median over rounds of (SFU quantile − relay quantile at the same N in the same round): the relay holds the feeder, kernel, loopback and receiver share. ' +
      'The relay receivers skip SRTP, so their share is slightly smaller and "added" errs high. The relay is also the platform floor for CPU: SFU / floor is the CPU per delivered packet of the SFU over that of the relay at the same N in the same run (the relay does no crypto and no RTCP). Load core CPU near 100% would mean the receivers, not the SFU, set the delay. ' +
      '"≥200": the quantile is past the viewers\' 200 ms histogram (the SFU is queueing; left out of the plot); "–": nothing to subtract.',
    '',
    body,
    '',
    loadBound.length
      ? `The load core (feeder and receivers) passed 85% in: ${loadBound.join(', ')}. There part of the delay is the receivers' own queueing (their SRTP, which the relay's receivers skip), so "added" overstates the SFU's share.`
      : 'The load core (feeder and receivers) stayed under 85% in every window.',
    '',
    '![delay against load](plots/delay-vs-load.png)',
  ].join('\n');
  if (WRITE) {
    writeResultsSection('delay', section);
    console.log(`updated ${RESULTS_FILE}`);
    const { writeLinePlot } = await import('./plot.js');
    await writeLinePlot(PLOT_FILE, {
      title: 'Forwarding delay added over a bare relay, against load',
      xLabel: 'load (% of the SFU’s fan-out capacity)',
      yLabel: 'added delay (ms)',
      series: SFUS.flatMap((s) =>
        (['p50', 'p99'] as const).map((q) => ({
          name: `${label(s)} ${q}`,
          points: rows.filter((r) => r.sfu === s).map((r): [number, number] => [r.fraction * 100, q === 'p50' ? r.addedP50 : r.addedP99]),
        })),
      ),
    });
    console.log(`wrote ${PLOT_FILE}`);
  } else {
    console.log('(DELAY_WRITE=0: bench/RESULTS.md and the plot left as is)');
  }
}

await main();
