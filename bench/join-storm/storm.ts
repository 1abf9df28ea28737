/**
 * One join storm: K light viewers join one SFU at once. Signaling first, all K concurrently
 * (Consommé: WebRtcTransport on the WebRtcServer, connect, consumers for the feeder's two
 * producers; Janus: session, streaming handle, watch, offer), then all K ICE+DTLS handshakes
 * started in the same tick. The second phase is the storm we time and whose SFU CPU we read.
 * No media flows (the feeder is not started), so the SFU's CPU is the joins' alone.
 */
import type { DtlsCertificate } from '../../packages/consomme/src/wire/dtls/certificate.js';
import { startConsomme, startJanus, type SfuUnderTest } from '../fanout/sfus.js';
import { median } from '../delay/levels.js';
import { LightViewer } from '../light-viewer/viewer.js';
import { assertAlive, assertNoOtherJanus } from '../delay/guards.js';
import { cpuNs } from './cpu.js';
import { udpRcvbufErrors } from './udp-drops.js';
import type { StormResult } from './summary.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const ms = (from: bigint): number => Number(process.hrtime.bigint() - from) / 1e6;

export async function runStorm(name: 'consomme' | 'janus', k: number, certificate: DtlsCertificate, timeoutMs: number): Promise<StormResult> {
  // A moment's grace for the previous storm's Janus; another bench's Janus fails the run.
  if (name === 'janus') await assertNoOtherJanus(20_000);
  const sfu: SfuUnderTest = name === 'consomme' ? await startConsomme() : await startJanus('/tmp/janus-bench');
  const viewers: LightViewer[] = [];
  try {
    for (let i = 0; i < k; i++) viewers.push(await LightViewer.create(certificate));
    const s0 = process.hrtime.bigint();
    const starts = await Promise.all(viewers.map((v) => sfu.prepareViewer(v)));
    const signalingMs = ms(s0);
    // Let the SFU finish whatever the signaling left (answers, timers) before we read its CPU.
    await sleep(300);

    const drops0 = udpRcvbufErrors();
    const cpu0 = cpuNs(sfu.pid);
    const self0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const outcomes = await Promise.allSettled(
      starts.map(async (start) => {
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`not connected within ${timeoutMs} ms`)), timeoutMs);
        });
        try {
          await Promise.race([start(), late]);
        } finally {
          clearTimeout(timer);
        }
        return ms(t0);
      }),
    );
    const allConnectedMs = ms(t0);
    const sfuCpuS = (cpuNs(sfu.pid) - cpu0) / 1e9;
    const udpDrops = udpRcvbufErrors() - drops0;
    assertAlive(sfu.pid, name);
    const self = process.cpuUsage(self0);
    const times = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [String((o.reason as Error)?.message ?? o.reason)] : []));
    return {
      sfu: name,
      k,
      connected: times.length,
      failed: failures.length,
      firstError: failures[0] ?? '',
      signalingMs,
      allConnectedMs,
      viewerP50Ms: median(times),
      viewerMaxMs: times.length ? Math.max(...times) : NaN,
      sfuCpuS,
      sfuCpuPct: (sfuCpuS * 1000 * 100) / allConnectedMs,
      udpDrops,
      clientCpuPct: ((self.user + self.system) / 1000 / allConnectedMs) * 100,
    };
  } finally {
    for (const v of viewers) v.close();
    await sfu.close();
  }
}
