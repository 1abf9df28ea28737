/** The pure parts of the join-storm bench: one storm's figures, and medians over rounds. */
import { median } from '../delay/levels.js';

export interface StormResult {
  sfu: 'consomme' | 'janus';
  k: number;
  connected: number;
  failed: number;
  firstError: string;
  /** All K signaling exchanges, run concurrently (transports and consumers, or Janus watch/offer). */
  signalingMs: number;
  /** From starting all K ICE+DTLS at once until the last one connected or failed. */
  allConnectedMs: number;
  /** Per-viewer ICE+DTLS time, median and slowest. */
  viewerP50Ms: number;
  viewerMaxMs: number;
  /** SFU CPU during the ICE+DTLS phase, s and % of one core. */
  sfuCpuS: number;
  sfuCpuPct: number;
  /** This process (the K clients) during the ICE+DTLS phase, % of one core. */
  clientCpuPct: number;
  /** UDP datagrams dropped at full receive buffers during that phase (machine-wide). */
  udpDrops: number;
}

/** Handshakes completed per second of SFU CPU (per core). */
export const perCore = (r: StormResult): number => (r.sfuCpuS > 0 ? r.connected / r.sfuCpuS : NaN);

export interface StormRow {
  sfu: 'consomme' | 'janus';
  k: number;
  rounds: number;
  allConnectedMs: number;
  signalingMs: number;
  viewerP50Ms: number;
  perCore: number;
  sfuCpuPct: number;
  clientCpuPct: number;
  udpDrops: number;
  /** Summed over rounds. */
  failed: number;
  firstError: string;
}

export function reduceStorms(results: readonly StormResult[]): StormRow[] {
  const keys = [...new Set(results.map((r) => `${r.sfu}:${r.k}`))];
  return keys.map((key) => {
    const rs = results.filter((r) => `${r.sfu}:${r.k}` === key);
    const first = rs[0]!;
    return {
      sfu: first.sfu,
      k: first.k,
      rounds: rs.length,
      allConnectedMs: median(rs.map((r) => r.allConnectedMs)),
      signalingMs: median(rs.map((r) => r.signalingMs)),
      viewerP50Ms: median(rs.map((r) => r.viewerP50Ms)),
      perCore: median(rs.map(perCore)),
      sfuCpuPct: median(rs.map((r) => r.sfuCpuPct)),
      clientCpuPct: median(rs.map((r) => r.clientCpuPct)),
      udpDrops: median(rs.map((r) => r.udpDrops)),
      failed: rs.reduce((a, r) => a + r.failed, 0),
      firstError: rs.find((r) => r.firstError)?.firstError ?? '',
    };
  });
}
