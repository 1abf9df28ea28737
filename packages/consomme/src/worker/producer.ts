import type { MediaKind, RtpParameters } from '../ortc/types.js';
import { parseScalabilityMode } from '../ortc/scalability.js';
import { producerType, type ProducerType as WorkerProducerType } from '../ortc/producer.js';
import { RtpPacket } from '../wire/rtp/packet.js';
import { isKeyFrame } from '../wire/rtp/codecs/keyframe.js';
import { RID_URI, RRID_URI, VIDEO_ORIENTATION_URI, readSdesString } from '../wire/rtp/extensions.js';
import type { WorkerContext, RequestHandler } from './context.js';
import { buildNack, buildPli, buildFir, buildReceiverReport } from './rtcp-out.js';
import { ProducerStream } from './producer-stream.js';
import { RESEND_WINDOW_MS } from './rtp/retransmission-buffer.js';
import { DEPENDENCY_DESCRIPTOR_URI, parseDependencyDescriptor } from '../wire/rtp/dependency-descriptor.js';
import { PacketLayerInfo, layeredCodecOf, type LayeredCodec } from './rtp/layer-info.js';
import type { ReceiverReportBlock } from './rtp/rtp-stream-recv-stats.js';

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
  forward(producer: WorkerProducer, packet: RtpPacket, info: PacketLayerInfo): void;
  pausedChanged(producer: WorkerProducer): void;
  /** An SSRC learned from the MID/RID header extensions (encodings without ssrc). */
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


export type ProducerDropReason = 'rtx-padding' | 'rtx-malformed' | 'rtp-unknown-payload-type' | 'rtp-duplicate' | 'rtp-unknown-ssrc' | 'av1-dd-unreadable';

/**
 * The receiving end of one producer: maps payload types, SSRCs and header
 * extension ids into the router's space, unwraps RTX, tracks loss (NACK),
 * and answers consumers' keyframe requests with throttled PLI/FIR. A
 * simulcast producer has one stream per encoding, found by SSRC or by the
 * RID header extension; an SVC producer has one stream carrying every layer.
 */
export class WorkerProducer implements RequestHandler {
  readonly id: string;
  readonly kind: MediaKind;
  readonly type: WorkerProducerType;
  readonly rtpParameters: RtpParameters;
  readonly streams: readonly ProducerStream[];
  #paused: boolean;
  #closed = false;
  readonly #streamBySsrc = new Map<number, ProducerStream>();
  readonly #payloadTypeMap = new Int16Array(128).fill(-1);
  /** RTX payload type → the media payload type it repairs (producer space). */
  readonly #rtxApt = new Int16Array(128).fill(-1);
  readonly #extensionMap = new Uint8Array(256);
  readonly #mimeByPt = new Map<number, string>();
  readonly #codecByPt = new Map<number, LayeredCodec>();
  readonly #ctx: WorkerContext;
  readonly #host: ProducerHost;
  readonly #useFir: boolean;
  readonly #audioLevelExtId: number;
  readonly #videoOrientationExtId: number;
  readonly #ridExtId: number;
  readonly #rridExtId: number;
  /** AV1 dependency descriptor id (producer space), 0 when not negotiated. */
  readonly #ddExtId: number;
  /** Reused for every forwarded packet: consumers read it synchronously. */
  readonly #info = new PacketLayerInfo();
  /** Last CVO byte seen (-1 = none yet), to report changes only. */
  #videoOrientation = -1;
  #traceTypes = new Set<string>();

  constructor(init: ProducerInit, ctx: WorkerContext, host: ProducerHost) {
    this.id = init.producerId;
    this.kind = init.kind;
    this.rtpParameters = init.rtpParameters;
    this.#paused = init.paused;
    this.#ctx = ctx;
    this.#host = host;
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
        this.#codecByPt.set(codec.payloadType, layeredCodecOf(codec.mimeType));
      }
    }
    const mainCodec = init.rtpParameters.codecs.find((c) => !c.mimeType.toLowerCase().endsWith('/rtx'));
    const clockRate = mainCodec?.clockRate ?? 90000;
    // Producer extension ids → router ids, by URI.
    const routerIds = new Map<string, number>();
    for (const ext of init.consumableRtpParameters.headerExtensions ?? []) routerIds.set(ext.uri, ext.id);
    let audioLevelExtId = 0;
    let videoOrientationExtId = 0;
    let ridExtId = 0;
    let rridExtId = 0;
    let ddExtId = 0;
    for (const ext of init.rtpParameters.headerExtensions ?? []) {
      const to = routerIds.get(ext.uri);
      if (to !== undefined) this.#extensionMap[ext.id] = to;
      if (ext.uri === 'urn:ietf:params:rtp-hdrext:ssrc-audio-level') audioLevelExtId = ext.id;
      if (ext.uri === VIDEO_ORIENTATION_URI) videoOrientationExtId = ext.id;
      if (ext.uri === RID_URI) ridExtId = ext.id;
      if (ext.uri === RRID_URI) rridExtId = ext.id;
      if (ext.uri === DEPENDENCY_DESCRIPTOR_URI) ddExtId = ext.id;
    }
    this.#audioLevelExtId = audioLevelExtId;
    this.#videoOrientationExtId = videoOrientationExtId;
    this.#ridExtId = ridExtId;
    this.#rridExtId = rridExtId;
    this.#ddExtId = ddExtId;
    const fb = mainCodec?.rtcpFeedback ?? [];
    const hasNack = fb.some((f) => f.type === 'nack' && !f.parameter);
    const hasPli = fb.some((f) => f.type === 'nack' && f.parameter === 'pli');
    const hasFir = fb.some((f) => f.type === 'ccm' && f.parameter === 'fir');
    this.#useFir = !hasPli && hasFir;
    const encodings = init.rtpParameters.encodings ?? [];
    const mode = parseScalabilityMode(encodings[0]?.scalabilityMode);
    this.type = producerType(init.kind, encodings.length, mode, mainCodec?.mimeType ?? '');
    this.streams = encodings.map((encoding, index) => {
      const encodingMode = parseScalabilityMode(encoding.scalabilityMode);
      return new ProducerStream({
        index,
        ssrc: encoding.ssrc,
        rtxSsrc: encoding.rtx?.ssrc,
        rid: encoding.rid,
        mappedSsrc: init.rtpMapping.encodings[index]!.mappedSsrc,
        clockRate,
        spatialLayers: this.type === 'svc' ? encodingMode.spatialLayers : 1,
        temporalLayers: encodingMode.temporalLayers,
        nack: this.kind === 'video' && hasNack,
        keyFrameRequestDelay: init.keyFrameRequestDelay,
        supportsPli: hasPli || !hasFir,
        supportsFir: hasFir,
        // A little longer than consumers keep their references (consumer.ts), which start later.
        keepForResendMs: (this.kind === 'audio' ? RESEND_WINDOW_MS.audio : RESEND_WINDOW_MS.video) + 500,
      });
    });
    for (const stream of this.streams) {
      if (stream.ssrc !== undefined) this.#streamBySsrc.set(stream.ssrc, stream);
      if (stream.rtxSsrc !== undefined) this.#streamBySsrc.set(stream.rtxSsrc, stream);
    }
  }

  get paused(): boolean {
    return this.#paused;
  }

  /** SSRCs (media and RTX) the endpoint declared up front. */
  get declaredSsrcs(): number[] {
    return [...this.#streamBySsrc.keys()];
  }

  /** Media SSRCs known so far (declared or learned). */
  get mediaSsrcs(): number[] {
    return this.streams.flatMap((s) => (s.ssrc === undefined ? [] : [s.ssrc]));
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

  /** Spatial layers a consumer can choose among: simulcast streams, or the SVC stream's spatial layers. */
  get spatialLayerCount(): number {
    return this.type === 'svc' ? this.streams[0]!.spatialLayers : this.streams.length;
  }

  get temporalLayerCount(): number {
    return this.streams[0]?.temporalLayers ?? 1;
  }

  close(): void {
    this.#closed = true;
  }

  handleRequest(method: string, data?: unknown): unknown {
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
        return this.streams.filter((s) => s.ssrc !== undefined).map((s) => this.#statsRecord(s));
      case 'producer.dump':
        return { id: this.id, kind: this.kind, type: this.type, rtpParameters: this.rtpParameters, paused: this.#paused };
      case 'producer.enableTraceEvent': {
        const types = (data as { types?: unknown } | undefined)?.types;
        this.#traceTypes = new Set(Array.isArray(types) ? types.filter((t): t is string => typeof t === 'string') : []);
        return undefined;
      }
      default:
        throw new TypeError(`unknown method '${method}'`);
    }
  }

  isMediaPayloadType(payloadType: number): boolean {
    return this.#mimeByPt.has(payloadType);
  }

  /**
   * Binds an unknown SSRC that arrived with this producer's MID: to the
   * encoding its RID (or, for RTX, its RRID) names, or to the only encoding.
   * Returns whether the SSRC now belongs to this producer.
   */
  bindSsrc(packet: RtpPacket): boolean {
    const isRtx = this.#rtxApt[packet.payloadType] !== -1;
    if (!isRtx && !this.isMediaPayloadType(packet.payloadType)) return false;
    const ridId = isRtx ? this.#rridExtId : this.#ridExtId;
    let stream: ProducerStream | undefined;
    const value = ridId !== 0 ? packet.getExtension(ridId) : undefined;
    const rid = value ? readSdesString(value) : undefined;
    if (rid !== undefined) stream = this.streams.find((s) => s.rid === rid);
    else if (this.streams.length === 1) stream = this.streams[0];
    if (!stream) return false;
    if (isRtx) {
      if (stream.rtxSsrc !== undefined) return false;
      stream.rtxSsrc = packet.ssrc;
    } else {
      if (stream.ssrc !== undefined) return false;
      stream.learnSsrc(packet.ssrc);
    }
    this.#streamBySsrc.set(packet.ssrc, stream);
    this.#host.ssrcLearned(this, packet.ssrc);
    return true;
  }

  /**
   * A packet of encoding `encodingIdx` as it was forwarded to consumers, if
   * still kept. The view is valid until the next call.
   */
  forwardedPacket(encodingIdx: number, seq: number, now: number): Buffer | undefined {
    return this.streams[encodingIdx]?.forwarded.get(seq, now)?.packet;
  }

  /**
   * Takes one received RTP packet (already SRTP-decrypted and parsed). Never
   * throws. Returns the reason when the packet is not forwarded, for the
   * transport's drop counters.
   */
  receiveRtp(packet: RtpPacket, now: number): ProducerDropReason | undefined {
    const stream = this.#streamBySsrc.get(packet.ssrc);
    if (!stream) return 'rtp-unknown-ssrc';
    let isRtx = false;
    if (packet.ssrc === stream.rtxSsrc || this.#rtxApt[packet.payloadType] !== -1) {
      // Padding-only RTX packets are bandwidth probes: nothing to repair.
      if (packet.payloadLength === 0) return 'rtx-padding';
      const repaired = this.#unwrapRtx(stream, packet);
      if (!repaired) return 'rtx-malformed';
      packet = repaired;
      isRtx = true;
      stream.rtxPackets++;
    }
    const mappedPt = this.#payloadTypeMap[packet.payloadType] ?? -1;
    if (mappedPt < 0) return 'rtp-unknown-payload-type';
    const mime = this.#mimeByPt.get(packet.payloadType) ?? '';
    const keyFrame = this.kind === 'video' && isKeyFrame(mime, packet.payload);
    // A copy of a packet already here: Chromium pads its bandwidth probes with RTX copies of sent
    // packets once it gets transport-cc feedback. Forwarding them would burst duplicates (and stale
    // key-frame starts) to every consumer.
    if (stream.stats.onPacket(packet.sequenceNumber, packet.timestamp, packet.byteLength, now, isRtx) === 'duplicate') return 'rtp-duplicate';
    if (stream.nack) {
      const decision = stream.nack.onPacket(packet.sequenceNumber, keyFrame, now);
      if (decision.nack.length > 0) this.#sendNack(stream, decision.nack);
      if (decision.keyFrameNeeded) this.#requestStreamKeyFrame(stream, true, now);
    }
    if (keyFrame) {
      stream.throttle.onKeyFrame(now);
      this.#trace('keyframe', { isRtx, ssrc: packet.ssrc, sequenceNumber: packet.sequenceNumber, timestamp: packet.timestamp });
    }
    if (this.#audioLevelExtId !== 0 && !isRtx) {
      const value = packet.getExtension(this.#audioLevelExtId);
      if (value && value.length >= 1) this.#host.audioLevel(this, value[0]! & 0x7f, (value[0]! & 0x80) !== 0);
    }
    // Senders put CVO (3GPP TS 26.114 §7.4.5) on the last packet of a frame.
    if (this.#videoOrientationExtId !== 0 && packet.marker) this.#checkVideoOrientation(packet);
    const info = this.#info;
    info.encodingIdx = stream.index;
    if (this.kind === 'video') {
      const codec = this.#codecByPt.get(packet.payloadType) ?? 'other';
      const av1 = codec === 'av1' && this.#ddExtId !== 0 ? this.#readAv1Layers(stream, packet, keyFrame) : 'absent';
      if (av1 === 'unreadable') {
        stream.previousMarker = packet.marker;
        return 'av1-dd-unreadable';
      }
      if (av1 === 'absent') info.read(codec, packet.payload, keyFrame, packet.marker, stream.previousMarker);
      stream.previousMarker = packet.marker;
      stream.onLayerPacket(info.spatialLayer, info.temporalLayer, packet.byteLength, now);
    } else {
      info.read('other', packet.payload, false, packet.marker, true);
      stream.onLayerPacket(0, 0, packet.byteLength, now);
    }
    if (this.#traceTypes.has('rtp')) this.#trace('rtp', { isRtx, ssrc: packet.ssrc, sequenceNumber: packet.sequenceNumber, spatialLayer: info.spatialLayer, temporalLayer: info.temporalLayer });
    if (this.#paused) return undefined;
    packet.ssrc = stream.mappedSsrc;
    packet.payloadType = mappedPt;
    packet.remapExtensions(this.#extensionMap);
    stream.forwarded.store(packet.sequenceNumber, packet.timestamp, now, packet.buffer);
    this.#host.forward(this, packet, info);
    return undefined;
  }

  /**
   * AV1 layers come from the dependency descriptor, read with the stream's
   * latest template structure. A packet whose descriptor cannot be read (no
   * structure yet, or a template or bytes that do not parse) is dropped, as
   * is one without a descriptor once the stream has shown it sends them:
   * its layer is unknown, and forwarding it whole would hand upper-layer
   * frames to consumers of lower layers, which breaks their decoders. Before
   * the first structure nothing is lost: consumers start at a key frame, and
   * the key frame carries the structure. A stream that never sends a
   * descriptor (no SVC) is forwarded as one layer.
   */
  #readAv1Layers(stream: ProducerStream, packet: RtpPacket, keyFrame: boolean): 'read' | 'absent' | 'unreadable' {
    const value = packet.getExtension(this.#ddExtId);
    if (!value) return stream.ddStructure ? 'unreadable' : 'absent';
    const result = parseDependencyDescriptor(value, stream.ddStructure);
    if (!result.ok) return 'unreadable';
    const dd = result.descriptor;
    if (dd.structure) stream.ddStructure = dd.structure;
    this.#info.readAv1(dd, dd.structure ?? stream.ddStructure!, keyFrame);
    return 'read';
  }

  /** Periodic work: NACK retries, held keyframe requests. */
  onTimer(now: number): void {
    for (const stream of this.streams) {
      const held = stream.throttle.onTimer(now);
      if (held !== 'suppress') this.#sendKeyFrameRequest(stream, held);
      if (stream.nack) {
        const decision = stream.nack.onTimer(now);
        if (decision.nack.length > 0) this.#sendNack(stream, decision.nack);
        if (decision.keyFrameNeeded) this.#requestStreamKeyFrame(stream, true, now);
      }
    }
  }

  /** A receiver report with a block per stream, or undefined before the first packet. */
  buildReceiverReport(now: number): Buffer | undefined {
    const blocks: ReceiverReportBlock[] = [];
    let scoreChanged = false;
    for (const stream of this.streams) {
      if (stream.ssrc === undefined || stream.stats.packetsReceived === 0) continue;
      const block = stream.stats.buildReportBlock(now);
      const score = stream.stats.updateScore();
      if (score !== stream.lastScore) {
        stream.lastScore = score;
        scoreChanged = true;
      }
      if (block) blocks.push(block);
    }
    if (scoreChanged) {
      this.#ctx.notify(this.id, 'score', this.#scoreList());
      this.#host.scoreChanged(this);
    }
    if (blocks.length === 0) return undefined;
    return buildReceiverReport(RTCP_SENDER_SSRC, blocks);
  }

  /** The remote sent an SR; an SR about an RTX stream says nothing about the media clock. */
  receiveSenderReport(ssrc: number, ntpSeconds: number, ntpFraction: number, rtpTimestamp: number, now: number): void {
    const stream = this.#streamBySsrc.get(ssrc);
    if (stream && stream.ssrc === ssrc) stream.stats.onSenderReport(ntpSeconds, ntpFraction, rtpTimestamp, now);
  }

  /**
   * A consumer asked for a keyframe: send PLI (or FIR) unless one was sent
   * just now. `encodingIdx` picks the simulcast stream; without it, all.
   */
  requestKeyFrame(force = false, encodingIdx?: number): void {
    if (this.kind !== 'video') return;
    const now = this.#ctx.now();
    if (encodingIdx === undefined) {
      for (const stream of this.streams) this.#requestStreamKeyFrame(stream, force, now);
      return;
    }
    const stream = this.streams[encodingIdx];
    if (stream) this.#requestStreamKeyFrame(stream, force, now);
  }

  /**
   * Bitrate (bps) a consumer needs for spatial layer s up to temporal layer
   * t: rates[s][t]. Cumulative over the temporal layers of the same
   * stream, and for SVC over the lower spatial layers too. 0 = inactive.
   */
  layerBitrates(now: number): number[][] {
    const temporal = this.temporalLayerCount;
    const out: number[][] = [];
    if (this.type === 'svc') {
      const stream = this.streams[0]!;
      let below = 0;
      for (let s = 0; s < stream.spatialLayers; s++) {
        const row: number[] = [];
        let sum = below;
        let topActive = false;
        for (let t = 0; t < temporal; t++) {
          const rate = stream.layerBitrate(s, t, now);
          sum += rate;
          if (t === 0) topActive = rate > 0;
          row.push(topActive ? sum : 0);
        }
        out.push(row);
        below = sum;
      }
      return out;
    }
    for (const stream of this.streams) {
      const row: number[] = [];
      let sum = 0;
      let baseActive = false;
      for (let t = 0; t < temporal; t++) {
        const rate = stream.layerBitrate(0, t, now);
        if (t === 0) baseActive = rate > 0;
        sum += rate;
        row.push(baseActive ? sum : 0);
      }
      out.push(row);
    }
    return out;
  }

  get scores(): number[] {
    return this.streams.map((s) => (s.lastScore < 0 ? (s.ssrc === undefined ? 0 : 10) : s.lastScore));
  }

  /** The best stream score (mediasoup's producer `score` list has one per stream). */
  get score(): number {
    return Math.max(0, ...this.scores);
  }

  #scoreList(): { encodingIdx: number; ssrc: number; rid?: string; score: number }[] {
    return this.streams
      .filter((s) => s.ssrc !== undefined)
      .map((s) => {
        const entry: { encodingIdx: number; ssrc: number; rid?: string; score: number } = { encodingIdx: s.index, ssrc: s.ssrc!, score: s.lastScore < 0 ? 10 : s.lastScore };
        if (s.rid !== undefined) entry.rid = s.rid;
        return entry;
      });
  }

  #requestStreamKeyFrame(stream: ProducerStream, force: boolean, now: number): void {
    if (stream.ssrc === undefined) return;
    const decision = stream.throttle.request(this.#useFir ? 'fir' : 'pli', now, force);
    if (decision !== 'suppress') this.#sendKeyFrameRequest(stream, decision);
  }

  #sendKeyFrameRequest(stream: ProducerStream, decision: 'send-pli' | 'send-fir'): void {
    if (stream.ssrc === undefined) return;
    if (decision === 'send-fir') {
      stream.firCount++;
      this.#trace('fir', { ssrc: stream.ssrc });
      this.#host.sendRtcp(buildFir(RTCP_SENDER_SSRC, stream.ssrc, stream.throttle.firSeqNr));
    } else {
      stream.pliCount++;
      this.#trace('pli', { ssrc: stream.ssrc });
      this.#host.sendRtcp(buildPli(RTCP_SENDER_SSRC, stream.ssrc));
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

  #sendNack(stream: ProducerStream, seqs: readonly number[]): void {
    if (stream.ssrc === undefined) return;
    stream.nackCount++;
    stream.nackPacketCount += seqs.length;
    this.#trace('nack', { ssrc: stream.ssrc, count: seqs.length });
    this.#host.sendRtcp(buildNack(RTCP_SENDER_SSRC, stream.ssrc, seqs));
  }

  /** Emits a 'trace' notification when the app enabled this type (mediasoup's enableTraceEvent). */
  #trace(type: string, info: Record<string, unknown>): void {
    if (!this.#traceTypes.has(type)) return;
    this.#ctx.notify(this.id, 'trace', { type, timestamp: Date.now(), direction: type === 'pli' || type === 'fir' || type === 'nack' ? 'out' : 'in', info });
  }

  /** RFC 4588: the first two payload bytes are the original sequence number. */
  #unwrapRtx(stream: ProducerStream, packet: RtpPacket): RtpPacket | undefined {
    const apt = this.#rtxApt[packet.payloadType] ?? -1;
    if (apt < 0 || stream.ssrc === undefined) return undefined;
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
    repaired.ssrc = stream.ssrc;
    repaired.payloadType = apt;
    repaired.sequenceNumber = osn;
    return repaired;
  }

  #statsRecord(stream: ProducerStream): Record<string, unknown> {
    const s = stream.stats;
    const codec = this.rtpParameters.codecs.find((c) => !c.mimeType.toLowerCase().endsWith('/rtx'));
    const record: Record<string, unknown> = {
      type: 'inbound-rtp',
      timestamp: Date.now(),
      ssrc: stream.ssrc ?? 0,
      kind: this.kind,
      mimeType: codec?.mimeType ?? '',
      packetsLost: s.cumulativeLost,
      fractionLost: s.fractionLost,
      packetsDiscarded: 0,
      packetsRetransmitted: stream.rtxPackets,
      packetsRepaired: s.packetsRepaired,
      nackCount: stream.nackCount,
      nackPacketCount: stream.nackPacketCount,
      pliCount: stream.pliCount,
      firCount: stream.firCount,
      score: stream.lastScore < 0 ? 10 : stream.lastScore,
      packetCount: s.packetsReceived,
      byteCount: s.bytesReceived,
      bitrate: s.bitrate(this.#ctx.now()),
      jitter: s.jitter,
    };
    if (stream.rid !== undefined) record.rid = stream.rid;
    if (stream.rtxSsrc !== undefined) record.rtxSsrc = stream.rtxSsrc;
    if (this.kind === 'video') {
      const now = this.#ctx.now();
      const byLayer: Record<string, number> = {};
      for (let sl = 0; sl < stream.spatialLayers; sl++) {
        for (let tl = 0; tl < stream.temporalLayers; tl++) byLayer[`${sl}.${tl}`] = stream.layerBitrate(sl, tl, now);
      }
      record.bitrateByLayer = byLayer;
    }
    return record;
  }
}
