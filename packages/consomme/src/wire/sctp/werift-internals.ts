/**
 * The parts of werift-sctp's `SCTP` object that the association reads or
 * patches. They are private in its typings, so this is the one place that
 * names them; a werift-sctp upgrade must re-check every field listed here.
 *
 * Patches (each one a defect found when auditing werift-sctp 0.0.11):
 *  - Timer handles are turned into accessors that `unref()` every timer
 *    werift arms, and clear any armed after close, so an association never
 *    keeps the process alive.
 *  - `maybeAbandon` (RFC 3758 §3.5 abandonment) is replaced: werift treats
 *    `maxRetransmits: 0` as "no limit", abandons the chunks at the head of the
 *    send queue instead of the message the chunk belongs to, also marks the
 *    last fragment of the previous message, abandons chunks the peer has
 *    already gap-acked (whose data the peer then discards), resends
 *    gap-acked chunks on T3 expiry and leaks them into the flight size, and never takes
 *    abandoned in-flight fragments out of the flight size (which can stall
 *    sending).
 *  - FORWARD TSN is sent again whenever a SACK shows the peer's cumulative
 *    TSN still behind the Advanced.Peer.Ack.Point (RFC 3758 §3.5 C3); werift
 *    sends it once, so one lost FORWARD TSN blocked an ordered stream until
 *    the next T3 expiry (RTO, 1–60 s).
 */
import { createRequire } from 'node:module';

export interface WeriftChunk {
  flags: number;
  tsn: number;
  streamId: number;
  streamSeqNum: number;
  protocol: number;
  userData: Buffer;
  bookSize: number;
  acked: boolean;
  abandoned: boolean;
  retransmit: boolean;
  sentCount: number;
  expiry?: number | undefined;
  maxRetransmits?: number | undefined;
}

export interface WeriftResetRequest {
  readonly type: number;
  readonly requestSequence: number;
  readonly lastTsn: number;
  readonly streams: number[];
}

export interface WeriftEvent<A extends unknown[]> {
  subscribe(fn: (...args: A) => void): unknown;
}

export interface WeriftSctp {
  state: 'new' | 'connecting' | 'connected' | 'closed';
  associationState: number;
  isServer: boolean;
  localPartialReliability: boolean;
  _outboundStreamsCount: number;
  _inboundStreamsMax: number;
  _inboundStreamsCount: number;
  lastReceivedTsn?: number;
  advertisedRwnd: number;
  outboundQueue: WeriftChunk[];
  sentQueue: WeriftChunk[];
  reconfigQueue: number[];
  /** Our outgoing SSN reset request awaiting its response. */
  reconfigRequest?: { streams: number[] } | undefined;
  /** Fired when streams were reset: the peer's (incoming) or ours (on the response). */
  onReconfigStreams: WeriftEvent<[number[]]>;
  forwardTsnChunk?: WeriftForwardTsn | undefined;
  advancedPeerAckTsn: number;
  lastSackedTsn: number;
  localTsn: number;
  outboundStreamSeq: Record<number, number>;
  transmit(): Promise<void>;
  reconfigResponseSeq: number;
  sackNeeded: boolean;
  sackImmediate: boolean;
  onReceive: WeriftEvent<[number, number, Buffer]>;
  stateChanged: Record<'new' | 'connecting' | 'connected' | 'closed', WeriftEvent<[]>>;
  onSackReceived: () => Promise<void>;
  handleData(data: Buffer): Promise<void>;
  setRemotePort(port: number): void;
  start(remotePort?: number): Promise<void>;
  stop(): Promise<void>;
  setState(state: number): void;
  transmitReconfigRequest(): Promise<void>;
  sendReconfigParam(param: { type: number; bytes: Buffer }): Promise<void>;
  receiveReconfigParam(param: { type: number }): Promise<void>;
  receiveDataChunk(chunk: WeriftChunk): void;
  markReceived(tsn: number): boolean;
  maybeAbandon(chunk: WeriftChunk): boolean;
  flightSizeDecrease(chunk: WeriftChunk): void;
}

interface WeriftModule {
  SCTP: new (transport: { send: (b: Buffer) => unknown; onData?: unknown }, port: number) => WeriftSctp;
  SCTP_STATE: Record<string, number>;
}

interface WeriftChunkModule {
  DataChunk: new (flags: number, body: undefined) => WeriftChunk;
  ForwardTsnChunk: new (flags: number, body: undefined) => WeriftForwardTsn;
}

export interface WeriftForwardTsn {
  cumulativeTsn: number;
  streams: Array<[number, number]>;
}

interface WeriftParamModule {
  ReconfigResponseParam: new (responseSequence: number, result: number) => { type: number; bytes: Buffer };
  OutgoingSSNResetRequestParam: { type: number };
}

// werift-sctp ships CommonJS only; createRequire keeps this file plain ESM.
const require = createRequire(import.meta.url);
export const werift = require('werift-sctp') as WeriftModule;
export const weriftChunks = require('werift-sctp/lib/sctp/src/chunk.js') as WeriftChunkModule;
export const weriftParams = require('werift-sctp/lib/sctp/src/param.js') as WeriftParamModule;

export const SCTP_STATE_CLOSED = werift.SCTP_STATE['CLOSED']!;

/** RFC 6525 §4.4 result codes. */
export const RECONFIG_RESULT = { successPerformed: 1, inProgress: 6 } as const;

const TIMER_FIELDS = ['timer1Handle', 'timer2Handle', 'timer3Handle', 'timerReconfigHandle', 'timerHeartbeatHandle', 'sackTimeout'] as const;

const DATA_LAST_FRAG = 0x01;
const DATA_FIRST_FRAG = 0x02;

/** Makes every timer werift arms unref'd; after `isClosed()` returns true, new timers are cleared at once. */
export function patchTimers(sctp: WeriftSctp, isClosed: () => boolean): () => void {
  const target = sctp as unknown as Record<string, NodeJS.Timeout | undefined>;
  const values = new Map<string, NodeJS.Timeout | undefined>();
  for (const name of TIMER_FIELDS) {
    values.set(name, target[name]);
    Object.defineProperty(sctp, name, {
      configurable: true,
      enumerable: true,
      get: () => values.get(name),
      set: (t: NodeJS.Timeout | undefined) => {
        if (t !== undefined && isClosed()) {
          clearTimeout(t);
          values.set(name, undefined);
          return;
        }
        t?.unref?.();
        values.set(name, t);
      },
    });
  }
  return () => {
    for (const [name, t] of values) {
      if (t !== undefined) clearTimeout(t);
      values.set(name, undefined);
    }
  };
}

/** Replaces werift's abandonment rule with RFC 3758 §4.1 semantics for whole messages. */
export function patchAbandon(sctp: WeriftSctp, now: () => number): void {
  sctp.maybeAbandon = (chunk: WeriftChunk): boolean => {
    if (chunk.abandoned) return true;
    // A gap-acked chunk reached the peer: abandoning it would make the peer drop
    // data it holds, and werift's T3 handler would resend it and count it in
    // flight forever (acked chunks are never taken out again). "true" keeps it as is.
    if (chunk.acked) return true;
    const limitHit =
      (chunk.maxRetransmits !== undefined && chunk.sentCount > chunk.maxRetransmits) ||
      (chunk.expiry !== undefined && chunk.expiry < now() / 1000);
    if (!limitHit) return false;
    const queue = sctp.sentQueue;
    const at = queue.indexOf(chunk);
    if (at < 0) {
      chunk.abandoned = true;
      chunk.retransmit = false;
      return true;
    }
    // Fragments of one message hold consecutive queue positions: FIRST..LAST.
    let first = at;
    while (first > 0 && (queue[first]!.flags & DATA_FIRST_FRAG) === 0 && (queue[first - 1]!.flags & DATA_LAST_FRAG) === 0) first--;
    let last = at;
    while (last < queue.length - 1 && (queue[last]!.flags & DATA_LAST_FRAG) === 0) last++;
    for (let i = first; i <= last; i++) {
      const c = queue[i]!;
      if (c.abandoned) continue;
      // The caller takes `chunk` itself out of flight; the other fragments are ours to.
      if (c !== chunk && !c.acked && !c.retransmit) sctp.flightSizeDecrease(c);
      c.abandoned = true;
      c.retransmit = false;
    }
    return true;
  };
}

/** a > b in 32-bit serial arithmetic (RFC 1982). */
export function tsnGt(a: number, b: number): boolean {
  const d = (a - b) >>> 0;
  return d !== 0 && d < 0x80000000;
}

/**
 * Remembers the stream/SSN pairs of every FORWARD TSN werift creates, and
 * returns a function to call on each SACK that re-arms a FORWARD TSN while
 * the peer lags behind the Advanced.Peer.Ack.Point.
 */
export function patchForwardTsn(sctp: WeriftSctp): () => void {
  const skipped = new Map<number, number>();
  let current = sctp.forwardTsnChunk;
  Object.defineProperty(sctp, 'forwardTsnChunk', {
    configurable: true,
    enumerable: true,
    get: () => current,
    set: (chunk: WeriftForwardTsn | undefined) => {
      if (chunk !== undefined) {
        for (const [streamId, ssn] of chunk.streams) skipped.set(streamId, ssn);
        chunk.streams = [...skipped];
      }
      current = chunk;
    },
  });
  return () => {
    if (!tsnGt(sctp.advancedPeerAckTsn, sctp.lastSackedTsn)) {
      skipped.clear();
      return;
    }
    if (current !== undefined) return;
    const chunk = new weriftChunks.ForwardTsnChunk(0, undefined);
    chunk.cumulativeTsn = sctp.advancedPeerAckTsn;
    chunk.streams = [];
    sctp.forwardTsnChunk = chunk;
  };
}
