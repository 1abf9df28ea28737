// Counters for one association. Drop reasons are string codes so that
// getStats() can report them by name, as the media plane does for datagrams.

export type SctpDropReason =
  // whole packets, from the structural check (packet.ts / chunk-rules.ts)
  | 'too-short'
  | 'bad-checksum'
  | 'bad-chunk-length'
  | 'no-chunks'
  | 'unknown-chunk'
  | 'bad-chunk'
  | 'bad-init'
  | 'bad-sack'
  | 'bad-params'
  // whole packets, from association state
  | 'unexpected-init'
  | 'closed'
  | 'engine-error'
  // single DATA chunks or messages
  | 'tsn-out-of-window'
  | 'rwnd-exceeded'
  | 'invalid-stream'
  | 'data-on-reset-stream'
  | 'message-too-large';

export interface SctpStats {
  packetsReceived: number;
  packetsSent: number;
  bytesReceived: number;
  bytesSent: number;
  messagesReceived: number;
  messagesSent: number;
  /** Sum of `dropped`. */
  droppedTotal: number;
  dropped: Partial<Record<SctpDropReason, number>>;
  /** Exceptions thrown by event listeners (caught; the association carries on). */
  listenerErrors: number;
  /** Exceptions or rejections caught from the SCTP engine. */
  engineErrors: number;
}

export function newStats(): SctpStats {
  return {
    packetsReceived: 0,
    packetsSent: 0,
    bytesReceived: 0,
    bytesSent: 0,
    messagesReceived: 0,
    messagesSent: 0,
    droppedTotal: 0,
    dropped: {},
    listenerErrors: 0,
    engineErrors: 0,
  };
}

export function countDrop(stats: SctpStats, reason: SctpDropReason): void {
  stats.dropped[reason] = (stats.dropped[reason] ?? 0) + 1;
  stats.droppedTotal++;
}
