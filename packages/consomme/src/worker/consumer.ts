import type { MediaKind, RtpParameters } from '../ortc/types.js';
import type { RtpPacket } from '../wire/rtp/packet.js';
import type { RequestHandler, WorkerContext } from './context.js';
import { SentPackets, writePicture } from './sent-packets.js';
import { RtpStreamSendStats } from './rtp/rtp-stream-send-stats.js';
import { SeqManager } from './rtp/seq-manager.js';
import { MAX_RTP_WRITE, writeConsumerRtp, type RtpWriteSpec } from './rtp-writer.js';
import { buildSenderReport } from './rtcp-out.js';
import { unixMsToNtp } from './rtp/ntp.js';
import { ABS_SEND_TIME_URI, TRANSPORT_WIDE_CC_URI, absSendTimeFromMs } from '../wire/rtp/extensions.js';
import { RtpPacket as RtpView } from '../wire/rtp/packet.js';
import type { ReportBlock } from '../wire/rtcp/index.js';
import type { PacketLayerInfo } from './rtp/layer-info.js';
import { LayerSelector } from './rtp/layer-selector.js';
import { Vp8PictureRewriter } from './rtp/vp8-picture-rewriter.js';
import { TimestampOffset } from './rtp/timestamp-offset.js';
import { writePaddingPacket, writeRtxPacket } from './rtp/rtx-packets.js';

export interface ConsumerInit {
  consumerId: string;
  producerId: string;
  kind: MediaKind;
  rtpParameters: RtpParameters;
  paused: boolean;
  ignoreDtx: boolean;
  /** The producer's type: layered consumers choose what to forward. */
  type?: 'simple' | 'simulcast' | 'svc';
  preferredLayers?: { spatialLayer?: number; temporalLayer?: number } | undefined;
}

/** The producer's layer structure, for layered consumers. */
export interface ConsumerLayerSource {
  type: 'simple' | 'simulcast' | 'svc';
  spatialLayers: number;
  temporalLayers: number;
}

export interface ConsumerLayers {
  spatialLayer: number;
  temporalLayer: number;
}

/** What a consumer needs from its transport and router. */
export interface ConsumerHost {
  sendRtp(packet: Buffer, length: number): void;
  sendRtcp(packet: Buffer): void;
  /** Ask the producer for a keyframe (throttled there). */
  requestKeyFrame(consumer: WorkerConsumer): void;
  /** Whether the transport can send media now (DTLS-SRTP up). */
  isConnected(): boolean;
  /** The transport's next transport-wide sequence number (one counter per sending transport). */
  nextTransportSeq(): number;
  /** A layered consumer's preferences or priority changed: the transport re-shares its bitrate. */
  layersWanted(consumer: WorkerConsumer): void;
  /** A packet with transport-wide sequence number `seq` left (for the send-side estimate). */
  packetSent(seq: number, bytes: number, probeClusterId?: number): void;
  /** The producer's packet `seq` of encoding `encodingIdx` as the router forwarded it, while kept (the view is valid until the next call). */
  forwardedPacket(encodingIdx: number, seq: number, now: number): Buffer | undefined;
}

/** SRTP adds its auth tag (10 bytes for the common profiles); the estimate counts wire bytes. */
const SRTP_OVERHEAD = 10;
const PADDING_SCRATCH = Buffer.alloc(MAX_RTP_WRITE);

// One scratch buffer per worker: a packet is written, protected (which
// copies) and sent before the next one is written.
const scratch = Buffer.allocUnsafe(MAX_RTP_WRITE);
const rtxScratch = Buffer.allocUnsafe(MAX_RTP_WRITE + 2);

/**
 * The sending end of one consumer: rewrites SSRC, payload type, sequence
 * number and extensions for its endpoint, keeps sequence numbers continuous
 * across pauses, waits for a keyframe before resuming video, and answers
 * the endpoint's NACKs from what it sent (sent-packets.ts; through RTX when
 * negotiated).
 */
export class WorkerConsumer implements RequestHandler {
  readonly id: string;
  readonly producerId: string;
  readonly kind: MediaKind;
  readonly type: 'simple' | 'simulcast' | 'svc';
  readonly rtpParameters: RtpParameters;
  readonly ssrc: number;
  readonly rtxSsrc: number | undefined;
  readonly #ctx: WorkerContext;
  readonly #host: ConsumerHost;
  readonly #spec: RtpWriteSpec;
  readonly #rtxPayloadType: number;
  readonly #clockRate: number;
  readonly #ignoreDtx: boolean;
  readonly #seq: SeqManager;
  /** What it sent, to resend (when the endpoint negotiated NACK). */
  readonly #sent: SentPackets | undefined;
  readonly #stats: RtpStreamSendStats;
  #rtxSeq = Math.floor(Math.random() * 0x8000);
  #paused: boolean;
  #producerPaused = false;
  #closed = false;
  /** Video must restart on a keyframe: after creation, a resume or a loss the receiver cannot repair. */
  #waitingForKeyFrame: boolean;
  #syncRequired = true;
  #lastScore = -1;
  #producerScore = 10;
  #producerScores: number[] = [10];
  /** Layered consumers only. */
  readonly #selector: LayerSelector | undefined;
  readonly #pictures: Vp8PictureRewriter | undefined;
  readonly #timestamps: TimestampOffset;
  #preferredSpatial = -1;
  #preferredTemporal = -1;
  #priority = 1;
  /** Last layers reported in 'layerschange' (-2 = never reported). */
  #reportedSpatial = -2;
  #reportedTemporal = -2;
  #traceTypes = new Set<string>();
  #lastStream = -1;

  constructor(init: ConsumerInit, ctx: WorkerContext, host: ConsumerHost, source?: ConsumerLayerSource) {
    this.id = init.consumerId;
    this.producerId = init.producerId;
    this.kind = init.kind;
    this.rtpParameters = init.rtpParameters;
    this.#ctx = ctx;
    this.#host = host;
    this.#paused = init.paused;
    this.#ignoreDtx = init.ignoreDtx === true && init.kind === 'audio';
    const encoding = init.rtpParameters.encodings?.[0];
    this.ssrc = encoding?.ssrc ?? 0;
    this.rtxSsrc = encoding?.rtx?.ssrc;
    const codec = init.rtpParameters.codecs[0]!;
    this.#clockRate = codec.clockRate;
    const rtx = init.rtpParameters.codecs.find(
      (c) => c.mimeType.toLowerCase().endsWith('/rtx') && Number(c.parameters?.apt) === codec.payloadType,
    );
    this.#rtxPayloadType = rtx?.payloadType ?? -1;
    const allowed = new Uint8Array(256);
    let midExtensionId = 0;
    let transportCcExtensionId = 0;
    let absSendTimeExtensionId = 0;
    for (const ext of init.rtpParameters.headerExtensions ?? []) {
      allowed[ext.id] = 1;
      if (ext.uri === 'urn:ietf:params:rtp-hdrext:sdes:mid') midExtensionId = ext.id;
      if (ext.uri === TRANSPORT_WIDE_CC_URI) transportCcExtensionId = ext.id;
      if (ext.uri === ABS_SEND_TIME_URI) absSendTimeExtensionId = ext.id;
    }
    this.#spec = {
      ssrc: this.ssrc,
      payloadType: codec.payloadType,
      sequenceNumber: 0,
      timestamp: 0,
      allowedExtensions: allowed,
      midExtensionId,
      mid: Buffer.from(init.rtpParameters.mid ?? '', 'utf8'),
      transportCcExtensionId,
      transportSeq: 0,
      absSendTimeExtensionId,
      absSendTime: 0,
    };
    this.#seq = new SeqManager({ initialOutputSeq: Math.floor(Math.random() * 0x8000) });
    const nack = codec.rtcpFeedback?.some((f) => f.type === 'nack' && !f.parameter) ?? false;
    this.#sent = nack ? new SentPackets(init.kind, this.#spec, (encodingIdx, seq, now) => host.forwardedPacket(encodingIdx, seq, now)) : undefined;
    this.#stats = new RtpStreamSendStats({ ssrc: this.ssrc, clockRate: this.#clockRate });
    this.#waitingForKeyFrame = init.kind === 'video';
    this.type = init.kind === 'video' && source ? source.type : 'simple';
    this.#timestamps = new TimestampOffset(this.#clockRate);
    if (this.type !== 'simple' && source) {
      this.#selector = new LayerSelector({ svc: this.type === 'svc', spatialLayers: source.spatialLayers, temporalLayers: source.temporalLayers });
      this.#preferredSpatial = this.#selector.spatialLayers - 1;
      this.#preferredTemporal = this.#selector.temporalLayers - 1;
      if (init.preferredLayers) this.#setPreferredLayers(init.preferredLayers);
      this.#selector.setTarget(this.#preferredSpatial, this.#preferredTemporal);
      if (this.type === 'simulcast' && codec.mimeType.toLowerCase() === 'video/vp8') this.#pictures = new Vp8PictureRewriter();
    }
  }

  get layered(): boolean {
    return this.#selector !== undefined;
  }

  get priority(): number {
    return this.#priority;
  }

  get preferredLayers(): ConsumerLayers | undefined {
    if (!this.#selector) return undefined;
    return { spatialLayer: this.#preferredSpatial, temporalLayer: this.#preferredTemporal };
  }

  get currentLayers(): ConsumerLayers | undefined {
    const s = this.#selector;
    if (!s || s.currentSpatial < 0 || !this.active) return undefined;
    return { spatialLayer: s.currentSpatial, temporalLayer: s.currentTemporal };
  }

  get targetLayers(): ConsumerLayers | undefined {
    const s = this.#selector;
    if (!s || s.targetSpatial < 0) return undefined;
    return { spatialLayer: s.targetSpatial, temporalLayer: s.targetTemporal };
  }

  /** The simulcast stream a keyframe is needed on (undefined: any/all). */
  get keyFrameEncodingIdx(): number | undefined {
    return this.type === 'simulcast' ? Math.max(0, this.#selector!.targetSpatial) : undefined;
  }

  /**
   * What the transport's allocator grants (-1 = nothing). A new spatial
   * target asks the producer for a keyframe on it.
   */
  setTargetLayers(spatial: number, temporal: number, urgent = false): void {
    const selector = this.#selector;
    if (!selector) return;
    if (spatial === selector.targetSpatial && temporal === selector.targetTemporal) return;
    // Urgent (the link is losing packets): a simulcast consumer going down forwards nothing
    // until the lower stream's keyframe instead of the stream the link cannot carry.
    if (urgent && this.type === 'simulcast' && selector.currentSpatial > Math.min(spatial, this.#preferredSpatial)) {
      selector.reset();
      // Retransmitting the stream being left only adds to the congestion: nothing will decode it.
      this.#sent?.clear();
    }
    const needKeyFrame = selector.setTarget(Math.min(spatial, this.#preferredSpatial), Math.min(temporal, this.#preferredTemporal));
    if (needKeyFrame && this.active) this.#host.requestKeyFrame(this);
    if (spatial < 0) this.#reportLayers();
  }

  get paused(): boolean {
    return this.#paused;
  }

  get producerPaused(): boolean {
    return this.#producerPaused;
  }

  get active(): boolean {
    return !this.#paused && !this.#producerPaused && !this.#closed && this.#host.isConnected();
  }

  /** The transport just became able to send: start cleanly, as after a resume. */
  transportConnected(): void {
    if (!this.#paused && !this.#producerPaused) this.#restart();
  }

  /** Media SSRC and CNAME for the SDES chunk that goes with this consumer's SR. */
  get cname(): string | undefined {
    return this.rtpParameters.rtcp?.cname;
  }

  get score(): { score: number; producerScore: number; producerScores: number[] } {
    const score = this.#lastScore < 0 ? 10 : this.#lastScore;
    return { score, producerScore: this.#producerScore, producerScores: this.#producerScores };
  }

  /**
   * The producer's stream scores changed (mediasoup reports them with the
   * consumer's own): `producerScore` is the forwarded stream's.
   */
  setProducerScores(scores: number[]): void {
    const current = this.#selector && this.type === 'simulcast' ? Math.max(0, this.#selector.currentSpatial) : 0;
    const score = scores[current] ?? Math.max(0, ...scores);
    if (score === this.#producerScore && scores.join() === this.#producerScores.join()) return;
    this.#producerScore = score;
    this.#producerScores = scores;
    this.#ctx.notify(this.id, 'score', this.score);
  }

  close(): void {
    this.#closed = true;
    this.#sent?.clear();
  }

  handleRequest(method: string, data?: unknown): unknown {
    switch (method) {
      case 'consumer.pause':
        this.#paused = true;
        this.#selector?.reset();
        this.#reportLayers();
        return undefined;
      case 'consumer.resume':
        if (this.#paused) {
          this.#paused = false;
          this.#restart();
        }
        return undefined;
      case 'consumer.requestKeyFrame':
        if (this.kind === 'video') this.#host.requestKeyFrame(this);
        return undefined;
      case 'consumer.getStats':
        return [this.#statsRecord()];
      case 'consumer.dump':
        return { id: this.id, producerId: this.producerId, kind: this.kind, type: this.type, rtpParameters: this.rtpParameters, paused: this.#paused, preferredLayers: this.preferredLayers, currentLayers: this.currentLayers, priority: this.#priority };
      case 'consumer.setPreferredLayers': {
        if (!this.#selector) return undefined;
        this.#setPreferredLayers(data as { spatialLayer?: unknown; temporalLayer?: unknown });
        this.#host.layersWanted(this);
        return this.preferredLayers;
      }
      case 'consumer.setPriority': {
        const priority = (data as { priority?: unknown } | undefined)?.priority;
        if (typeof priority !== 'number' || !Number.isInteger(priority) || priority < 1 || priority > 255) throw new TypeError('priority must be an integer from 1 to 255');
        this.#priority = priority;
        this.#host.layersWanted(this);
        return { priority };
      }
      case 'consumer.enableTraceEvent': {
        const types = (data as { types?: unknown } | undefined)?.types;
        this.#traceTypes = new Set(Array.isArray(types) ? types.filter((t): t is string => typeof t === 'string') : []);
        return undefined;
      }
      default:
        throw new TypeError(`unknown method '${method}'`);
    }
  }

  setProducerPaused(paused: boolean): void {
    if (this.#producerPaused === paused) return;
    this.#producerPaused = paused;
    this.#ctx.notify(this.id, paused ? 'producerpause' : 'producerresume');
    if (paused) {
      this.#selector?.reset();
      this.#reportLayers();
    } else this.#restart();
  }

  /** Forward one producer packet (router id space). Never throws. */
  sendRtp(packet: RtpPacket, info: PacketLayerInfo): void {
    if (!this.active) return;
    // Opus DTX packets carry no audio (1-2 bytes); some receivers prefer not to see them.
    if (this.#ignoreDtx && packet.payloadLength <= 2) {
      if (!this.#syncRequired) this.#seq.drop(packet.sequenceNumber);
      return;
    }
    const now = this.#ctx.now();
    const selector = this.#selector;
    let marker = false;
    if (selector) {
      const decision = selector.onPacket(info);
      if (decision === 'skip') return;
      if (decision === 'drop') {
        if (!this.#syncRequired) this.#seq.drop(packet.sequenceNumber);
        this.#pictures?.drop(info);
        return;
      }
      if (selector.streamChanged) {
        this.#syncRequired = true;
        if (info.encodingIdx !== this.#lastStream) {
          // Another simulcast stream: its clock and picture numbering are its own.
          this.#lastStream = info.encodingIdx;
          this.#timestamps.sync(packet.timestamp, now);
          this.#pictures?.sync();
        }
      }
      if (selector.currentSpatial !== this.#reportedSpatial || selector.currentTemporal !== this.#reportedTemporal) this.#reportLayers();
      marker = selector.marker;
    } else if (this.#waitingForKeyFrame) {
      if (!info.keyFrame) return;
      this.#waitingForKeyFrame = false;
    }
    // After creation or any pause (ours or the producer's) the next forwarded
    // packet follows the last one we sent, so the receiver sees no gap.
    if (this.#syncRequired) {
      this.#seq.sync(packet.sequenceNumber);
      this.#syncRequired = false;
    }
    const seq = this.#seq.input(packet.sequenceNumber);
    if (seq === undefined) return;
    const spec = this.#spec;
    const timestamp = this.#timestamps.map(packet.timestamp, now);
    spec.sequenceNumber = seq;
    spec.timestamp = timestamp;
    if (spec.transportCcExtensionId !== 0) spec.transportSeq = this.#host.nextTransportSeq();
    if (spec.absSendTimeExtensionId !== 0) spec.absSendTime = absSendTimeFromMs(now);
    const length = writeConsumerRtp(packet, scratch, spec);
    if (length === 0) return;
    if (spec.transportCcExtensionId !== 0) this.#host.packetSent(spec.transportSeq, length + SRTP_OVERHEAD);
    if (marker) scratch[1] = scratch[1]! | 0x80;
    let pictureId = -1;
    let tl0PicIdx = -1;
    if (this.#pictures) {
      this.#pictures.map(info);
      pictureId = this.#pictures.pictureId;
      tl0PicIdx = this.#pictures.tl0PicIdx;
      writePicture(scratch, length, pictureId, tl0PicIdx);
    }
    this.#sent?.remember(seq, timestamp, now, info.encodingIdx, packet.sequenceNumber, marker, pictureId, tl0PicIdx);
    this.#stats.onPacketSent(length, packet.payloadLength, timestamp, now);
    if (this.#traceTypes.size !== 0) {
      if (info.keyFrame) this.#trace('keyframe', 'out', { ssrc: this.ssrc, sequenceNumber: seq, timestamp });
      this.#trace('rtp', 'out', { ssrc: this.ssrc, sequenceNumber: seq, timestamp, spatialLayer: info.spatialLayer, temporalLayer: info.temporalLayer });
    }
    this.#host.sendRtp(scratch, length);
  }

  /** Bitrate sent lately, bps (what a non-layered consumer takes from the transport's estimate). */
  sendBitrate(now: number): number {
    return this.#stats.bitrate(now);
  }

  get roundTripTimeMs(): number | undefined {
    return this.#stats.roundTripTimeMs;
  }

  /** Probes go as RTX padding: a live video stream with RTX and transport-cc, ids the one-byte form can carry. */
  get canSendProbePadding(): boolean {
    const spec = this.#spec;
    return (
      this.kind === 'video' &&
      this.active &&
      this.#rtxPayloadType >= 0 &&
      this.rtxSsrc !== undefined &&
      spec.transportCcExtensionId > 0 &&
      spec.transportCcExtensionId <= 14 &&
      spec.midExtensionId <= 14 &&
      spec.mid.length <= 16 &&
      this.#stats.packetsSent > 0
    );
  }

  /**
   * Sends one padding-only RTX packet of about `size` bytes (RFC 3550 §5.1
   * padding; receivers count it for transport-cc and discard it). Returns
   * the bytes sent.
   */
  sendProbePadding(probeClusterId: number, size: number): number {
    if (!this.canSendProbePadding) return 0;
    // Best: a full-size RTX copy of the newest packet (the receiver drops the duplicate). Probes
    // of small padding packets would fit in a shaper's burst allowance and prove nothing.
    const recent = this.#sent?.newest(this.#ctx.now());
    if (recent) {
      const length = this.#wrapRtx(recent.packet, recent.seq, probeClusterId);
      this.#host.sendRtp(rtxScratch, length);
      return length;
    }
    const spec = this.#spec;
    const seq = this.#host.nextTransportSeq() & 0xffff;
    this.#rtxSeq = (this.#rtxSeq + 1) & 0xffff;
    const out = PADDING_SCRATCH;
    const length = writePaddingPacket(out, {
      payloadType: this.#rtxPayloadType,
      sequenceNumber: this.#rtxSeq,
      timestamp: this.#timestamps.lastOutputTimestamp ?? 0,
      ssrc: this.rtxSsrc!,
      transportCcExtensionId: spec.transportCcExtensionId,
      transportSeq: seq,
      midExtensionId: spec.midExtensionId,
      mid: spec.mid,
      size,
    });
    this.#host.packetSent(seq, length + SRTP_OVERHEAD, probeClusterId);
    this.#host.sendRtp(out, length);
    return length;
  }

  #setPreferredLayers(layers: { spatialLayer?: unknown; temporalLayer?: unknown } | undefined): void {
    const selector = this.#selector!;
    const spatial = layers?.spatialLayer;
    if (typeof spatial !== 'number' || !Number.isInteger(spatial) || spatial < 0) throw new TypeError('missing or invalid spatialLayer');
    const temporal = layers?.temporalLayer;
    if (temporal !== undefined && (typeof temporal !== 'number' || !Number.isInteger(temporal) || temporal < 0)) throw new TypeError('invalid temporalLayer');
    this.#preferredSpatial = Math.min(spatial, selector.spatialLayers - 1);
    this.#preferredTemporal = Math.min(temporal ?? selector.temporalLayers - 1, selector.temporalLayers - 1);
  }

  #reportLayers(): void {
    const current = this.currentLayers;
    const spatial = current?.spatialLayer ?? -1;
    const temporal = current?.temporalLayer ?? -1;
    if (spatial === this.#reportedSpatial && temporal === this.#reportedTemporal) return;
    if (this.#reportedSpatial === -2 && spatial === -1) return;
    this.#reportedSpatial = spatial;
    this.#reportedTemporal = temporal;
    this.#ctx.notify(this.id, 'layerschange', current ?? null);
  }

  #trace(type: string, direction: 'in' | 'out', info: Record<string, unknown>): void {
    if (!this.#traceTypes.has(type)) return;
    this.#ctx.notify(this.id, 'trace', { type, timestamp: Date.now(), direction, info });
  }

  /** The endpoint lost these packets: resend what is still buffered. */
  receiveNack(seqs: readonly number[]): void {
    this.#stats.onNack(seqs.length);
    this.#trace('nack', 'in', { ssrc: this.ssrc, count: seqs.length });
    if (!this.#sent || !this.active) return;
    const now = this.#ctx.now();
    for (const seq of seqs) {
      const packet = this.#sent.resend(seq, now);
      if (!packet) continue;
      this.#stats.onPacketSent(packet.length, packet.length - 12, packet.readUInt32BE(4), now, true);
      if (this.#rtxPayloadType >= 0 && this.rtxSsrc !== undefined) {
        const length = this.#wrapRtx(packet, seq);
        this.#host.sendRtp(rtxScratch, length);
      } else {
        this.#refreshTransportExtensions(packet);
        this.#host.sendRtp(packet, packet.length);
      }
    }
  }

  receiveKeyFrameRequest(type: 'pli' | 'fir'): void {
    this.#stats.onKeyFrameRequest(type);
    this.#trace(type, 'in', { ssrc: this.ssrc });
    if (this.active && this.kind === 'video') this.#host.requestKeyFrame(this);
  }

  receiveReceiverReport(block: ReportBlock, now: number): void {
    // Report blocks about our RTX stream count another sequence space: ignore them.
    if (block.ssrc !== this.ssrc) return;
    this.#stats.onReceiverReport(block, now, unixMsToNtp(Date.now()));
    const rtt = this.#stats.roundTripTimeMs;
    if (rtt !== undefined) this.#sent?.setRtt(rtt);
    const score = this.#stats.score;
    if (score !== this.#lastScore) {
      this.#lastScore = score;
      this.#ctx.notify(this.id, 'score', this.score);
    }
  }

  /** An SR (plus nothing else) for lip sync, or undefined before anything was sent. */
  buildSenderReport(now: number): Buffer | undefined {
    const info = this.#stats.buildSenderReport(now, unixMsToNtp(Date.now()));
    if (!info) return undefined;
    return buildSenderReport(info);
  }

  #restart(): void {
    this.#syncRequired = true;
    this.#selector?.reset();
    if (this.kind === 'video') {
      this.#waitingForKeyFrame = true;
      this.#host.requestKeyFrame(this);
    }
  }

  /** RFC 4588 §4: RTX header with its own SSRC and sequence, the original seq first in the payload. */
  #wrapRtx(original: Buffer, seq: number, probeClusterId?: number): number {
    this.#rtxSeq = (this.#rtxSeq + 1) & 0xffff;
    const length = writeRtxPacket(rtxScratch, original, seq, this.#rtxPayloadType, this.#rtxSeq, this.rtxSsrc!);
    this.#refreshTransportExtensions(rtxScratch.subarray(0, length), probeClusterId);
    return length;
  }

  /** A retransmission is a new packet on the wire: new transport-wide sequence number and send time. */
  #refreshTransportExtensions(packet: Buffer, probeClusterId?: number): void {
    const spec = this.#spec;
    if (spec.transportCcExtensionId === 0 && spec.absSendTimeExtensionId === 0) return;
    const view = RtpView.parse(packet);
    if (!view) return;
    const cc = spec.transportCcExtensionId !== 0 ? view.getExtension(spec.transportCcExtensionId) : undefined;
    if (cc && cc.length >= 2) {
      const seq = this.#host.nextTransportSeq() & 0xffff;
      cc.writeUInt16BE(seq, 0);
      this.#host.packetSent(seq, packet.length + SRTP_OVERHEAD, probeClusterId);
    }
    const ast = spec.absSendTimeExtensionId !== 0 ? view.getExtension(spec.absSendTimeExtensionId) : undefined;
    if (ast && ast.length >= 3) ast.writeUIntBE(absSendTimeFromMs(this.#ctx.now()) & 0xffffff, 0, 3);
  }

  #statsRecord(): Record<string, unknown> {
    const s = this.#stats;
    const codec = this.rtpParameters.codecs[0]!;
    const record: Record<string, unknown> = {
      type: 'outbound-rtp',
      timestamp: Date.now(),
      ssrc: this.ssrc,
      kind: this.kind,
      mimeType: codec.mimeType,
      packetsLost: s.packetsLost,
      fractionLost: s.fractionLost,
      packetsDiscarded: 0,
      packetsRetransmitted: s.packetsRetransmitted,
      packetsRepaired: s.packetsRetransmitted,
      nackCount: s.nackCount,
      nackPacketCount: s.nackPacketCount,
      pliCount: s.pliCount,
      firCount: s.firCount,
      score: this.score.score,
      packetCount: s.packetsSent,
      byteCount: s.bytesSent,
      bitrate: s.bitrate(this.#ctx.now()),
    };
    if (this.rtxSsrc !== undefined) record.rtxSsrc = this.rtxSsrc;
    if (s.roundTripTimeMs !== undefined) record.roundTripTime = s.roundTripTimeMs;
    return record;
  }
}
