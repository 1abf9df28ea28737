/**
 * Generic NACK (RTPFB, PT=205, FMT=1), RFC 4585 §6.2.1.
 * https://www.rfc-editor.org/rfc/rfc4585#section-6.2.1
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |V=2|P|  FMT=1  |   PT=205      |          length               |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                  SSRC of packet sender                        |
 *   |                  SSRC of media source                         |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |            PID                |             BLP               |  (repeated)
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   PID: a lost sequence number; BLP bit i: PID + i + 1 is lost too.
 */
import { seqAdd, seqDiff } from '../rtp/seq.js';
import { FEEDBACK_HEADER_LENGTH, rtcpHasPadding, RTCP_PT_RTPFB, writeFeedbackHeader } from './header.js';

export const NACK_FMT = 1;

export interface NackItem {
  readonly pid: number;
  readonly blp: number;
}

export interface GenericNack {
  readonly type: 'nack';
  readonly senderSsrc: number;
  readonly mediaSsrc: number;
  readonly items: readonly NackItem[];
}

export function parseNack(packet: Buffer): GenericNack | undefined {
  if (rtcpHasPadding(packet) || packet.length < FEEDBACK_HEADER_LENGTH || packet.length % 4 !== 0) return undefined;
  const items: NackItem[] = [];
  for (let o = FEEDBACK_HEADER_LENGTH; o < packet.length; o += 4) {
    items.push({ pid: packet.readUInt16BE(o), blp: packet.readUInt16BE(o + 2) });
  }
  return { type: 'nack', senderSsrc: packet.readUInt32BE(4), mediaSsrc: packet.readUInt32BE(8), items };
}

export function nackByteLength(p: GenericNack): number {
  return FEEDBACK_HEADER_LENGTH + p.items.length * 4;
}

/** Returns the offset after the packet. */
export function serializeNackInto(p: GenericNack, buf: Buffer, offset: number): number {
  let o = writeFeedbackHeader(buf, offset, NACK_FMT, RTCP_PT_RTPFB, nackByteLength(p), p.senderSsrc, p.mediaSsrc);
  for (const item of p.items) {
    buf.writeUInt16BE(item.pid & 0xffff, o);
    buf.writeUInt16BE(item.blp & 0xffff, o + 2);
    o += 4;
  }
  return o;
}

/**
 * Packs lost sequence numbers into PID+BLP items. The input may be in any
 * order and hold duplicates; it is ordered around its first element (so it
 * must span less than half the sequence space, which a NACK list always
 * does) and packed greedily, which is optimal for a sorted list.
 */
export function nackItemsFromSeqs(seqs: readonly number[]): NackItem[] {
  if (seqs.length === 0) return [];
  const ref = seqs[0]! & 0xffff;
  const sorted = seqs.map((s) => s & 0xffff).sort((a, b) => seqDiff(a, ref) - seqDiff(b, ref));
  const items: NackItem[] = [];
  let pid = sorted[0]!;
  let blp = 0;
  for (let i = 1; i < sorted.length; i++) {
    const s = sorted[i]!;
    const d = seqDiff(s, pid);
    if (d === 0) continue;
    if (d <= 16) {
      blp |= 1 << (d - 1);
      continue;
    }
    items.push({ pid, blp });
    pid = s;
    blp = 0;
  }
  items.push({ pid, blp });
  return items;
}

/** The lost sequence numbers an item list stands for, in item order. */
export function nackItemsToSeqs(items: readonly NackItem[]): number[] {
  const out: number[] = [];
  for (const { pid, blp } of items) {
    out.push(pid & 0xffff);
    for (let i = 0; i < 16; i++) if (blp & (1 << i)) out.push(seqAdd(pid, i + 1));
  }
  return out;
}
