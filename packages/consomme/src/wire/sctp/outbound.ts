/**
 * Queues one user message as DATA chunks on the engine (RFC 9260 §6.9
 * fragmentation: B bit on the first fragment, E bit on the last, one TSN each,
 * one Stream Sequence Number per ordered message; U bit for unordered).
 *
 * Done here rather than through werift's `send()`, which returns a promise
 * per message that waits on a flush event: with a few hundred messages queued
 * every flush re-walks every waiter, a quadratic microtask storm that starves
 * the event loop for seconds.
 */
import { weriftChunks, type WeriftSctp } from './werift-internals.js';

/** User data per DATA chunk: werift's congestion arithmetic assumes this size. */
export const FRAGMENT_SIZE = 1200;

const FLAG_END = 0x01;
const FLAG_BEGIN = 0x02;
const FLAG_UNORDERED = 0x04;

export interface OutboundOptions {
  ordered: boolean;
  maxRetransmits: number | undefined;
  /** Seconds since the epoch, as the engine compares it. */
  expiry: number | undefined;
}

export function enqueueMessage(sctp: WeriftSctp, streamId: number, ppid: number, data: Buffer, opts: OutboundOptions): void {
  const ssn = opts.ordered ? (sctp.outboundStreamSeq[streamId] ?? 0) : 0;
  const count = Math.max(1, Math.ceil(data.length / FRAGMENT_SIZE));
  for (let i = 0; i < count; i++) {
    const chunk = new weriftChunks.DataChunk(0, undefined);
    chunk.flags = (opts.ordered ? 0 : FLAG_UNORDERED) | (i === 0 ? FLAG_BEGIN : 0) | (i === count - 1 ? FLAG_END : 0);
    chunk.tsn = sctp.localTsn;
    chunk.streamId = streamId;
    chunk.streamSeqNum = ssn;
    chunk.protocol = ppid;
    chunk.userData = data.subarray(i * FRAGMENT_SIZE, (i + 1) * FRAGMENT_SIZE);
    chunk.bookSize = chunk.userData.length;
    chunk.expiry = opts.expiry;
    chunk.maxRetransmits = opts.maxRetransmits;
    sctp.localTsn = (sctp.localTsn + 1) >>> 0;
    sctp.outboundQueue.push(chunk);
  }
  if (opts.ordered) sctp.outboundStreamSeq[streamId] = (ssn + 1) & 0xffff;
}
