// The light viewer against libwebrtc viewers (npm run bench:viewers): issue 7 asks that the
// light viewer (bench/light-viewer/) load the SFU as real viewers do, so that the fan-out
// figures stand for a real audience. Same feeder (the fan-out clip, plain RTP into a
// PlainTransport producer pair), same Consommé worker pinned to core 0, N viewers of one kind
// at a time, alternating kinds over rounds: the delivered packets and the SFU's CPU over a
// window. libwebrtc viewers are mediasoup-client on @roamhq/wrtc (they decode; that costs
// their own core, not the SFU's) and negotiate the router's header extensions, send
// transport-cc feedback, receiver reports and NACKs; the light viewers send receiver reports only.
//
// Environment: VIEWERS_N (default 5,10), VIEWERS_ROUNDS (3), VIEWERS_WARMUP_S (4),
// VIEWERS_WINDOW_S (10), VIEWERS_WRITE=0 leaves bench/RESULTS.md alone.
import type { types } from 'consomme';
import type { DtlsCertificate } from '../packages/consomme/src/wire/dtls/certificate.js';
import { SfuFixture } from '../e2e/lib/sfu-fixture.js';
import { NodeClient, sleep, waitUntil } from '../e2e/lib/node-client.js';
import { FEEDER_AUDIO_SSRC, FEEDER_VIDEO_SSRC, loadClip } from './fanout/clip.js';
import { Feeder } from './fanout/feeder.js';
import { producePlainFeeder } from './fanout/plain-producers.js';
import { cpuSeconds, pin } from './fanout/proc.js';
import { startFanoutRun } from './fanout/run-one.js';
import { median } from './fanout/summary.js';
import { remoteFromTransport } from './light-viewer/remote.js';
import { LightViewer } from './light-viewer/viewer.js';
import { machineLine, RESULTS_FILE, writeResultsSection } from './results-file.js';

const NS = (process.env['VIEWERS_N'] ?? '5,10').split(',').map(Number);
const ROUNDS = Number(process.env['VIEWERS_ROUNDS'] ?? 3);
const WARMUP_S = Number(process.env['VIEWERS_WARMUP_S'] ?? 4);
const WINDOW_S = Number(process.env['VIEWERS_WINDOW_S'] ?? 10);
const WRITE = process.env['VIEWERS_WRITE'] !== '0';
const SFU_CORE = 0;

type Kind = 'light' | 'libwebrtc';
interface Sample {
  kind: Kind;
  n: number;
  round: number;
  cpuPct: number;
  deliveredPps: number;
}

const fmt = (x: number, d = 0): string => (Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : '–');

async function measure(kind: Kind, n: number, round: number, certificate: DtlsCertificate): Promise<Sample> {
  const fixture = await new SfuFixture().start();
  const lights: LightViewer[] = [];
  const clients: NodeClient[] = [];
  let feeder: Feeder | undefined;
  try {
    pin(fixture.worker.pid, SFU_CORE);
    const { router } = fixture;
    const { plain, video, audio } = await producePlainFeeder(router, { video: FEEDER_VIDEO_SSRC, audio: FEEDER_AUDIO_SSRC });
    fixture.producers.set(video.id, video);
    fixture.producers.set(audio.id, audio);
    for (let i = 0; i < n; i++) {
      if (kind === 'light') {
        const viewer = await LightViewer.create(certificate);
        lights.push(viewer);
        const transport = await router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] });
        await transport.connect({ dtlsParameters: viewer.dtlsParameters });
        const consumers: types.Consumer[] = [];
        for (const producer of [video, audio]) consumers.push(await transport.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities }));
        await viewer.connect(remoteFromTransport(transport, consumers));
      } else {
        const client = new NodeClient((m, d) => fixture.handle(m, d));
        clients.push(client);
        await client.consume(video.id);
        await client.consume(audio.id);
      }
    }
    if (kind === 'libwebrtc') await waitUntil('libwebrtc viewers connected', 20_000, () => clients.every((c) => c.recv?.connectionState === 'connected'));
    const clip = loadClip({ videoSsrc: FEEDER_VIDEO_SSRC, audioSsrc: FEEDER_AUDIO_SSRC });
    const target = { ip: '127.0.0.1', port: plain.tuple.localPort };
    feeder = await Feeder.create(clip, { audio: target, video: target, durationMs: (WARMUP_S + WINDOW_S + 2) * 1000 });
    feeder.start();
    await sleep(WARMUP_S * 1000);
    const packets = async (): Promise<number> => {
      if (kind === 'light') return lights.reduce((sum, v) => sum + [...v.counters.values()].reduce((s, c) => s + c.packets, 0), 0);
      let total = 0;
      for (const c of clients) {
        (await c.recv!.getStats()).forEach((s: { type: string; packetsReceived?: number }) => {
          if (s.type === 'inbound-rtp') total += s.packetsReceived ?? 0;
        });
      }
      return total;
    };
    const p0 = await packets();
    const cpu0 = cpuSeconds(fixture.worker.pid);
    const t0 = process.hrtime.bigint();
    await sleep(WINDOW_S * 1000);
    const cpu1 = cpuSeconds(fixture.worker.pid);
    const p1 = await packets();
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    return { kind, n, round, cpuPct: ((cpu1 - cpu0) / seconds) * 100, deliveredPps: (p1 - p0) / seconds };
  } finally {
    feeder?.stop();
    for (const v of lights) v.close();
    for (const c of clients) c.close();
    fixture.close();
  }
}

async function main(): Promise<void> {
  const { started, load, certificate } = await startFanoutRun();
  const samples: Sample[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const n of NS) {
      const kinds: Kind[] = round % 2 === 0 ? ['light', 'libwebrtc'] : ['libwebrtc', 'light'];
      for (const kind of kinds) {
        const s = await measure(kind, n, round, certificate);
        samples.push(s);
        console.log(`round ${round + 1}/${ROUNDS} ${kind} N=${n}: SFU CPU ${fmt(s.cpuPct, 1)}%, ${fmt(s.deliveredPps)} packets/s delivered`);
      }
    }
  }
  const lines = [
    '| N | delivered packets/s: light / libwebrtc (median) | delivered ratio | SFU CPU (% of a core): light / libwebrtc (median [min–max]) | SFU CPU ratio light / libwebrtc |',
    '|---|---|---|---|---|',
  ];
  for (const n of NS) {
    const of = (kind: Kind): Sample[] => samples.filter((s) => s.kind === kind && s.n === n);
    const range = (xs: number[]): string => `${fmt(median(xs), 1)} [${fmt(Math.min(...xs), 1)}–${fmt(Math.max(...xs), 1)}]`;
    const lp = median(of('light').map((s) => s.deliveredPps));
    const wp = median(of('libwebrtc').map((s) => s.deliveredPps));
    const lc = of('light').map((s) => s.cpuPct);
    const wc = of('libwebrtc').map((s) => s.cpuPct);
    lines.push(`| ${n} | ${fmt(lp)} / ${fmt(wp)} | ${fmt(lp / wp, 3)} | ${range(lc)} / ${range(wc)} | ${fmt(median(lc) / median(wc), 2)}× |`);
  }
  const body = lines.join('\n');
  console.log(`\n${body}`);
  const section = [
    '## The light viewer against libwebrtc viewers',
    '',
    `Command: \`npm run bench:viewers\` (bench/light-vs-libwebrtc.ts). Date: ${new Date().toISOString()}. ${machineLine(load, started)}`,
    '',
    `Same feeder (the fan-out clip into a PlainTransport), one Consommé worker pinned to core 0, N viewers of one kind at a time on core 1: light viewers (bench/light-viewer/: ICE, DTLS, SRTP, receiver reports, no header extensions) or mediasoup-client on @roamhq/wrtc (libwebrtc: decodes, negotiates the router's header extensions, sends transport-cc feedback, receiver reports and NACKs). ${ROUNDS} rounds alternating the kinds; warm-up ${WARMUP_S} s, window ${WINDOW_S} s. Delivered packets: counted by the light viewers, inbound-rtp packetsReceived for libwebrtc. SFU CPU from /proc (worker process, all threads). \`e2e/node/light-viewer.test.ts\` (in \`npm test\`) checks the delivered packets agree within 1%.`,
    '',
    body,
  ].join('\n');
  if (WRITE) {
    writeResultsSection('light-vs-libwebrtc', section);
    console.log(`updated ${RESULTS_FILE}`);
  }
}

await main();
// wrtc and werift keep handles open (see e2e/lib/node-client.ts exitAfterWrtcTests).
process.exit(0);
