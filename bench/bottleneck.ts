// Congestion control under a 300 kbit/s bottleneck: Consommé against a direct
// Chromium-to-Chromium call over the same bottleneck (npm run bench:bottleneck).
//
// Both calls send Chromium's 1280x720 fake camera from page A to page B (bench/bottleneck/calls.ts).
// SFU: three VP8 simulcast layers through Consommé, limited on the SFU → B flow. Direct: one
// VP8 encoding over a plain RTCPeerConnection, limited on A's sending port. Per round
// (bench/bottleneck/round.ts): warm up at least 10 s and until B decodes ≥ 1200 wide (at most 30 s), a 5-s
// baseline, 60 s at 300 kbit/s (an HTB class on lo, e2e/lib/bottleneck.ts), then the limit is
// lifted and B is watched 30 s more; B is sampled every 250 ms. The figures are defined in
// bench/bottleneck/metrics.ts. Rounds alternate SFU, direct, SFU, …
//
// tc runs only inside a private network namespace: the script re-runs itself under
// `unshare -n` (bench/bottleneck/isolate.ts).
//
// Environment: BOTTLENECK_ROUNDS (3). BOTTLENECK_SMOKE=1: one short round of each call to
// check the rig, RESULTS.md left alone. BOTTLENECK_REPORT=<json>: recompute the figures and rewrite
// the section from a saved run (bench/.work/bottleneck-run.json) without measuring.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureIsolated } from './bottleneck/isolate.js';
import { figures, type Thresholds } from './bottleneck/metrics.js';
import { metrics, roundsTable, summaryTable, type RoundResult } from './bottleneck/report.js';
import { runRound, type RoundRecord, type Timeline } from './bottleneck/round.js';
import { startDirectCall, startSfuCall, type Call } from './bottleneck/calls.js';
import { launchChromium, startPageServer } from '../e2e/lib/browser.js';
import { writeResultsSection } from './results-file.js';

const SMOKE = process.env['BOTTLENECK_SMOKE'] === '1';
const REPORT = process.env['BOTTLENECK_REPORT'];
const ROUNDS = SMOKE ? 1 : Number(process.env['BOTTLENECK_ROUNDS'] ?? 3);
// A smoke run must not overwrite the saved full run.
const RUN_FILE = fileURLToPath(new URL(SMOKE ? './.work/bottleneck-smoke.json' : './.work/bottleneck-run.json', import.meta.url));
/** The file each new worker process starts from: its mtime tells which build of Consommé a round ran. */
const WORKER_MAIN = fileURLToPath(new URL('../packages/consomme/dist/worker/main.js', import.meta.url));

const TIMELINE: Timeline = SMOKE
  ? { warmMinMs: 3000, warmWidth: 1200, warmMaxMs: 30_000, baselineMs: 3000, limitKbit: 300, limitMs: 15_000, recoverMs: 10_000, sampleEveryMs: 250 }
  : { warmMinMs: 10_000, warmWidth: 1200, warmMaxMs: 30_000, baselineMs: 5000, limitKbit: 300, limitMs: 60_000, recoverMs: 30_000, sampleEveryMs: 250 };
const THRESHOLDS: Thresholds = { adaptedKbps: 330, holdMs: 3000, recoverShare: 0.8 };

interface Meta {
  date: string;
  machine: string;
  command: string;
  commit: string;
  chromium: string;
  load: number;
  loads: number[];
  cores: number;
  seconds: number;
}

/** What one run saves to bench/.work/bottleneck-run.json: enough to recompute every figure. */
interface Run {
  meta: Meta;
  /** workerBuild: mtime of the worker entry when the round's worker started (SFU rounds). */
  rounds: (RoundRecord & { call: Call['name']; round: number; workerBuild?: string })[];
}

const secondsOf = (ms: number | undefined): string => (ms === undefined ? 'never' : `${(ms / 1000).toFixed(1)} s`);

function result(rec: Run['rounds'][number]): RoundResult {
  const f = figures(rec.samples, rec.marks, THRESHOLDS);
  return { ...f, round: rec.round, firstWideS: rec.firstWideMs === undefined ? undefined : rec.firstWideMs / 1000, drops: rec.drops, senderCpuLimitedS: rec.senderCpuLimitedS };
}

async function measure(): Promise<Run> {
  if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error(`BOTTLENECK_ROUNDS must be a positive integer, got ${process.env['BOTTLENECK_ROUNDS']}`);
  ensureIsolated();
  execFileSync('tc', ['-V'], { stdio: 'ignore' }); // fails clearly without iproute2
  const started = Date.now();
  const load = os.loadavg()[0] ?? 0;
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  // Real loopback addresses in B's candidates too (B never asks for the camera, so Chromium would hide them behind mDNS names).
  const browser = await launchChromium(['--disable-features=WebRtcHideLocalIpsWithMdns']);
  const chromium = browser.version();
  const pages = await startPageServer();
  const rounds: Run['rounds'] = [];
  const loads: number[] = [];
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      for (const start of [startSfuCall, startDirectCall]) {
        loads.push(os.loadavg()[0] ?? 0);
        const workerBuild = statSync(WORKER_MAIN).mtime.toISOString();
        const call = await start(browser, pages.url);
        try {
          const rec = { call: call.name, round, ...(call.name === 'sfu' ? { workerBuild } : {}), ...(await runRound(call, TIMELINE)) };
          rounds.push(rec);
          const f = result(rec);
          console.log(
            `${call.name} round ${round}: ${f.preWidth} wide before the limit, ${f.preKbps.toFixed(0)} kbps; ` +
              `adapt down ${secondsOf(f.adaptDownMs)}, width drop ${secondsOf(f.widthDropMs)} (→ ${f.limitedWidth}), freezes ${f.freezeLimitedS.toFixed(2)} s limited, ` +
              `${f.drops} drops, ${f.limitedKbps.toFixed(0)} kbps limited, recover ${secondsOf(f.recoverMs)}`,
          );
        } finally {
          await call.close();
        }
      }
    }
  } finally {
    await browser.close();
    await pages.close();
  }
  const cpu = os.cpus();
  const env = ['BOTTLENECK_ROUNDS', 'BOTTLENECK_SMOKE'].filter((k) => process.env[k]).map((k) => `${k}=${process.env[k]} `).join('');
  const run: Run = {
    meta: {
      date: new Date().toISOString(),
      machine: `${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores, Node ${process.version}, linux ${os.release()}`,
      command: `${env}npm run bench:bottleneck`,
      commit,
      chromium,
      load,
      loads,
      cores: cpu.length,
      seconds: Math.round((Date.now() - started) / 1000),
    },
    rounds,
  };
  mkdirSync(dirname(RUN_FILE), { recursive: true });
  writeFileSync(RUN_FILE, JSON.stringify(run));
  return run;
}

function section(run: Run): string {
  const { meta } = run;
  const sfu = run.rounds.filter((r) => r.call === 'sfu').map(result);
  const direct = run.rounds.filter((r) => r.call === 'direct').map(result);
  const builds = [...new Set(run.rounds.map((r) => r.workerBuild).filter((b) => b !== undefined))];
  const buildNote =
    builds.length <= 1
      ? `Consommé worker build (packages/consomme/dist) of ${builds[0] ?? 'unknown time'}.`
      : `**packages/consomme/dist was rebuilt during the run**: ${builds.map((b) => `SFU round${run.rounds.filter((r) => r.workerBuild === b).length > 1 ? 's' : ''} ${run.rounds.filter((r) => r.workerBuild === b).map((r) => r.round).join(', ')}: worker build ${b}`).join('; ')}.`;
  const tl = TIMELINE;
  const rows = metrics(tl.limitKbit, THRESHOLDS.adaptedKbps, THRESHOLDS.holdMs / 1000, THRESHOLDS.recoverShare, tl.recoverMs / 1000);
  return [
    `## Congestion control under a ${tl.limitKbit} kbit/s bottleneck (Consommé vs a direct Chromium call)${SMOKE ? ' — SMOKE (short timeline, not for quoting)' : ''}`,
    '',
    `Command: \`${meta.command}\` (bench/bottleneck.ts). Date: ${meta.date}. Machine: ${meta.machine}, Chromium ${meta.chromium}, commit ${meta.commit}, ` +
      `1-min load average ${meta.load.toFixed(2)} at start and ${Math.min(...meta.loads).toFixed(2)}–${Math.max(...meta.loads).toFixed(2)} at the rounds' starts; the run took ${meta.seconds} s. ${buildNote}`,
    '',
    `Both calls send Chromium's 1280x720 fake camera (VP8) from page A to page B in one headless Chromium, in a private network namespace (loopback only). ` +
      `**SFU**: A → Consommé → B with the unmodified mediasoup-client v3, three simulcast layers (320/640/1280 wide, maxBitrate 150k/500k/1.2M); the bottleneck is on the UDP flow from B's WebRtcTransport port. ` +
      `**Direct**: one RTCPeerConnection per page, loopback UDP host candidates only, one VP8 encoding with maxBitrate 1.2M (no simulcast, as a direct call sends); the bottleneck is on the UDP flow from A's selected local candidate port. ` +
      `The bottleneck (e2e/lib/bottleneck.ts) is an HTB class at ${tl.limitKbit} kbit/s with a 20,000-byte FIFO, matched by UDP source port; feedback from B is not limited in either call. ` +
      `Per round: warm-up of at least ${tl.warmMinMs / 1000} s and until B decodes ≥ ${tl.warmWidth} wide (at most ${tl.warmMaxMs / 1000} s), a ${tl.baselineMs / 1000}-s baseline, ${tl.limitMs / 1000} s limited, then lifted and watched ${tl.recoverMs / 1000} s; ` +
      `B's inbound-rtp sampled every ${tl.sampleEveryMs} ms. ${sfu.length} rounds per call, alternating SFU and direct; median [min–max] over the rounds.`,
    '',
    summaryTable(sfu, direct, rows),
    '',
    'What the rows mean:',
    '',
    `- B's rate is inbound-rtp \`bytesReceived\` (RTP payload, no headers or padding) over the second ending at each sample. "Adapt down" is the time from the limit to the start of the first ${THRESHOLDS.holdMs / 1000}-s run in which every sample is at or below ${THRESHOLDS.adaptedKbps} kbps (10% over the limit, for sampling jitter). Once the rate window lies wholly after the limit, B cannot receive faster than the link plus what its FIFO held, whatever the sender does, so this row is about the 1-s window plus the queue drain for both calls: it shows that B's rate follows the link, not how fast the sender reacts. The sender's reaction shows in the width-drop, drops and first-10-s freeze rows.`,
    "- \"Width first drops\" is the first sample after the limit where B's `frameWidth` is below its pre-limit value. For the SFU that is Consommé switching B to a lower simulcast layer (at a keyframe); for the direct call it is A's encoder scaling down (WebRTC's quality scaler / bandwidth-driven resolution), so the two measure different mechanisms reaching the same effect.",
    `- "Recover" is the time from the lift to the first sample where B is back at its pre-limit width and its rate is at least ${Math.round(THRESHOLDS.recoverShare * 100)}% of the pre-limit median (the baseline window); "not within ${tl.recoverMs / 1000} s" counts rounds that did not get there.`,
    "- Freeze time is the growth of inbound-rtp `totalFreezesDuration` (Chromium's freeze: a frame gap over max(3 × mean frame interval, mean + 150 ms)): over the limited minute, and from the baseline's start to the end of the round.",
    '- Drops are packets the bottleneck FIFO discarded (tc -s), read just before the lift; they include RTX and probe packets. Mean kbps during the limit is bytes received over the whole limited period (including the queue drain at its start) divided by its length; with RTP headers added it is closer to what the 300 kbit/s link carries (the link also carries SRTP tags, UDP/IP headers and RTCP).',
    "- \"Encoder CPU-limited\" is the growth of A's outbound-rtp `qualityLimitationDurations.cpu` (the most of its encodings) from the limit to the end: when it is large, resolution changes on the direct call may come from CPU, not the bottleneck.",
    '',
    'Caveats:',
    '',
    '- The two calls adapt differently by design. The SFU cannot change what A encodes for B alone: A keeps sending all three layers and Consommé picks the layer that fits its estimate of the SFU → B path, so B gets the largest layer whose bitrate fits (at 300 kbit/s the 320-wide one, at most 150 kbit/s, since 640 wide wants up to 500) and goes back up when the estimate allows. The direct call has one encoding, and A\'s encoder follows its own estimate continuously (lower bitrate first, then lower resolution), so it can fill more of the 300 kbit/s.',
    "- Right after the limit the SFU keeps forwarding the layer B was on until its estimate (from B's transport-cc feedback) falls and the allocator picks a lower layer; the switch then waits for a keyframe of that layer (Consommé asks A for one). Meanwhile the bottleneck's FIFO overflows and B gets few decodable frames; the drops row and the first-10-s freeze row show what that costs. The direct call's encoder lowers its own bitrate as soon as its estimate falls and changes resolution later.",
    '- The SFU adds a second hop and its own estimator (transport-cc feedback from B to Consommé); the direct call\'s estimator is Chromium\'s own (GoogCC). The direct call was given the same x-google-start-bitrate (1000 kbit/s) that the SFU fixture\'s router codec gives A, so both warm up alike; apart from its own row, the warm-up is not part of the figures.',
    `- One 2-core machine runs both Chromium pages (A encodes three layers in the SFU call, one in the direct call), the SFU worker and the bench${Math.max(meta.load, ...meta.loads) > meta.cores ? `; the load average went above the core count during the run (up to ${Math.max(meta.load, ...meta.loads).toFixed(2)}), so other processes shared the CPU` : ''}. Encoder CPU adaptation shows in the last row.`,
    `- Loopback has no propagation delay: the only queueing is the bottleneck's FIFO (20,000 bytes ≈ ${Math.round((20_000 * 8) / tl.limitKbit)} ms at ${tl.limitKbit} kbit/s). Real paths add delay, jitter and cross traffic, which change both estimators.`,
    '',
    'Per round:',
    '',
    roundsTable([...sfu.map((r) => ({ name: 'SFU', result: r })), ...direct.map((r) => ({ name: 'direct', result: r }))]),
    '',
    'Samples of this run: bench/.work/bottleneck-run.json (not committed); `BOTTLENECK_REPORT=bench/.work/bottleneck-run.json npm run bench:bottleneck` rewrites this section from it without measuring.',
  ].join('\n');
}

const run: Run = REPORT ? (JSON.parse(readFileSync(REPORT, 'utf8')) as Run) : await measure();
const text = section(run);
console.log(`\n${text}`);
if (SMOKE) console.log('(smoke run: bench/RESULTS.md left as is)');
else writeResultsSection('bottleneck', text);
process.exit(0);
