/**
 * Checks on received DATA and stream-reset requests that werift-sctp lacks,
 * installed by wrapping two of its methods.
 *
 * DATA (RFC 9260 §6.2): werift accepts any TSN and ignores its own receive
 * window, so a peer could grow its reassembly and gap state without bound.
 * Here a TSN more than TSN_WINDOW ahead of the cumulative ack is dropped
 * unacknowledged, as is DATA beyond the advertised window (the next expected
 * TSN always passes, so reassembly can still complete). DATA for a stream
 * the peer never negotiated is acknowledged and discarded (§6.5).
 *
 * Outgoing SSN Reset Request received (RFC 6525 §5.2.2, §4.1):
 *  |     Parameter Type = 13       | Parameter Length = 16 + 2 * N |
 *  |           Re-configuration Request Sequence Number            |
 *  |           Re-configuration Response Sequence Number           |
 *  |                Sender's Last Assigned TSN                     |
 *  |  Stream Number 1 (optional)   |    Stream Number 2 (optional) |
 * werift applies it at once, dropping whatever of the stream was still in
 * flight, and applies a retransmitted request again. Here the reset waits
 * (answered "In progress") until every TSN up to the sender's last assigned
 * TSN has arrived, a repeated request is only re-answered, and DATA on the
 * stream with a TSN at or before the reset point (a late retransmission of
 * the old stream) is acknowledged but never delivered into the reused stream.
 */
import type { SctpDropReason } from './stats.js';
import { RECONFIG_RESULT, tsnGt, weriftParams, type WeriftChunk, type WeriftResetRequest, type WeriftSctp } from './werift-internals.js';

const TSN_WINDOW = 65536;
const RWND_SLACK = 65536;

export interface ReceiveGuardHooks {
  maxMessageSize: number;
  drop: (reason: SctpDropReason) => void;
  engineError: () => void;
  incomingReset: (ids: number[]) => void;
}

export interface ReceiveGuards {
  /** Applies a deferred incoming reset once its TSN has arrived. */
  afterPacket(): Promise<void>;
  /** True when the peer has overrun our window by more than one message could explain. */
  overrun(): boolean;
  resetOutgoing(ids: number[]): void;
  clear(): void;
}


export function installReceiveGuards(sctp: WeriftSctp, hooks: ReceiveGuardHooks): ReceiveGuards {
  const resetPoints = new Map<number, number>();
  // Streams whose outgoing side we reset first: the peer's reset of them is its answer, not a new close.
  const locallyInitiated = new Set<number>();
  let deferred: WeriftResetRequest | undefined;
  let lastAppliedSeq: number | undefined;
  const resetType = weriftParams.OutgoingSSNResetRequestParam.type;

  const ackAndDiscard = (chunk: WeriftChunk, reason: SctpDropReason): void => {
    hooks.drop(reason);
    sctp.markReceived(chunk.tsn);
    sctp.sackNeeded = true;
    sctp.sackImmediate = true;
  };

  const originalData = sctp.receiveDataChunk.bind(sctp);
  sctp.receiveDataChunk = (chunk: WeriftChunk): void => {
    const cum = sctp.lastReceivedTsn;
    if (cum === undefined) return hooks.drop('tsn-out-of-window');
    const ahead = (chunk.tsn - cum) >>> 0;
    const isNew = ahead !== 0 && ahead < 0x80000000;
    if (isNew && ahead > TSN_WINDOW) return hooks.drop('tsn-out-of-window');
    const inbound = sctp._inboundStreamsCount;
    if (inbound > 0 && chunk.streamId >= inbound) return ackAndDiscard(chunk, 'invalid-stream');
    const resetAt = resetPoints.get(chunk.streamId);
    if (resetAt !== undefined) {
      if (!tsnGt(chunk.tsn, resetAt)) return ackAndDiscard(chunk, 'data-on-reset-stream');
      resetPoints.delete(chunk.streamId);
    }
    if (isNew && ahead !== 1 && sctp.advertisedRwnd - chunk.userData.length < -RWND_SLACK) return hooks.drop('rwnd-exceeded');
    originalData(chunk);
  };

  const respond = (seq: number, result: number): Promise<void> =>
    sctp.sendReconfigParam(new weriftParams.ReconfigResponseParam(seq, result));

  const queueOutgoing = (ids: number[]): void => {
    const inFlight = new Set<number>([...sctp.reconfigQueue, ...(currentRequestStreams(sctp) ?? [])]);
    const fresh = ids.filter((id) => !inFlight.has(id));
    if (fresh.length === 0) return;
    sctp.reconfigQueue.push(...fresh);
    sctp.transmitReconfigRequest().catch(hooks.engineError);
  };

  const resetOutgoing = (ids: number[]): void => {
    const fresh = ids.filter((id) => !locallyInitiated.has(id));
    for (const id of fresh) locallyInitiated.add(id);
    queueOutgoing(fresh);
  };

  const apply = async (req: WeriftResetRequest): Promise<void> => {
    deferred = undefined;
    lastAppliedSeq = req.requestSequence;
    for (const id of req.streams) resetPoints.set(id, req.lastTsn);
    await originalReconfig(req);
    // RFC 8831 §6.7: closing completes when both directions of the stream are reset,
    // so a reset the peer started is answered by resetting our side too.
    const answers = req.streams.filter((id) => !locallyInitiated.delete(id) && id < sctp._outboundStreamsCount);
    queueOutgoing(answers);
    hooks.incomingReset(req.streams);
  };

  const originalReconfig = sctp.receiveReconfigParam.bind(sctp);
  sctp.receiveReconfigParam = async (param: { type: number }): Promise<void> => {
    if (param.type !== resetType) return originalReconfig(param);
    const req = param as WeriftResetRequest;
    if (req.requestSequence === lastAppliedSeq) return respond(req.requestSequence, RECONFIG_RESULT.successPerformed);
    const cum = sctp.lastReceivedTsn;
    if (cum !== undefined && tsnGt(req.lastTsn, cum)) {
      deferred = req;
      return respond(req.requestSequence, RECONFIG_RESULT.inProgress);
    }
    await apply(req);
  };

  return {
    async afterPacket() {
      const cum = sctp.lastReceivedTsn;
      if (deferred !== undefined && cum !== undefined && !tsnGt(deferred.lastTsn, cum)) {
        try {
          await apply(deferred);
        } catch {
          hooks.engineError();
        }
      }
    },
    overrun: () => sctp.advertisedRwnd < -(hooks.maxMessageSize + RWND_SLACK),
    resetOutgoing,
    clear() {
      resetPoints.clear();
      locallyInitiated.clear();
      deferred = undefined;
    },
  };
}

function currentRequestStreams(sctp: WeriftSctp): number[] | undefined {
  return (sctp as unknown as { reconfigRequest?: { streams: number[] } }).reconfigRequest?.streams;
}
