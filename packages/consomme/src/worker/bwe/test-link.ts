/**
 * Test helper (not used by the SFU): a simulated bottleneck and a closed loop
 * around `SendSideBwe`, on a fake clock.
 *
 * - The link serializes packets at `capacityBps` (changeable any time), adds
 *   a fixed one-way propagation delay, drops what does not fit a drop-tail
 *   queue of `queueBytes`, and drops at random with `lossRate` (seeded, so a
 *   run is always the same).
 * - The sender sends a frame every 1/30 s at the estimate (capped by the
 *   desired bitrate when one is set) in packets of at most 1200 bytes, and
 *   sends the probe clusters `nextProbe` returns (polled every 25 ms) as
 *   padding paced over the cluster's duration.
 * - The receiver is the SFU's own transport-cc recorder
 *   (`TransportCcFeedback`), so the estimator reads exactly the feedback the
 *   SFU would send a browser; its clock has an arbitrary offset. Feedback
 *   returns over an uncongested path after the propagation delay.
 */
import { parseTransportCc } from '../../wire/rtcp/transport-cc.js';
import { TransportCcFeedback } from '../rtp/transport-cc-feedback.js';
import { SendSideBwe, type BweState, type ProbeCluster, type SendSideBweOptions } from './estimator.js';

export interface LinkOptions {
  readonly capacityBps: number;
  /** One-way propagation delay, ms. */
  readonly propagationMs: number;
  /** Drop-tail queue size, bytes. */
  readonly queueBytes: number;
  /** Random loss, 0..1. Default 0. */
  readonly lossRate?: number;
  /** Seed of the loss draws. Default 1. */
  readonly seed?: number;
}

/** mulberry32: a small seeded generator, uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface InFlight {
  readonly seq: number;
  readonly size: number;
  readonly doneMs: number;
  readonly arrivalMs: number;
}

export class TestLink {
  capacityBps: number;
  lossRate: number;
  readonly #propagationMs: number;
  readonly #queueBytes: number;
  readonly #random: () => number;
  /** When the link finishes serializing what is queued. */
  #busyUntil = 0;
  /** Accepted packets not yet delivered, in order. */
  #inFlight: InFlight[] = [];
  #head = 0;
  droppedQueue = 0;
  droppedRandom = 0;
  firstLossMs: number | undefined;

  constructor(options: LinkOptions) {
    this.capacityBps = options.capacityBps;
    this.lossRate = options.lossRate ?? 0;
    this.#propagationMs = options.propagationMs;
    this.#queueBytes = options.queueBytes;
    this.#random = seededRandom(options.seed ?? 1);
  }

  /** Time a packet entering now waits before its own serialization starts, ms. */
  queueDelayMs(nowMs: number): number {
    return Math.max(0, this.#busyUntil - nowMs);
  }

  /** Bytes waiting (the backlog that the link has not serialized yet). */
  queuedBytes(nowMs: number): number {
    return (this.queueDelayMs(nowMs) * this.capacityBps) / 8000;
  }

  send(seq: number, size: number, nowMs: number): boolean {
    if (this.lossRate > 0 && this.#random() < this.lossRate) {
      this.droppedRandom++;
      this.firstLossMs ??= nowMs;
      return false;
    }
    if (this.queuedBytes(nowMs) + size > this.#queueBytes) {
      this.droppedQueue++;
      this.firstLossMs ??= nowMs;
      return false;
    }
    const start = Math.max(nowMs, this.#busyUntil);
    const doneMs = start + (size * 8000) / this.capacityBps;
    this.#busyUntil = doneMs;
    this.#inFlight.push({ seq, size, doneMs, arrivalMs: doneMs + this.#propagationMs });
    return true;
  }

  /** Packets that arrived by `nowMs`, in arrival order. */
  deliver(nowMs: number): InFlight[] {
    const out: InFlight[] = [];
    while (this.#head < this.#inFlight.length && this.#inFlight[this.#head]!.arrivalMs <= nowMs) out.push(this.#inFlight[this.#head++]!);
    if (this.#head > 4096) {
      this.#inFlight = this.#inFlight.slice(this.#head);
      this.#head = 0;
    }
    return out;
  }
}

export interface SimSample {
  readonly t: number;
  readonly estimate: number;
  readonly queueDelayMs: number;
  readonly state: BweState;
}

export interface SimOptions {
  readonly link: LinkOptions;
  readonly bwe?: Omit<SendSideBweOptions, 'now'>;
  readonly durationMs: number;
  /** Desired bitrate given to the estimator, bps; the sender also stays under it. Default 0 (not set). */
  readonly desiredBps?: number;
  /** Called every ms before sending, to change the link or the estimator. */
  readonly onTick?: (t: number, link: TestLink, bwe: SendSideBwe) => void;
  /** First transport-wide sequence number. Default 65 000 (wraps early). */
  readonly firstSeq?: number;
}

export interface SimTrace {
  readonly samples: SimSample[];
  readonly probes: { t: number; cluster: ProbeCluster }[];
  readonly link: TestLink;
  readonly bwe: SendSideBwe;
  readonly sentPackets: number;
  /** First time the detector said 'overusing', ms. */
  readonly firstOveruseMs: number | undefined;
}

const FRAME_MS = 1000 / 30;
const MAX_PACKET = 1200;
const PROBE_POLL_MS = 25;
const SAMPLE_MS = 100;
const RECEIVER_CLOCK_OFFSET_MS = 123_456.75;
const MEDIA_SSRC = 0x1234;

export function simulate(options: SimOptions): SimTrace {
  const link = new TestLink(options.link);
  const bwe = new SendSideBwe({ ...options.bwe, now: 0 });
  const receiver = new TransportCcFeedback({ intervalMs: 100 });
  const desired = options.desiredBps ?? 0;
  if (desired > 0) bwe.setDesiredBitrate(desired);
  const samples: SimSample[] = [];
  const probes: { t: number; cluster: ProbeCluster }[] = [];
  const pendingPadding: { t: number; size: number; cluster: number }[] = [];
  const feedbackInFlight: { t: number; buffer: Buffer }[] = [];
  let seq = options.firstSeq ?? 65_000;
  let sentPackets = 0;
  let nextFrameMs = 0;
  let firstOveruseMs: number | undefined;
  const prop = options.link.propagationMs;

  const sendPacket = (size: number, t: number, cluster?: number): void => {
    const s = seq & 0xffff;
    seq++;
    sentPackets++;
    bwe.onPacketSent(s, size, t, cluster);
    link.send(s, size, t);
  };
  const sendFeedback = (buffers: readonly Buffer[], t: number): void => {
    for (const buffer of buffers) feedbackInFlight.push({ t: t + prop, buffer });
  };

  for (let t = 0; t <= options.durationMs; t++) {
    options.onTick?.(t, link, bwe);
    // The receiver side: arrivals, then periodic feedback.
    for (const p of link.deliver(t)) {
      if (receiver.onPacket(p.seq, p.arrivalMs + RECEIVER_CLOCK_OFFSET_MS, MEDIA_SSRC)) sendFeedback(receiver.build(t + RECEIVER_CLOCK_OFFSET_MS), t);
    }
    sendFeedback(receiver.onTimer(t + RECEIVER_CLOCK_OFFSET_MS), t);
    // The sender side: feedback, RTT, probes, media.
    while (feedbackInFlight.length > 0 && feedbackInFlight[0]!.t <= t) {
      const fb = parseTransportCc(feedbackInFlight.shift()!.buffer);
      if (fb !== undefined) bwe.onTransportCcFeedback(fb, t);
      if (bwe.state.delaySignal === 'overusing') firstOveruseMs ??= t;
    }
    if (t % 1000 === 0) bwe.onRtt(2 * prop + link.queueDelayMs(t));
    if (t % PROBE_POLL_MS === 0) {
      const cluster = bwe.nextProbe(t);
      if (cluster !== undefined) {
        probes.push({ t, cluster });
        const n = Math.max(cluster.minPackets, Math.ceil(cluster.minBytes / MAX_PACKET));
        const size = Math.ceil(cluster.minBytes / n);
        for (let i = 0; i < n; i++) pendingPadding.push({ t: t + Math.round((i * cluster.durationMs) / n), size, cluster: cluster.id });
      }
    }
    if (t >= nextFrameMs) {
      nextFrameMs += FRAME_MS;
      const rate = desired > 0 ? Math.min(bwe.estimate, desired) : bwe.estimate;
      let bytes = Math.round((rate * FRAME_MS) / 8000);
      const n = Math.max(1, Math.ceil(bytes / MAX_PACKET));
      const size = Math.ceil(bytes / n);
      for (let i = 0; i < n && bytes > 0; i++, bytes -= size) sendPacket(Math.min(size, bytes), t);
    }
    while (pendingPadding.length > 0 && pendingPadding[0]!.t <= t) {
      const p = pendingPadding.shift()!;
      sendPacket(p.size, t, p.cluster);
    }
    if (t % SAMPLE_MS === 0) samples.push({ t, estimate: bwe.estimate, queueDelayMs: link.queueDelayMs(t), state: bwe.state });
  }
  return { samples, probes, link, bwe, sentPackets, firstOveruseMs };
}

/** First sample time at or after `fromMs` where `pred` holds, or undefined. */
export function firstTime(trace: SimTrace, fromMs: number, pred: (s: SimSample) => boolean): number | undefined {
  return trace.samples.find((s) => s.t >= fromMs && pred(s))?.t;
}

/** Samples within [fromMs, toMs]. */
export function between(trace: SimTrace, fromMs: number, toMs: number): SimSample[] {
  return trace.samples.filter((s) => s.t >= fromMs && s.t <= toMs);
}
