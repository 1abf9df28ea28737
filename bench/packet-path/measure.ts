// Timing for bench/packet-path.ts: untimed prepare, timed run, in batches, until a
// slice holds enough timed work; warmup, then SLICES slices; median [min–max].
// Rates are per CPU-second of the process (process.cpuUsage: main thread plus GC
// and compiler threads), so other load on the machine does not inflate them; the
// wall-clock figure is kept next to it.

export const SLICES = Number(process.env['BENCH_SLICES'] ?? 7);
export const SLICE_MS = Number(process.env['BENCH_SLICE_MS'] ?? 1000);
/** Side measurements (no-SRTP path, SRTP alone, per-packet ciphers) get half slices. */
export const SIDE_SLICE_MS = Math.max(100, SLICE_MS / 2);
export const WARMUP_MS = Math.max(200, SLICE_MS / 2);

export interface Slice {
  in: number;
  out: number;
  wallNs: number;
  cpuUs: number;
}

export interface Work {
  /** Untimed: e.g. build the next batch of incoming SRTP packets. */
  prepare(): void;
  /** Timed: one batch; returns packets taken in and packets produced. */
  run(): { in: number; out: number };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function slice(work: Work, ms: number): Promise<Slice> {
  const s: Slice = { in: 0, out: 0, wallNs: 0, cpuUs: 0 };
  while (s.wallNs < ms * 1e6) {
    work.prepare();
    // Lets the transports' NACK/RTCP timers run between batches, as in the worker.
    await tick();
    const cpu = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const r = work.run();
    s.wallNs += Number(process.hrtime.bigint() - t0);
    const used = process.cpuUsage(cpu);
    s.cpuUs += used.user + used.system;
    s.in += r.in;
    s.out += r.out;
  }
  return s;
}

export async function measure(work: Work, sliceMs: number): Promise<Slice[]> {
  await slice(work, WARMUP_MS);
  const slices: Slice[] = [];
  for (let i = 0; i < SLICES; i++) slices.push(await slice(work, sliceMs));
  return slices;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function spread(values: number[]): Spread {
  const v = [...values].sort((a, b) => a - b);
  const mid = v.length >> 1;
  const median = v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
  return { median, min: v[0]!, max: v[v.length - 1]! };
}

export interface Rates {
  /** Per CPU-second of this process. */
  inPps: Spread;
  outPps: Spread;
  /** Process CPU ns per produced packet. */
  nsOut: Spread;
  /** Wall ns per produced packet (inflated when other processes take the core). */
  wallNsOut: Spread;
  /** Process CPU time over wall time. */
  cpuPerWall: number;
}

export function rates(slices: Slice[]): Rates {
  return {
    inPps: spread(slices.map((s) => (s.in * 1e6) / s.cpuUs)),
    outPps: spread(slices.map((s) => (s.out * 1e6) / s.cpuUs)),
    nsOut: spread(slices.map((s) => (s.cpuUs * 1e3) / s.out)),
    wallNsOut: spread(slices.map((s) => s.wallNs / s.out)),
    cpuPerWall: spread(slices.map((s) => (s.cpuUs * 1000) / s.wallNs)).median,
  };
}
