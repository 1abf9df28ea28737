/**
 * Builders for the RTCP the worker sends: NACK, PLI and FIR to producers'
 * endpoints, RR for what we receive, SR and SDES for what we send. Thin
 * helpers over wire/rtcp so the producer and consumer code stays readable.
 */
import { serializeRtcpCompound, nackItemsFromSeqs, type ReportBlock, type RtcpPacket } from '../wire/rtcp/index.js';
import type { SenderReportInfo } from './rtp/rtp-stream-send-stats.js';

export function buildNack(senderSsrc: number, mediaSsrc: number, seqs: readonly number[]): Buffer {
  return serializeRtcpCompound([{ type: 'nack', senderSsrc, mediaSsrc, items: nackItemsFromSeqs(seqs) }]);
}

export function buildPli(senderSsrc: number, mediaSsrc: number): Buffer {
  return serializeRtcpCompound([{ type: 'pli', senderSsrc, mediaSsrc }]);
}

export function buildFir(senderSsrc: number, mediaSsrc: number, seqNr: number): Buffer {
  return serializeRtcpCompound([{ type: 'fir', senderSsrc, mediaSsrc: 0, entries: [{ ssrc: mediaSsrc, seqNr }] }]);
}

export function buildReceiverReport(ssrc: number, reports: ReportBlock[]): Buffer {
  return serializeRtcpCompound([{ type: 'rr', ssrc, reports }]);
}

export function buildSenderReport(info: SenderReportInfo): Buffer {
  const sr: RtcpPacket = {
    type: 'sr',
    ssrc: info.ssrc,
    ntpSeconds: info.ntpSeconds,
    ntpFraction: info.ntpFraction,
    rtpTimestamp: info.rtpTimestamp >>> 0,
    packetCount: info.packetCount >>> 0,
    octetCount: info.octetCount >>> 0,
    reports: [],
  };
  return serializeRtcpCompound([sr]);
}

export function buildSdes(ssrc: number, cname: string): Buffer {
  return serializeRtcpCompound([{ type: 'sdes', chunks: [{ ssrc, items: [{ type: 'cname', text: cname }] }] }]);
}

export function concatRtcp(packets: Buffer[]): Buffer {
  return packets.length === 1 ? packets[0]! : Buffer.concat(packets);
}
