// Room (all-to-all): Consommé against Janus VideoRoom on the same load (npm run bench:room).
//
// M light participants (bench/light-viewer/publisher.ts), all in this process: each
// publishes the fan-out clip (VP8 640x360@30 1 Mbit/s + Opus, SRTP over its own WebRTC
// connection) and receives the M−1 others over a second connection, counting packets
// without decoding. Consommé: a send WebRtcTransport with two producers and a receive
// WebRtcTransport consuming the others, on one WebRtcServer. Janus 1.1.2: VideoRoom room
// 1234, one publisher and one multistream subscriber connection per participant.
// The SFU is pinned to core 0, this process to core 1. Per M and SFU: join, warm-up, then a
// window over which we measure the SFU's CPU, the packets delivered against the packets the
// others sent (loss), sequence gaps, forwarding delay and the PLI/NACK the publishers get.
// M steps up until loss reaches 0.5% or the SFU's core saturates, per SFU.
//
// Environment: ROOM_MS (default 2,4,6,8,10,12,14,16,18,20), ROOM_SFUS (consomme,janus),
// ROOM_WARMUP_S (5), ROOM_WINDOW_S (20), ROOM_BUDGET_S (780: no new run starts after it,
// so the command ends within 15 minutes), ROOM_WEBRTC_SERVER (1; 0 gives each Consommé
// transport its own port). A window under 20 s or ROOM_TRIAL=1 labels the
// run a trial. ROOM_WRITE=0 leaves bench/RESULTS.md alone.
import os from 'node:os';
import { generateDtlsCertificate } from '../packages/consomme/src/wire/dtls/certificate.js';
import { FEEDER_AUDIO_SSRC, FEEDER_VIDEO_SSRC, loadClip, type Clip } from './fanout/clip.js';
import { cpuSeconds, pin, rssMiB } from './fanout/proc.js';
import { DelayHistogram, windowOf } from './light-viewer/counters.js';
import { ClipPacer, LightParticipant } from './light-viewer/publisher.js';
import { machineLine, RESULTS_FILE, writeResultsSection } from './results-file.js';
import { startConsommeRoom } from './room/consomme-room.js';
import { startJanusRoom } from './room/janus-room.js';
import type { RoomSfu } from './room/sfu.js';

type SfuName = 'consomme' | 'janus';
const MS = (process.env['ROOM_MS'] ?? '2,4,6,8,10,12,14,16,18,20').split(',').map(Number);
const SFUS = (process.env['ROOM_SFUS'] ?? 'consomme,janus').split(',') as SfuName[];
const WARMUP_S = Number(process.env['ROOM_WARMUP_S'] ?? 5);
const WINDOW_S = Number(process.env['ROOM_WINDOW_S'] ?? 20);
const BUDGET_S = Number(process.env['ROOM_BUDGET_S'] ?? 780);
const TRIAL = process.env['ROOM_TRIAL'] === '1' || WINDOW_S < 20;
const WRITE = process.env['ROOM_WRITE'] !== '0';
const WEBRTC_SERVER = process.env['ROOM_WEBRTC_SERVER'] !== '0';
const SFU_CORE = 0;
const LOAD_CORE = 1;
const MAX_LOSS_PCT = 0.5;
const SATURATED_PCT = 95;
const CLIENT_LIMIT_PCT = 90;
// Keyframes come every 2 s in the clip: participants start spread over that, as in a real room.
const STAGGER_MS = 2000;

interface Row {
  sfu: SfuName;
  m: number;
  cpuPct: number;
  loadCpuPct: number;
  sentPps: number;
  expectedPps: number;
  deliveredPps: number;
  lossPct: number;
  gapPct: number;
  rssMiB: number;
  p50: number;
  p99: number;
  pliAtPublishers: number;
  nackAtPublishers: number;
  joinS: number;
  srtp: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function ownCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

async function runOne(name: SfuName, m: number, clip: Clip, certificate: Awaited<ReturnType<typeof generateDtlsCertificate>>): Promise<Row> {
  const sfu: RoomSfu = name === 'consomme' ? await startConsommeRoom({ core: SFU_CORE, webRtcServer: WEBRTC_SERVER }) : await startJanusRoom('/tmp/janus-room-bench', { core: SFU_CORE });
  const participants: LightParticipant[] = [];
  let pacer: ClipPacer | undefined;
  try {
    for (let i = 0; i < m; i++) participants.push(await LightParticipant.create(i, certificate));
    const joinStart = Date.now();
    await sfu.join(participants);
    const joinS = (Date.now() - joinStart) / 1000;
    pacer = new ClipPacer(clip, participants, { staggerMs: STAGGER_MS });
    pacer.start();
    await sleep(WARMUP_S * 1000);

    const sentBefore = participants.map((p) => p.sentTotal);
    const before = participants.map((p) => p.receiver.snapshot());
    const rtcpBefore = participants.map((p) => ({ ...p.sender.rtcp }));
    for (const p of participants) p.receiver.delay.reset();
    const cpu0 = cpuSeconds(sfu.pid);
    const own0 = ownCpuSeconds();
    const t0 = process.hrtime.bigint();
    await sleep(WINDOW_S * 1000);
    const cpu1 = cpuSeconds(sfu.pid);
    const own1 = ownCpuSeconds();
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const sent = participants.map((p, i) => p.sentTotal - sentBefore[i]!);
    const after = participants.map((p) => p.receiver.snapshot());
    const delay = new DelayHistogram();
    for (const p of participants) delay.merge(p.receiver.delay);
    const rss = rssMiB(sfu.pid);
    // Loss end to end over the whole run: stop sending, let the last packets arrive, then
    // compare everything counted with everything the others sent. (Window edges would cut
    // keyframe bursts in flight and make a short window look lossy.)
    pacer.stop();
    await sleep(300);
    const allSent = participants.reduce((n, p) => n + p.sentTotal, 0);
    const runExpected = participants.reduce((n, p) => n + allSent - p.sentTotal, 0);
    const runDelivered = participants.reduce((n, p) => n + p.receivedTotal, 0);

    const totalSent = sent.reduce((a, b) => a + b, 0);
    let delivered = 0;
    let expected = 0;
    let gaps = 0;
    let pli = 0;
    let nack = 0;
    participants.forEach((p, i) => {
      expected += totalSent - sent[i]!;
      for (const [ssrc, snap] of after[i]!) {
        const w = windowOf(before[i]!.get(ssrc), snap);
        delivered += w.packets;
        gaps += w.lost;
      }
      pli += p.sender.rtcp.pli - rtcpBefore[i]!.pli;
      nack += p.sender.rtcp.nack - rtcpBefore[i]!.nack;
    });
    return {
      sfu: name,
      m,
      cpuPct: ((cpu1 - cpu0) / seconds) * 100,
      loadCpuPct: ((own1 - own0) / seconds) * 100,
      sentPps: totalSent / seconds,
      expectedPps: expected / seconds,
      deliveredPps: delivered / seconds,
      lossPct: runExpected > 0 ? Math.max(0, (1 - runDelivered / runExpected) * 100) : 100,
      gapPct: delivered + gaps > 0 ? (gaps / (delivered + gaps)) * 100 : 0,
      rssMiB: rss,
      p50: delay.quantileMs(0.5),
      p99: delay.quantileMs(0.99),
      pliAtPublishers: pli,
      nackAtPublishers: nack,
      joinS,
      srtp: participants[0]?.receiver.srtpProfile ?? '',
    };
  } finally {
    pacer?.stop();
    for (const p of participants) p.close();
    await sfu.close();
  }
}

const fmt = (x: number, d = 0): string => (Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : '–');
// The delay histogram stops at 200 ms: its top bucket means "200 ms or more".
const fmtDelay = (ms: number): string => (ms >= 200 ? '≥200' : fmt(ms, 2));
const perCore = (r: Row): number => (r.cpuPct > 0 ? r.deliveredPps / (r.cpuPct / 100) : NaN);
const lossOf = (r: Row): number => Math.max(r.lossPct, r.gapPct);
const passes = (r: Row): boolean => lossOf(r) < MAX_LOSS_PCT && r.cpuPct < SATURATED_PCT;

function table(rows: Row[], stops: Map<SfuName, string>): string {
  const lines = [
    '| SFU | M | SFU CPU (% of a core) | packets/s sent (all publishers) | packets/s expected at receivers | delivered packets/s | delivered packets/s per core | loss (whole run: delivered vs sent) | sequence gaps (window) | SFU RSS (MiB) | delay p50 / p99 (ms) | PLI / NACK at publishers | join (s) | load-client CPU (% of a core) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.sfu} | ${r.m} | ${fmt(r.cpuPct, 1)} | ${fmt(r.sentPps)} | ${fmt(r.expectedPps)} | ${fmt(r.deliveredPps)} | ${fmt(perCore(r))} | ${fmt(r.lossPct, 2)}% | ${fmt(r.gapPct, 2)}% | ` +
        `${fmt(r.rssMiB, 1)} | ${fmtDelay(r.p50)} / ${fmtDelay(r.p99)} | ${r.pliAtPublishers} / ${r.nackAtPublishers} | ${fmt(r.joinS, 1)} | ${fmt(r.loadCpuPct, 0)} |`,
    );
  }
  lines.push('');
  for (const sfu of SFUS) {
    const ok = rows.filter((r) => r.sfu === sfu && passes(r)).map((r) => r.m);
    const best = ok.length ? Math.max(...ok) : undefined;
    lines.push(`- ${sfu}: largest M with loss under ${MAX_LOSS_PCT}% (and the SFU under ${SATURATED_PCT}% of its core): ${best ?? 'none'}${stops.has(sfu) ? ` (${stops.get(sfu)})` : ''}.`);
  }
  const ratios = MS.map((m) => {
    const ours = rows.find((r) => r.sfu === 'consomme' && r.m === m);
    const janus = rows.find((r) => r.sfu === 'janus' && r.m === m);
    return ours && janus ? `M=${m}: ${fmt(perCore(ours) / perCore(janus), 2)}×` : undefined;
  }).filter((x) => x !== undefined);
  if (ratios.length) lines.push(`- Ours / Janus, delivered packets per core-second (higher is better for us): ${ratios.join(', ')}.`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  pin(process.pid, LOAD_CORE);
  const started = Date.now();
  const load = os.loadavg()[0]!;
  const clip = loadClip({ videoSsrc: FEEDER_VIDEO_SSRC, audioSsrc: FEEDER_AUDIO_SSRC });
  const certificate = await generateDtlsCertificate();
  const rows: Row[] = [];
  const stops = new Map<SfuName, string>();
  for (const m of MS) {
    for (const sfu of SFUS) {
      if (stops.has(sfu)) continue;
      if ((Date.now() - started) / 1000 > BUDGET_S) {
        stops.set(sfu, `time budget of ${BUDGET_S} s reached before M=${m}`);
        continue;
      }
      let row: Row;
      try {
        row = await runOne(sfu, m, clip, certificate);
      } catch (err) {
        stops.set(sfu, `M=${m} failed to set up: ${(err as Error).message}`);
        console.log(`${sfu} M=${m}: ${(err as Error).message}`);
        continue;
      }
      rows.push(row);
      console.log(
        `${sfu} M=${m}: CPU ${fmt(row.cpuPct, 1)}%, ${fmt(row.deliveredPps)} of ${fmt(row.expectedPps)} packets/s delivered, loss ${fmt(row.lossPct, 2)}%, ` +
          `gaps ${fmt(row.gapPct, 2)}%, load client ${fmt(row.loadCpuPct)}%`,
      );
      // The participants share one core: near its limit, they and not the SFU may be what drops packets.
      const client = row.loadCpuPct >= CLIENT_LIMIT_PCT ? `; the load client was at ${fmt(row.loadCpuPct)}% of its core, so it may be the limit` : '';
      if (lossOf(row) >= MAX_LOSS_PCT) stops.set(sfu, `stopped at M=${m}: loss ${fmt(lossOf(row), 2)}%${client}`);
      else if (row.cpuPct >= SATURATED_PCT) stops.set(sfu, `stopped at M=${m}: SFU at ${fmt(row.cpuPct, 0)}% of its core`);
    }
    if (SFUS.every((s) => stops.has(s))) break;
  }
  const body = table(rows, stops);
  console.log(`\n${body}`);
  const knobs = ['ROOM_MS', 'ROOM_SFUS', 'ROOM_WARMUP_S', 'ROOM_WINDOW_S', 'ROOM_BUDGET_S', 'ROOM_WEBRTC_SERVER', 'ROOM_TRIAL'].filter((k) => process.env[k]).map((k) => `${k}=${process.env[k]}`);
  const section = [
    `## Room, all-to-all (Consommé vs Janus VideoRoom)${TRIAL ? ' — TRIAL (short window, not for quoting)' : ''}`,
    '',
    `Command: \`${[...knobs, 'npm run bench:room'].join(' ')}\` (bench/room.ts). ` +
      `Date: ${new Date().toISOString()}. ${machineLine(load, started)}`,
    '',
    `Load: M light participants in one process (our ICE/DTLS/SRTP, no encoder or decoder; receivers send an RTCP receiver report about once a second, publishers send no sender reports and ignore NACK and PLI), each publishing the fan-out clip (pre-encoded VP8 640x360@30 CBR 1 Mbit/s + Opus 64 kbit/s, ` +
      `looped with continuous sequence numbers, timestamps and picture ids, per-frame bursts, starts spread over ${STAGGER_MS / 1000} s) over one connection and receiving the M−1 others over a second one: ` +
      `M × (M−1) × 2 streams leave the SFU. SFU pinned to core ${SFU_CORE}; the participants on core ${LOAD_CORE}. Warm-up ${WARMUP_S} s, window ${WINDOW_S} s, one round (no medians). ` +
      `Consommé: per participant a send WebRtcTransport (VP8 + Opus producers, one SSRC each) and a receive WebRtcTransport consuming every other producer, ${WEBRTC_SERVER ? 'all on one WebRtcServer (one UDP socket)' : 'each transport on its own UDP port (ROOM_WEBRTC_SERVER=0)'}. ` +
      'Janus 1.1.2 (Debian): VideoRoom room 1234 (publisher limit raised with `edit`), per participant one publisher and one multistream subscriber connection; restarted for every M. ' +
      'Neither side negotiates RTP header extensions. Loss = 1 − delivered / (what the other participants sent), over the whole run after the last packets arrived; sequence gaps are counted at the receivers over the window. ' +
      `An M counts when both are under ${MAX_LOSS_PCT}% and the SFU is under ${SATURATED_PCT}% of its core; stepping stops for an SFU at the first M that fails. CPU from /proc/PID/stat (all threads, whole process tree). ` +
      'Delay = receive time − publisher stamp (RTP padding), loopback, no bare-relay subtraction.',
    '',
    body,
  ].join('\n');
  if (WRITE) {
    writeResultsSection('room', section);
    console.log(`updated ${RESULTS_FILE}`);
  } else {
    console.log(`\n${section}\n\n(ROOM_WRITE=0: bench/RESULTS.md left as is)`);
  }
}

await main();
