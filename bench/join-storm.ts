// Join storm (npm run bench:join): K light viewers (bench/light-viewer/, werift DTLS clients)
// join one SFU at once, for Consommé (WebRtcTransports on a WebRtcServer, consumers for the
// feeder's producers) and Janus (streaming mountpoint 1 over its HTTP API). Per storm
// (bench/join-storm/storm.ts): all K signaling exchanges concurrently, then all K ICE+DTLS
// handshakes started together; we time the second phase and read the SFU's CPU over it, so
// handshakes per second per core = handshakes completed / SFU CPU-seconds. The SFU is pinned
// to core 0, this process (the K clients) to core 1; its CPU is reported to show whether the
// client side limited the time to all connected. The floor, measured in the same run: the
// public-key crypto of one DTLS server handshake with node:crypto (bench/join-storm/floor.ts).
//
// Environment: JOIN_KS (50,100,200), JOIN_SFUS (consomme,janus), JOIN_ROUNDS (5),
// JOIN_TIMEOUT_S (20, per viewer), JOIN_TRIAL=1, JOIN_WRITE=0 (leave bench/RESULTS.md alone).
import os from 'node:os';
import { generateDtlsCertificate } from '../packages/consomme/src/wire/dtls/certificate.js';
import { assertNoOtherJanus } from './delay/guards.js';
import { pin } from './fanout/proc.js';
import { measureHandshakeFloor, measureWeriftEcdhe, type HandshakeFloor } from './join-storm/floor.js';
import { runStorm } from './join-storm/storm.js';
import { perCore, reduceStorms, type StormResult, type StormRow } from './join-storm/summary.js';
import { machineLine, RESULTS_FILE, writeResultsSection } from './results-file.js';

const env = (k: string, d: string): string => process.env[k] ?? d;
const KS = env('JOIN_KS', '50,100,200').split(',').map(Number);
const SFUS = env('JOIN_SFUS', 'consomme,janus').split(',') as ('consomme' | 'janus')[];
const ROUNDS = Number(env('JOIN_ROUNDS', '5'));
const TIMEOUT_S = Number(env('JOIN_TIMEOUT_S', '20'));
const TRIAL = process.env['JOIN_TRIAL'] === '1' || ROUNDS < 3;
const WRITE = process.env['JOIN_WRITE'] !== '0';
const LOAD_CORE = 1;

const fmt = (x: number, d = 0): string => (Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : '–');
const label = (s: string): string => (s === 'consomme' ? 'Consommé' : 'Janus');

function table(rows: StormRow[], floor: HandshakeFloor): string {
  const lines = [
    '| SFU | K | all connected (ms, median) | per viewer p50 (ms) | signaling before, all K (ms) | handshakes/s per SFU core | of the crypto floor | SFU CPU during storm (% of a core) | client CPU during storm (% of a core) | UDP receive-buffer drops (median) | failures |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${label(r.sfu)} | ${r.k} | ${fmt(r.allConnectedMs)} | ${fmt(r.viewerP50Ms)} | ${fmt(r.signalingMs)} | ${fmt(r.perCore)} | ${fmt((r.perCore / floor.perCoreSecond) * 100, 1)}% | ` +
        `${fmt(r.sfuCpuPct)} | ${fmt(r.clientCpuPct)} | ${fmt(r.udpDrops)} | ${r.failed} of ${r.k * r.rounds}${r.firstError ? ` (${r.firstError.slice(0, 80)})` : ''} |`,
    );
  }
  const ratios = KS.map((k) => {
    const ours = rows.find((r) => r.sfu === 'consomme' && r.k === k);
    const janus = rows.find((r) => r.sfu === 'janus' && r.k === k);
    return ours && janus ? `K=${k}: ${fmt(ours.perCore / janus.perCore, 2)}×` : undefined;
  }).filter((x) => x !== undefined);
  if (ratios.length) lines.push('', `Ours / Janus, handshakes per SFU core-second: ${ratios.join(', ')}.`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  pin(process.pid, LOAD_CORE);
  if (SFUS.includes('janus')) await assertNoOtherJanus();
  const started = Date.now();
  const loadAvg = os.loadavg()[0]!;
  const floor = measureHandshakeFloor();
  console.log(
    `floor (node:crypto, one core): ECDHE P-256 ${fmt(floor.ecdheUs)} µs + ECDSA sign ${fmt(floor.signUs)} µs + verify ${fmt(floor.verifyUs)} µs = ${fmt(floor.totalUs)} µs, ` +
      `${fmt(floor.perCoreSecond)} handshakes/s per core`,
  );
  const weriftEcdheUs = await measureWeriftEcdhe();
  console.log(`werift-dtls's ECDHE (JavaScript P-256, @noble/curves): ${fmt(weriftEcdheUs ?? NaN)} µs`);
  const certificate = await generateDtlsCertificate();
  const results: StormResult[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const k of KS) {
      const order = round % 2 === 0 ? SFUS : [...SFUS].reverse();
      for (const sfu of order) {
        const r = await runStorm(sfu, k, certificate, TIMEOUT_S * 1000);
        results.push(r);
        console.log(
          `round ${round + 1} ${sfu} K=${k}: all connected in ${fmt(r.allConnectedMs)} ms (${r.failed} failed), signaling ${fmt(r.signalingMs)} ms, ` +
            `SFU ${fmt(r.sfuCpuS * 1000)} ms CPU (${fmt(r.sfuCpuPct)}%) = ${fmt(perCore(r))} handshakes/s per core, client ${fmt(r.clientCpuPct)}%, ${fmt(r.udpDrops)} UDP receive-buffer drops`,
        );
      }
    }
  }
  const rows = reduceStorms(results);
  const body = table(rows, floor);
  console.log(`\n${body}`);
  const clientBound = rows.filter((r) => r.clientCpuPct >= 85).map((r) => `${label(r.sfu)} K=${r.k}`);
  const knobs = ['JOIN_KS', 'JOIN_SFUS', 'JOIN_ROUNDS', 'JOIN_TIMEOUT_S', 'JOIN_TRIAL'].filter((k) => process.env[k]);
  const section = [
    `## Join storm (Consommé vs Janus, against the DTLS crypto floor)${TRIAL ? ' — TRIAL (short, not for quoting)' : ''}`,
    '',
    `Command: \`${knobs.map((k) => `${k}=${process.env[k]} `).join('')}npm run bench:join\` (bench/join-storm.ts). Date: ${new Date().toISOString()}. ` +
      machineLine(loadAvg, started),
    '',
    `Per storm: a fresh SFU pinned to core 0; K light viewers (ICE, DTLS 1.2 client via werift-dtls, SRTP keys) in this process on core 1. ` +
      'First all K signaling exchanges at once (Consommé: WebRtcTransport on one WebRtcServer, connect, consumers for the two PlainTransport producers of the fan-out feeder; ' +
      'Janus 1.1.2: HTTP API session, streaming handle, watch mountpoint 1, offer), then all K ICE+DTLS handshakes started together: "all connected" times this phase, until the last viewer has its SRTP keys. ' +
      'No media flows. Handshakes/s per SFU core = handshakes completed / SFU CPU-seconds over that phase (/proc schedstat, all threads). ' +
      `Medians over ${ROUNDS} round(s), SFU order alternating. Per-viewer timeout ${TIMEOUT_S} s (the light viewer gives up after 10 s). ` +
      'UDP receive-buffer drops: /proc/net/snmp RcvbufErrors over the phase, machine-wide; a dropped handshake datagram waits for a DTLS retransmission (1 s, doubling), ' +
      'so time to all connected can far exceed the CPU spent.',
    '',
    `Floor, same run: one DTLS server handshake's public-key crypto with node:crypto (OpenSSL) on one core: ECDHE P-256 key pair + shared secret ${fmt(floor.ecdheUs)} µs, ` +
      `ECDSA P-256 sign ${fmt(floor.signUs)} µs, verify ${fmt(floor.verifyUs)} µs: ${fmt(floor.totalUs)} µs, i.e. **${fmt(floor.perCoreSecond)} handshakes/s per core**. ` +
      'Record protection, the PRF and parsing are not in it, so no real handshake reaches it. ' +
      `For comparison, werift-dtls's own ECDHE (key pair and shared secret in JavaScript with @noble/curves), which our DTLS layer replaces with OpenSSL (packages/consomme/src/wire/dtls/native-ecdhe.ts), same run: ${fmt(weriftEcdheUs ?? NaN)} µs.`,
    '',
    body,
    '',
    clientBound.length
      ? `Client CPU reached 85% of its core in: ${clientBound.join(', ')}. There the time to all connected is partly the clients' (werift's JavaScript P-256), not the SFU's; handshakes per SFU core-second are not affected (they divide by the SFU's own CPU).`
      : 'The client process stayed under 85% of its core in every storm: the time to all connected is the SFU\'s, not the clients\'.',
  ].join('\n');
  if (WRITE) {
    writeResultsSection('join-storm', section);
    console.log(`updated ${RESULTS_FILE}`);
  } else {
    console.log('(JOIN_WRITE=0: bench/RESULTS.md left as is)');
  }
}

await main();
