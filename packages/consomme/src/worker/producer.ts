import type { MediaKind, RtpParameters } from '../ortc/types.js';
import { RtpPacket } from '../wire/rtp/packet.js';
import { isKeyFrame } from '../wire/rtp/codecs/keyframe.js';
import { VIDEO_ORIENTATION_URI } from '../wire/rtp/extensions.js';
import type { WorkerContext, RequestHandler } from './context.js';
import { NackGenerator } from './rtp/nack-generator.js';
import { RtpStreamRecvStats } from './rtp/rtp-stream-recv-stats.js';
import { KeyFrameRequestThrottle } from './rtp/key-frame-request-throttle.js';
import { buildNack, buildPli, buildFir, buildReceiverReport } from './rtcp-out.js';

export interface ProducerRtpMapping {
  codecs: { payloadType: number; mappedPayloadType: number }[];
  encodings: { ssrc?: number; rid?: string; scalabilityMode?: string; mappedSsrc: number }[];
}

export interface ProducerInit {
  producerId: string;
  kind: MediaKind;
  rtpParameters: RtpParameters;
  rtpMapping: ProducerRtpMapping;
  consumableRtpParameters: RtpParameters;
  paused: boolean;
  keyFrameRequestDelay: number;
}

/** What a producer needs from its transport and router. */
export interface ProducerHost {
  sendRtcp(packet: Buffer): void;
  /** A packet (already mapped to router SSRC, payload type and extension ids) for the consumers. */
  forward(producer: WorkerProducer, packet: RtpPacket, keyFrame: boolean): void;
  pausedChanged(producer: WorkerProducer): void;
  /** The SSRC that was learned from the MID (encoding without ssrc). */
  ssrcLearned(producer: WorkerProducer, ssrc: number): void;
  scoreChanged(producer: WorkerProducer): void;
  /**
   * RFC 6464 audio level of a received packet: `level` in -dBov (0 loudest,
   * 127 silence), `voice` the V bit. Only for audio producers that negotiated
   * ssrc-audio-level; called before pause is considered, as observers decide.
   */
  audioLevel(producer: WorkerProducer, level: number, voice: boolean): void;
}

const RTCP_SENDER_SSRC = 1;

export type ProducerDropReason = 'rtx-padding' | 'rtx-malformed' | 'rtp-unknown-payload-type' | 'rtp-duplicate';

/**
 * The receiving end of one producer: maps payload types, SSRCs and header
 * extension ids into the router's space, unwraps RTX, tracks loss (NACK),
 * and answers consumers' keyframe requests with throttled PLI/FIR.
 */
export class WorkerProducer implements RequestHandler {
  readonly id: string;
  readonly kind: MediaKind;
  readonly rtpParameters: RtpParameters;
  readonly mappedSsrc: number;
  #paused: boolean;
  #closed = false;
  #ssrc: number | undefined;
  readonly #rtxSsrc: number | undefined;
  readonly #payloadTypeMap = new Int16Array(128).fill(-1);
  /** RTX payload type → the media payload type it repairs (producer space). */
  readonly #rtxApt = new Int16Array(128).fill(-1);
  readonly #extensionMap = new Uint8Array(256);
  readonly #mimeByPt = new Map<number, string>();
  readonly #clockRate: number;
  readonly #ctx: WorkerContext;
  readonly #host: ProducerHost;
  #stats: RtpStreamRecvStats;
  readonly #nack: NackGenerator | undefined;
  readonly #throttle: KeyFrameRequestThrottle;
  readonly #useFir: boolean;
  readonly #audioLevelExtId: number;
  readonly #videoOrientationExtId: number;
  /** Last CVO byte seen (-1 = none yet), to report changes only. */
  #videoOrientation = -1;
  #nackCount = 0;
  #nackPacketCount = 0;
  #pliCount = 0;
  #firCount = 0;
  #rtxPackets = 0;
  #lastScore = -1;

  constructor(init: ProducerInit, ctx: WorkerContext, host: ProducerHost) {
    this.id = init.producerId;
    this.kind = init.kind;
    this.rtpParameters = init.rtpParameters;
    this.#paused = init.paused;
    this.#ctx = ctx;
    this.#host = host;
    const encoding = init.rtpParameters.encodings?.[0];
    this.#ssrc = encoding?.ssrc;
    this.#rtxSsrc = encoding?.rtx?.ssrc;
    this.mappedSsrc = init.rtpMapping.encodings[0]!.mappedSsrc;
    for (const { payloadType, mappedPayloadType } of init.rtpMapping.codecs) {
      this.#payloadTypeMap[payloadType & 0x7f] = mappedPayloadType;
    }
    for (const codec of init.rtpParameters.codecs) {
      const mime = codec.mimeType.toLowerCase();
      if (mime.endsWith('/rtx')) {
        const apt = Number(codec.parameters?.apt);
        if (Number.isInteger(apt)) this.#rtxApt[codec.payloadType & 0x7f] = apt;
      } else {
        this.#mimeByPt.set(codec.payloadType, codec.mimeType);
      }
    }
    const mainCodec = init.rtpParameters.codecs.find((c) => !c.mimeType.toLowerCase().endsWith('/rtx'));
    this.#clockRate = mainCodec?.clockRate ?? 90000;
    // Producer extension ids → router ids, by URI.
    const routerIds = new Map<string, number>();
    for (const ext of init.consumableRtpParameters.headerExtensions ?? []) routerIds.set(ext.uri, ext.id);
    let audioLevelExtId = 0;
    let videoOrientationExtId = 0;
    for (const ext of init.rtpParameters.headerExtensions ?? []) {
      const to = routerIds.get(ext.uri);
      if (to !== undefined) this.#extensionMap[ext.id] = to;
      if (ext.uri === 'urn:ietf:params:rtp-hdrext:ssrc-audio-level') audioLevelExtId = ext.id;
      if (ext.uri === VIDEO_ORIENTATION_URI) videoOrientationExtId = ext.id;
    }
    this.#audioLevelExtId = audioLevelExtId;
    this.#videoOrientationExtId = videoOrientationExtId;
    const fb = mainCodec?.rtcpFeedback ?? [];
    const hasNack = fb.some((f) => f.type === 'nack' && !f.parameter);
    const hasPli = fb.some((f) => f.type === 'nack' && f.parameter === 'pli');
    const hasFir = fb.some((f) => f.type === 'ccm' && f.parameter === 'fir');
    this.#useFir = !hasPli && hasFir;
    this.#stats = new RtpStreamRecvStats({ ssrc: this.#ssrc ?? 0, clockRate: this.#clockRate });
    this.#nack = this.kind === 'video' && hasNack ? new NackGenerator() : undefined;
    this.#throttle = new KeyFrameRequestThrottle({
      minIntervalMs: init.keyFrameRequestDelay > 0 ? init.keyFrameRequestDelay : 1000,
      supportsPli: hasPli || !hasFir,
      supportsFir: hasFir,
    });
  }

  get paused(): boolean {
    return this.#paused;
  }

  get ssrc(): number | undefined {
    return this.#ssrc;
  }

  get rtxSsrc(): number | undefined {
    return this.#rtxSsrc;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get mid(): string | undefined {
    return this.rtpParameters.mid;
  }

  get audioLevelExtensionId(): number {
    return this.#audioLevelExtId;
  }

  close(): void {
    this.#closed = true;
  }

  handleRequest(method: string): unknown {
    switch (method) {
      case 'producer.pause':
        if (!this.#paused) {
          this.#paused = true;
          this.#host.pausedChanged(this);
        }
        return undefined;
      case 'producer.resume':
        if (this.#paused) {
          this.#paused = false;
          this.#host.pausedChanged(this);
          this.requestKeyFrame(true);
        }
        return undefined;
      case 'producer.getStats':
        return [this.#statsRecord()];
      case 'producer.dump':
        return { id: this.id, kind: this.kind, rtpParameters: this.rtpParameters, paused: this.#paused };
      case 'producer.enableTraceEvent':
        return undefined;
      default:
        throw new TypeError(`unknown method '${method}'`);
    }
  }

  isMediaPayloadType(payloadType: number): boolean {
    return this.#mimeByPt.has(payloadType);
  }

  /** Bind an SSRC learned from the MID header extension (encodings without ssrc). */
  learnSsrc(ssrc: number): void {
    if (this.#ssrc !== undefined) return;
    this.#ssrc = ssrc;
    this.#stats = new RtpStreamRecvStats({ ssrc, clockRate: this.#clockRate });
    this.#host.ssrcLearned(this, ssrc);
  }

  /**
   * Takes one received RTP packet (already SRTP-decrypted and parsed). Never
   * throws. Returns the reason when the packet is not forwarded, for the
   * transport's drop counters.
   */
  receiveRtp(packet: RtpPacket, now: number): ProducerDropReason | undefined {
    let isRtx = false;
    if (packet.ssrc === this.#rtxSsrc || this.#rtxApt[packet.payloadType] !== -1) {
      // Padding-only RTX packets are bandwidth probes: nothing to repair.
      if (packet.payloadLength === 0) return 'rtx-padding';
      const repaired = this.#unwrapRtx(packet);
      if (!repaired) return 'rtx-malformed';
      packet = repaired;
      isRtx = true;
      this.#rtxPackets++;
    }
    const mappedPt = this.#payloadTypeMap[packet.payloadType] ?? -1;
    if (mappedPt < 0) return 'rtp-unknown-payload-type';
    const mime = this.#mimeByPt.get(packet.payloadType) ?? '';
    const keyFrame = this.kind === 'video' && isKeyFrame(mime, packet.payload);
    // A copy of a packet already here: Chromium pads its bandwidth probes with RTX copies of sent
    // packets once it gets transport-cc feedback. Forwarding them would burst duplicates (and stale
    // key-frame starts) to every consumer.
    if (this.#stats.onPacket(packet.sequenceNumber, packet.timestamp, packet.byteLength, now, isRtx) === 'duplicate') return 'rtp-duplicate';
    if (this.#nack) {
      const decision = this.#nack.onPacket(packet.sequenceNumber, keyFrame, now);
      if (decision.nack.length > 0) this.#sendNack(decision.nack);
      if (decision.keyFrameNeeded) this.requestKeyFrame(true);
    }
    if (keyFrame) this.#throttle.onKeyFrame(now);
    if (this.#audioLevelExtId !== 0 && !isRtx) {
      const value = packet.getExtension(this.#audioLevelExtId);
      if (value && value.length >= 1) this.#host.audioLevel(this, value[0]! & 0x7f, (value[0]! & 0x80) !== 0);
    }
    // Senders put CVO (3GPP TS 26.114 §7.4.5) on the last packet of a frame.
    if (this.#videoOrientationExtId !== 0 && packet.marker) this.#checkVideoOrientation(packet);
    if (this.#paused) return undefined;
    packet.ssrc = this.mappedSsrc;
    packet.payloadType = mappedPt;
    packet.remapExtensions(this.#extensionMap);
    this.#host.forward(this, packet, keyFrame);
    return undefined;
  }

  /** Periodic work: NACK retries, RTCP receiver report, score. */
  onTimer(now: number): void {
    const held = this.#throttle.onTimer(now);
    if (held !== 'suppress') this.#sendKeyFrameRequest(held);
    if (this.#nack) {
      const decision = this.#nack.onTimer(now);
      if (decision.nack.length > 0) this.#sendNack(decision.nack);
      if (decision.keyFrameNeeded) this.requestKeyFrame(true);
    }
  }

  /** A receiver report block for this stream, or undefined before the first packet. */
  buildReceiverReport(now: number): Buffer | undefined {
    if (this.#ssrc === undefined || this.#stats.packetsReceived === 0) return undefined;
    const block = this.#stats.buildReportBlock(now);
    this.#updateScore();
    if (!block) return undefined;
    return buildReceiverReport(RTCP_SENDER_SSRC, [block]);
  }

  /** The remote sent an SR for this stream. */
  receiveSenderReport(ntpSeconds: number, ntpFraction: number, rtpTimestamp: number, now: number): void {
    this.#stats.onSenderReport(ntpSeconds, ntpFraction, rtpTimestamp, now);
  }

  /** A consumer asked for a keyframe: send PLI (or FIR) unless one was sent just now. */
  requestKeyFrame(force = false): void {
    if (this.kind !== 'video' || this.#ssrc === undefined) return;
    const now = this.#ctx.now();
    const decision = this.#throttle.request(this.#useFir ? 'fir' : 'pli', now, force);
    if (decision !== 'suppress') this.#sendKeyFrameRequest(decision);
  }

  #sendKeyFrameRequest(decision: 'send-pli' | 'send-fir'): void {
    if (this.#ssrc === undefined) return;
    if (decision === 'send-fir') {
      this.#firCount++;
      this.#host.sendRtcp(buildFir(RTCP_SENDER_SSRC, this.#ssrc, this.#throttle.firSeqNr));
    } else {
      this.#pliCount++;
      this.#host.sendRtcp(buildPli(RTCP_SENDER_SSRC, this.#ssrc));
    }
  }

  #checkVideoOrientation(packet: RtpPacket): void {
    const value = packet.getExtension(this.#videoOrientationExtId);
    if (!value || value.length < 1) return;
    const byte = value[0]! & 0x0f;
    if (byte === this.#videoOrientation) return;
    this.#videoOrientation = byte;
    this.#ctx.notify(this.id, 'videoorientationchange', {
      camera: (byte & 0x08) !== 0,
      flip: (byte & 0x04) !== 0,
      rotation: [0, 90, 180, 270][byte & 0x03]!,
    });
  }

  #sendNack(seqs: readonly number[]): void {
    if (this.#ssrc === undefined) return;
    this.#nackCount++;
    this.#nackPacketCount += seqs.length;
    this.#host.sendRtcp(buildNack(RTCP_SENDER_SSRC, this.#ssrc, seqs));
  }

  /** RFC 4588: the first two payload bytes are the original sequence number. */
  #unwrapRtx(packet: RtpPacket): RtpPacket | undefined {
    const apt = this.#rtxApt[packet.payloadType] ?? -1;
    if (apt < 0 || this.#ssrc === undefined) return undefined;
    const payload = packet.payload;
    if (payload.length < 2) return undefined;
    const osn = payload.readUInt16BE(0);
    const src = packet.buffer;
    const headerLength = packet.headerLength;
    const out = Buffer.allocUnsafe(src.length - 2);
    src.copy(out, 0, 0, headerLength);
    src.copy(out, headerLength, headerLength + 2);
    const repaired = RtpPacket.parse(out);
    if (!repaired) return undefined;
    repaired.ssrc = this.#ssrc;
    repaired.payloadType = apt;
    repaired.sequenceNumber = osn;
    return repaired;
  }

  #updateScore(): void {
    const score = this.#stats.updateScore();
    if (score === this.#lastScore) return;
    this.#lastScore = score;
    this.#ctx.notify(this.id, 'score', [{ encodingIdx: 0, ssrc: this.#ssrc ?? 0, score }]);
    this.#host.scoreChanged(this);
  }

  get score(): number {
    return this.#lastScore < 0 ? 10 : this.#lastScore;
  }

  #statsRecord(): Record<string, unknown> {
    const s = this.#stats;
    const codec = this.rtpParameters.codecs.find((c) => !c.mimeType.toLowerCase().endsWith('/rtx'));
    const record: Record<string, unknown> = {
      type: 'inbound-rtp',
      timestamp: Date.now(),
      ssrc: this.#ssrc ?? 0,
      kind: this.kind,
      mimeType: codec?.mimeType ?? '',
      packetsLost: s.cumulativeLost,
      fractionLost: s.fractionLost,
      packetsDiscarded: 0,
      packetsRetransmitted: this.#rtxPackets,
      packetsRepaired: s.packetsRepaired,
      nackCount: this.#nackCount,
      nackPacketCount: this.#nackPacketCount,
      pliCount: this.#pliCount,
      firCount: this.#firCount,
      score: this.score,
      packetCount: s.packetsReceived,
      byteCount: s.bytesReceived,
      bitrate: s.bitrate(this.#ctx.now()),
      jitter: s.jitter,
    };
    if (this.#rtxSsrc !== undefined) record.rtxSsrc = this.#rtxSsrc;
    return record;
  }
}
