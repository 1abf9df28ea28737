import type { MediaKind, RtpParameters } from '../ortc/types.js';
import { nackItemsToSeqs, parseRtcpCompound } from '../wire/rtcp/index.js';
import { RtpPacket } from '../wire/rtp/packet.js';
import type { RequestHandler, WorkerContext } from './context.js';
import { WorkerConsumer, type ConsumerInit } from './consumer.js';
import { WorkerProducer, type ProducerInit } from './producer.js';
import type { DataProducerInit } from './data-producer.js';
import type { DataConsumerInit, SctpSendResult, WorkerDataConsumer } from './data-consumer.js';
import { TransportData, type DataStats } from './transport-data.js';
import { buildSdes, concatRtcp } from './rtcp-out.js';
import type { WorkerRouter } from './router.js';
import { ProducerFeedback, type ProducerFeedbackStats } from './producer-feedback.js';
import { MirrorTaps } from './rtp-mirror.js';
import { bitrateArgument, TransportBandwidth, type OutgoingBitrateStats } from './transport-bandwidth.js';
import { DropCounters } from './drop-counters.js';
import { TRANSPORT_WIDE_CC_URI } from '../wire/rtp/extensions.js';

const NACK_TICK_MS = 20;
const RTCP_INTERVAL_MS = 1000;

/**
 * What every worker transport shares: its producers and consumers, RTP and
 * RTCP routing by SSRC, and the periodic RTCP. Subclasses own the wire:
 * sockets, ICE, DTLS, SRTP.
 */
export abstract class WorkerTransport implements RequestHandler {
  readonly id: string;
  protected readonly ctx: WorkerContext;
  protected readonly router: WorkerRouter;
  protected readonly dropped = new DropCounters();
  readonly #producers = new Map<string, WorkerProducer>();
  readonly #consumers = new Map<string, WorkerConsumer>();
  /** Incoming SSRC (media or RTX) → producer. */
  readonly #producerBySsrc = new Map<number, WorkerProducer>();
  readonly #producerByMid = new Map<string, WorkerProducer>();
  /** Outgoing SSRC (media or RTX) → consumer, for the endpoint's RTCP feedback. */
  readonly #consumerBySsrc = new Map<number, WorkerConsumer>();
  #midExtensionIds = new Set<number>();
  /** Data producers and consumers, by id and SCTP stream. */
  readonly #data = new TransportData({
    ctx: () => this.ctx,
    router: () => this.router,
    owner: this,
    closed: () => this.closed,
    dropped: (reason) => this.dropped.add(reason),
    sendSctpMessage: (streamId, ppid, data, params) => this.sendSctpMessage(streamId, ppid, data, params),
    sctpBufferedAmount: (streamId) => this.sctpBufferedAmount(streamId),
    releaseSctpStream: (streamId) => this.releaseSctpStream(streamId),
    maxDataMessageSize: () => this.maxDataMessageSize(),
    isStreamReserved: (streamId) => this.isStreamReserved(streamId),
  });
  #nackTimer: NodeJS.Timeout | undefined;
  #rtcpTimer: NodeJS.Timeout | undefined;
  protected closed = false;
  /** DTLS-SRTP (or the plain equivalent) is up: consumers may send. */
  #connected = false;
  #transportSeq = Math.floor(Math.random() * 0x8000);
  /** transport-cc feedback and REMB about what the endpoint produces. */
  readonly #feedback = new ProducerFeedback({
    sendRtcp: (packet) => this.#sendRtcp(packet),
    producerSsrcs: () => [...this.#producers.values()].flatMap((p) => p.mediaSsrcs),
  });
  /** RTP/RTCP mirroring (the rooms API's startMirroring). */
  readonly #mirror = new MirrorTaps();
  /** Send-side congestion control, once a consumer negotiated transport-cc. */
  #bandwidth: TransportBandwidth | undefined;
  #traceTypes = new Set<string>();
  protected rtpBytesReceived = 0;
  protected rtpBytesSent = 0;
  readonly cname = `consomme-${Math.random().toString(36).slice(2, 10)}`;

  constructor(id: string, ctx: WorkerContext, router: WorkerRouter) {
    this.id = id;
    this.ctx = ctx;
    this.router = router;
    ctx.register(id, this);
    this.#nackTimer = setInterval(() => this.guard('nack timer', () => this.#onNackTick()), NACK_TICK_MS);
    this.#nackTimer.unref();
    this.#rtcpTimer = setInterval(() => this.guard('rtcp timer', () => this.#onRtcpTick()), RTCP_INTERVAL_MS);
    this.#rtcpTimer.unref();
  }

  /** What every transport's dump shares (the fields of mediasoup's TransportDump that apply here). */
  protected baseDump(): Record<string, unknown> {
    return {
      id: this.id,
      direct: false,
      producerIds: [...this.#producers.keys()],
      consumerIds: [...this.#consumers.keys()],
      mapSsrcConsumerId: Object.fromEntries([...this.#consumerBySsrc].map(([ssrc, c]) => [String(ssrc), c.id])),
      dataProducerIds: this.#data.producerIds(),
      dataConsumerIds: this.#data.consumerIds(),
      traceEventTypes: [...this.#traceTypes],
    };
  }

  /** Send an RTP packet to the endpoint (protecting it if the transport encrypts). */
  protected abstract sendRtpToWire(packet: Buffer, length: number): void;
  protected abstract sendRtcpToWire(packet: Buffer): void;
  protected abstract handleOwnRequest(method: string, data: unknown): unknown;
  protected abstract onClose(): void;

  handleRequest(method: string, data: unknown): unknown {
    switch (method) {
      case 'transport.produce':
        return this.#produce(data as ProducerInit);
      case 'transport.consume':
        return this.#consume(data as ConsumerInit);
      case 'transport.produceData':
        return this.#data.produce(data as DataProducerInit);
      case 'transport.consumeData':
        return this.#data.consume(data as DataConsumerInit);
      case 'transport.close':
        this.close();
        return undefined;
      case 'transport.setMaxIncomingBitrate': {
        const bitrate = (data as { bitrate?: unknown } | undefined)?.bitrate;
        if (typeof bitrate !== 'number' || !Number.isFinite(bitrate) || bitrate < 0) throw new TypeError('invalid bitrate');
        this.#feedback.setMaxIncomingBitrate(Math.floor(bitrate));
        return undefined;
      }
      case 'transport.setMaxOutgoingBitrate':
        this.#ensureBandwidth().setMaxOutgoingBitrate(bitrateArgument(data), this.ctx.now());
        return undefined;
      case 'transport.setMinOutgoingBitrate':
        this.#ensureBandwidth().setMinOutgoingBitrate(bitrateArgument(data), this.ctx.now());
        return undefined;
      case 'transport.enableTraceEvent': {
        const types = (data as { types?: unknown } | undefined)?.types;
        this.#traceTypes = new Set(Array.isArray(types) ? types.filter((t): t is string => typeof t === 'string') : []);
        this.#bandwidth?.setTrace(this.#traceTypes);
        return undefined;
      }
      case 'transport.startMirroring':
        return this.#mirror.start(data, (family) => this.mirrorLocalIp(family), () => this.closed);
      case 'transport.stopMirroring':
        this.#mirror.stop();
        return undefined;
      default:
        return this.handleOwnRequest(method, data);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.#nackTimer);
    clearInterval(this.#rtcpTimer);
    this.#mirror.stop();
    for (const producer of [...this.#producers.values()]) this.#closeProducer(producer);
    for (const consumer of [...this.#consumers.values()]) this.#closeConsumer(consumer);
    this.#data.closeAll();
    this.ctx.unregister(this.id);
    this.router.transportClosed(this);
    this.onClose();
  }

  /** Subclasses call this when media can (or can no longer) be sent. */
  protected setConnected(connected: boolean): void {
    if (this.#connected === connected) return;
    this.#connected = connected;
    if (connected) for (const consumer of this.#consumers.values()) consumer.transportConnected();
  }

  /**
   * Runs an entry point from a socket or timer so that an unexpected error is
   * counted and logged instead of ending the worker and every router in it.
   */
  protected guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.dropped.add('internal-error');
      this.ctx.logger.error('rtp', `unexpected error in ${what} [transportId:${this.id}]: ${error instanceof Error ? error.stack : String(error)}`);
    }
  }

  /** The local address mirroring sends from when none is given (the transport's listening address). */
  protected mirrorLocalIp(family: 4 | 6): string {
    return family === 6 ? '::' : '0.0.0.0';
  }

  /** Every RTCP packet to the endpoint goes through here (mirroring). */
  #sendRtcp(packet: Buffer): void {
    const mirror = this.#mirror.sendRtcp;
    if (mirror !== undefined) mirror.send(packet);
    this.sendRtcpToWire(packet);
  }

  /** SCTP transports send a data consumer's message on its stream; others cannot. */
  protected sendSctpMessage(_streamId: number, _ppid: number, _data: Buffer, _params: DataConsumerInit['sctpStreamParameters']): SctpSendResult {
    return 'closed';
  }

  protected sctpBufferedAmount(_streamId: number): number {
    return 0;
  }

  /** A data consumer's stream is no longer used: SCTP transports reset it (RFC 6525). */
  protected releaseSctpStream(_streamId: number): void {}

  /** One message from the endpoint's SCTP association. Never throws. */
  protected receiveSctpMessage(streamId: number, ppid: number, data: Buffer): void {
    this.#data.receive(streamId, ppid, data);
  }

  /** Data messages in (from this transport's data producers) and out (to its data consumers). */
  protected dataStats(): DataStats {
    return this.#data.stats();
  }

  /** Largest data message the transport carries. */
  protected maxDataMessageSize(): number {
    return 262144;
  }

  /** The SCTP association failed or closed: reliable data consumers stop waiting to send. */
  protected sctpGone(): void {
    this.#data.sctpGone();
  }

  /** Streams taken outside data producers/consumers (an endpoint's DCEP channels). */
  protected isStreamReserved(_streamId: number): boolean {
    return false;
  }

  protected hasDataStream(streamId: number): boolean {
    return this.#data.hasStream(streamId);
  }

  /** The SCTP stack reports how much is queued on an outgoing stream. */
  protected sctpBufferedAmountChanged(streamId: number, amount: number): void {
    this.#data.bufferedAmountChanged(streamId, amount);
  }

  /** Called by the router when a data consumer's data producer closed. */
  removeDataConsumer(dataConsumer: WorkerDataConsumer): void {
    this.#data.remove(dataConsumer);
  }

  /**
   * A layered consumer's preferences or priority changed, or it was just
   * created: grant it layers. Without a bandwidth estimate it gets its
   * preferred layers.
   */
  protected consumerLayersWanted(consumer: WorkerConsumer): void {
    if (this.#bandwidth?.active) {
      this.#bandwidth.allocate(this.ctx.now());
      return;
    }
    const preferred = consumer.preferredLayers;
    if (preferred) consumer.setTargetLayers(preferred.spatialLayer, preferred.temporalLayer);
  }

  /** Called by the router when a consumer's producer closed. */
  removeConsumer(consumer: WorkerConsumer): void {
    this.#consumers.delete(consumer.id);
    this.#consumerBySsrc.delete(consumer.ssrc);
    consumer.close();
    this.ctx.unregister(consumer.id);
  }

  /** One decrypted RTP datagram from the endpoint. Never throws. */
  protected receiveRtp(datagram: Buffer): void {
    const mirror = this.#mirror.recvRtp;
    if (mirror !== undefined) mirror.send(datagram);
    const packet = RtpPacket.parse(datagram);
    if (!packet) {
      this.dropped.add('rtp-malformed');
      return;
    }
    this.rtpBytesReceived += datagram.length;
    // Before the producer rewrites the packet, and for every packet the sender numbered (probes too).
    this.#feedback.onRtp(packet, this.ctx.now());
    let producer = this.#producerBySsrc.get(packet.ssrc);
    if (!producer) producer = this.#producerFromMid(packet);
    if (!producer) {
      this.dropped.add('rtp-unknown-ssrc');
      return;
    }
    if (producer.closed) return;
    const dropReason = producer.receiveRtp(packet, this.ctx.now());
    if (dropReason) this.dropped.add(dropReason);
  }

  /** One decrypted RTCP compound from the endpoint. Never throws. */
  protected receiveRtcp(datagram: Buffer): void {
    const mirror = this.#mirror.recvRtcp;
    if (mirror !== undefined) mirror.send(datagram);
    const packets = parseRtcpCompound(datagram);
    if (!packets) {
      this.dropped.add('rtcp-malformed');
      return;
    }
    const now = this.ctx.now();
    for (const p of packets) {
      switch (p.type) {
        case 'sr': {
          this.#producerBySsrc.get(p.ssrc)?.receiveSenderReport(p.ssrc, p.ntpSeconds, p.ntpFraction, p.rtpTimestamp, now);
          for (const block of p.reports) this.#consumerBySsrc.get(block.ssrc)?.receiveReceiverReport(block, now);
          break;
        }
        case 'rr':
          for (const block of p.reports) {
            const consumer = this.#consumerBySsrc.get(block.ssrc);
            if (!consumer) continue;
            consumer.receiveReceiverReport(block, now);
            const rtt = consumer.roundTripTimeMs;
            if (rtt !== undefined) this.#bandwidth?.onRtt(rtt);
          }
          break;
        case 'nack': {
          const consumer = this.#consumerBySsrc.get(p.mediaSsrc);
          if (consumer) consumer.receiveNack(nackItemsToSeqs(p.items));
          else this.dropped.add('rtcp-nack-unknown-ssrc');
          break;
        }
        case 'pli':
          this.#consumerBySsrc.get(p.mediaSsrc)?.receiveKeyFrameRequest('pli');
          break;
        case 'transport-cc':
          this.#bandwidth?.onFeedback(p, now);
          break;
        case 'fir':
          for (const entry of p.entries) this.#consumerBySsrc.get(entry.ssrc)?.receiveKeyFrameRequest('fir');
          break;
        default:
          // SDES, BYE, REMB and transport-cc need no action yet.
          break;
      }
    }
  }

  protected sendRtp(packet: Buffer, length: number): void {
    this.rtpBytesSent += length;
    const mirror = this.#mirror.sendRtp;
    if (mirror !== undefined) mirror.send(packet, length);
    this.sendRtpToWire(packet, length);
  }

  protected stats(): { rtpBytesReceived: number; rtpBytesSent: number; dropped: Record<string, number> } & ProducerFeedbackStats {
    const dropped = this.dropped.toJSON();
    if (this.#mirror.errors > 0) dropped['mirror-send-error'] = this.#mirror.errors;
    return {
      rtpBytesReceived: this.rtpBytesReceived,
      rtpBytesSent: this.rtpBytesSent,
      dropped,
      ...this.#feedback.stats,
    };
  }

  #producerFromMid(packet: RtpPacket): WorkerProducer | undefined {
    for (const id of this.#midExtensionIds) {
      const value = packet.getExtension(id);
      if (!value) continue;
      const producer = this.#producerByMid.get(value.toString('utf8'));
      if (!producer) continue;
      // The producer binds it to the encoding its RID (RTX: RRID) names; it registers it through ssrcLearned.
      if (producer.bindSsrc(packet)) return producer;
    }
    return undefined;
  }

  #produce(init: ProducerInit): unknown {
    if (this.router.hasProducer(init.producerId)) throw new Error(`producer ${init.producerId} already exists`);
    for (const encoding of init.rtpParameters.encodings ?? []) {
      for (const ssrc of [encoding.ssrc, encoding.rtx?.ssrc]) {
        if (ssrc !== undefined && this.#producerBySsrc.has(ssrc)) throw new Error(`ssrc ${ssrc} already in use`);
      }
    }
    const mid = init.rtpParameters.mid;
    if (mid !== undefined && this.#producerByMid.has(mid)) throw new Error(`mid ${mid} already in use`);
    const producer = new WorkerProducer(init, this.ctx, {
      sendRtcp: (packet) => this.#sendRtcp(packet),
      forward: (p, packet, info) => this.router.forward(p, packet, info),
      pausedChanged: (p) => this.router.producerPausedChanged(p),
      ssrcLearned: (p, ssrc) => this.#producerBySsrc.set(ssrc, p),
      scoreChanged: (p) => this.router.producerScoreChanged(p),
      audioLevel: (p, level, voice) => this.router.producerAudioLevel(p, level, voice),
    });
    this.router.addProducer(producer);
    this.#producers.set(producer.id, producer);
    const declared = producer.declaredSsrcs;
    this.ctx.logger.debug('rtp', `producer created [producerId:${producer.id}, kind:${producer.kind}, type:${producer.type}, ssrcs:${declared.join(',') || 'by mid'}, transportId:${this.id}]`);
    for (const ssrc of declared) this.#producerBySsrc.set(ssrc, producer);
    if (mid !== undefined) this.#producerByMid.set(mid, producer);
    for (const ext of init.rtpParameters.headerExtensions ?? []) {
      if (ext.uri === 'urn:ietf:params:rtp-hdrext:sdes:mid') this.#midExtensionIds.add(ext.id);
    }
    this.#feedback.addProducer(init.rtpParameters.headerExtensions);
    this.ctx.register(producer.id, {
      handleRequest: (method, data) => {
        if (method === 'producer.close') {
          this.#closeProducer(producer);
          return undefined;
        }
        return producer.handleRequest(method, data);
      },
    });
    return { type: producer.type };
  }

  #consume(init: ConsumerInit & { consumableRtpEncodings?: unknown }): unknown {
    const source = this.router.getProducer(init.producerId);
    const consumer = new WorkerConsumer(
      init,
      this.ctx,
      {
        sendRtp: (packet, length) => this.sendRtp(packet, length),
        sendRtcp: (packet) => this.#sendRtcp(packet),
        requestKeyFrame: (c) => this.router.requestKeyFrame(c),
        isConnected: () => this.#connected,
        nextTransportSeq: () => (this.#transportSeq = (this.#transportSeq + 1) & 0xffff),
        layersWanted: (c) => this.consumerLayersWanted(c),
        packetSent: (seq, bytes, probeClusterId) => this.#bandwidth?.onPacketSent(seq, bytes, this.ctx.now(), probeClusterId),
        forwardedPacket: (encodingIdx, seq, now) => source?.forwardedPacket(encodingIdx, seq, now),
      },
      source && { type: source.type, spatialLayers: source.spatialLayerCount, temporalLayers: source.temporalLayerCount },
    );
    if (init.rtpParameters.headerExtensions?.some((e) => e.uri === TRANSPORT_WIDE_CC_URI)) this.#ensureBandwidth();
    const producer = this.router.addConsumer(consumer, this);
    this.#consumers.set(consumer.id, consumer);
    this.ctx.logger.debug('rtp', `consumer created [consumerId:${consumer.id}, producerId:${producer.id}, ssrc:${consumer.ssrc}, transportId:${this.id}]`);
    // Feedback (RR blocks, NACK, PLI, FIR) names the media SSRC; blocks about our RTX SSRC are not routed.
    this.#consumerBySsrc.set(consumer.ssrc, consumer);
    consumer.setProducerPaused(producer.paused);
    consumer.setProducerScores(producer.scores);
    this.ctx.register(consumer.id, {
      handleRequest: (method, data) => {
        if (method === 'consumer.close') {
          this.#closeConsumer(consumer);
          return undefined;
        }
        return consumer.handleRequest(method, data);
      },
    });
    if (consumer.layered) this.consumerLayersWanted(consumer);
    // Ask for a keyframe now so a new video consumer starts promptly.
    if (consumer.kind === 'video' && consumer.active) this.router.requestKeyFrame(consumer);
    return {
      paused: consumer.paused,
      producerPaused: producer.paused,
      score: consumer.score,
      preferredLayers: consumer.preferredLayers,
      priority: consumer.priority,
    };
  }

  #closeProducer(producer: WorkerProducer): void {
    if (!this.#producers.delete(producer.id)) return;
    producer.close();
    for (const [ssrc, p] of this.#producerBySsrc) if (p === producer) this.#producerBySsrc.delete(ssrc);
    for (const [mid, p] of this.#producerByMid) if (p === producer) this.#producerByMid.delete(mid);
    this.ctx.unregister(producer.id);
    this.router.removeProducer(producer);
  }

  #closeConsumer(consumer: WorkerConsumer): void {
    if (!this.#consumers.has(consumer.id)) return;
    this.router.removeConsumer(consumer);
    this.removeConsumer(consumer);
  }

  #onNackTick(): void {
    const now = this.ctx.now();
    for (const producer of this.#producers.values()) producer.onTimer(now);
    this.#feedback.onTick(now);
    this.#bandwidth?.onTick(now);
  }

  /** What consumers start from before any feedback (WebRtcTransport's initialAvailableOutgoingBitrate). */
  protected initialOutgoingBitrate(): number {
    return 600_000;
  }

  /** The outgoing estimate for getStats: empty while no congestion control runs. */
  protected outgoingBitrateStats(): OutgoingBitrateStats {
    return this.#bandwidth?.stats() ?? {};
  }

  #ensureBandwidth(): TransportBandwidth {
    if (this.#bandwidth) return this.#bandwidth;
    const bandwidth = new TransportBandwidth(this.initialOutgoingBitrate(), this.ctx.now(), {
      consumers: () => this.#consumers.values(),
      layerBitrates: (c, now) => this.router.getProducer(c.producerId)?.layerBitrates(now),
      trace: (type, info) => this.ctx.notify(this.id, 'trace', { type, timestamp: Date.now(), direction: 'out', info }),
    });
    bandwidth.setTrace(this.#traceTypes);
    this.#bandwidth = bandwidth;
    return bandwidth;
  }

  #onRtcpTick(): void {
    if (this.closed) return;
    const now = this.ctx.now();
    // An SR and its SDES stay together so that every compound starts with a report (RFC 3550 §6.1).
    const packets: Buffer[] = [];
    for (const consumer of this.#consumers.values()) {
      const sr = consumer.buildSenderReport(now);
      if (sr) packets.push(Buffer.concat([sr, buildSdes(consumer.ssrc, consumer.cname ?? this.cname)]));
    }
    for (const producer of this.#producers.values()) {
      const rr = producer.buildReceiverReport(now);
      if (rr) packets.push(rr);
    }
    // Keep compounds well under the MTU.
    let batch: Buffer[] = [];
    let size = 0;
    for (const p of packets) {
      if (size + p.length > 1000 && batch.length > 0) {
        this.#sendRtcp(concatRtcp(batch));
        batch = [];
        size = 0;
      }
      batch.push(p);
      size += p.length;
    }
    if (batch.length > 0) this.#sendRtcp(concatRtcp(batch));
    this.#feedback.onRtcpTick();
  }
}

export type { MediaKind, RtpParameters };
