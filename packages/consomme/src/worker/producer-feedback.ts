/**
 * Feedback a transport sends about what its endpoint produces, for the
 * endpoint's own send-side bandwidth estimate: transport-cc feedback
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01) about every RTP
 * packet carrying a transport-wide sequence number, and REMB
 * (draft-alvestrand-rmcat-remb-03) carrying `setMaxIncomingBitrate`, which
 * Chromium applies as an upper bound even when it estimates from transport-cc.
 */
import type { RtpHeaderExtensionParameters } from '../ortc/types.js';
import { serializeRtcpCompound } from '../wire/rtcp/index.js';
import { readTransportWideCc, TRANSPORT_WIDE_CC_URI } from '../wire/rtp/extensions.js';
import type { RtpPacket } from '../wire/rtp/packet.js';
import { TransportCcFeedback } from './rtp/transport-cc-feedback.js';

/** The SSRC our feedback names as its sender: the same as the producers' NACK and PLI. */
const RTCP_SENDER_SSRC = 1;
/** REMB that lifts an earlier limit: far above anything a browser sends. */
const UNLIMITED_BPS = 10_000_000_000;
/** After setMaxIncomingBitrate(0), the lifting REMB is repeated in case one is lost. */
const UNLIMITED_REPEATS = 3;

export interface ProducerFeedbackHost {
  /** Send one RTCP packet to the endpoint. */
  sendRtcp(packet: Buffer): void;
  /** The media SSRCs of the transport's producers, named in REMB. */
  producerSsrcs(): number[];
}

export interface ProducerFeedbackStats {
  rtcpTransportCcSent: number;
  rtcpRembSent: number;
  maxIncomingBitrate: number;
}

export class ProducerFeedback {
  readonly #host: ProducerFeedbackHost;
  /** Header extension ids producers negotiated for the transport-wide sequence number (one in a BUNDLE). */
  #extensionIds: number[] = [];
  #tcc: TransportCcFeedback | undefined;
  #transportCcSent = 0;
  #maxIncomingBitrate = 0;
  #unlimitedLeft = 0;
  #rembSent = 0;

  constructor(host: ProducerFeedbackHost) {
    this.#host = host;
  }

  /** A producer was created with these header extensions. */
  addProducer(headerExtensions: readonly RtpHeaderExtensionParameters[] | undefined): void {
    for (const ext of headerExtensions ?? []) {
      if (ext.uri !== TRANSPORT_WIDE_CC_URI || this.#extensionIds.includes(ext.id)) continue;
      this.#extensionIds = [...this.#extensionIds, ext.id];
      this.#tcc ??= new TransportCcFeedback({ senderSsrc: RTCP_SENDER_SSRC });
    }
  }

  /**
   * One decrypted, parsed RTP packet from the endpoint, whatever it turns out
   * to be (padding-only probes count: the sender's estimator needs them).
   */
  onRtp(packet: RtpPacket, now: number): void {
    const tcc = this.#tcc;
    if (tcc === undefined) return;
    for (const id of this.#extensionIds) {
      const value = packet.getExtension(id);
      if (value === undefined) continue;
      const seq = readTransportWideCc(value);
      if (seq !== undefined && tcc.onPacket(seq, now, packet.ssrc)) this.#send(tcc.build(now));
      return;
    }
  }

  /** Called often (every few tens of ms): transport-cc feedback when its period is up. */
  onTick(now: number): void {
    if (this.#tcc !== undefined) this.#send(this.#tcc.onTimer(now));
  }

  /** Called about once a second: REMB while a limit is set. */
  onRtcpTick(): void {
    if (this.#maxIncomingBitrate > 0) this.#sendRemb(this.#maxIncomingBitrate);
    else if (this.#unlimitedLeft > 0) {
      this.#unlimitedLeft--;
      this.#sendRemb(UNLIMITED_BPS);
    }
  }

  /** bps; 0 lifts the limit. Takes effect at once. */
  setMaxIncomingBitrate(bitrate: number): void {
    const previous = this.#maxIncomingBitrate;
    this.#maxIncomingBitrate = bitrate;
    if (bitrate > 0) {
      this.#unlimitedLeft = 0;
      this.#sendRemb(bitrate);
    } else if (previous > 0) {
      // Chromium keeps the last REMB as its cap: tell it the cap is gone.
      this.#unlimitedLeft = UNLIMITED_REPEATS - 1;
      this.#sendRemb(UNLIMITED_BPS);
    }
  }

  get stats(): ProducerFeedbackStats {
    return { rtcpTransportCcSent: this.#transportCcSent, rtcpRembSent: this.#rembSent, maxIncomingBitrate: this.#maxIncomingBitrate };
  }

  #send(packets: readonly Buffer[]): void {
    for (const packet of packets) {
      this.#transportCcSent++;
      this.#host.sendRtcp(packet);
    }
  }

  #sendRemb(bitrate: number): void {
    const ssrcs = this.#host.producerSsrcs().slice(0, 255);
    this.#rembSent++;
    this.#host.sendRtcp(serializeRtcpCompound([{ type: 'remb', senderSsrc: RTCP_SENDER_SSRC, mediaSsrc: 0, bitrate, ssrcs }]));
  }
}
