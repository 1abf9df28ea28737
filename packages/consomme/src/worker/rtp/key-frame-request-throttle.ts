/**
 * Merges the key-frame requests of every consumer of one producer stream
 * into at most one PLI (RFC 4585 §6.3.1) or FIR (RFC 5104 §4.3.1,
 * https://www.rfc-editor.org/rfc/rfc5104#section-4.3.1) per interval:
 * each consumer that joins, resumes or switches layers asks for a key
 * frame, and forwarding them all would make the sender emit a burst of
 * expensive key frames for what one of them satisfies.
 *
 * A request arriving inside the interval is remembered; `onTimer` sends it
 * when the interval ends if no key frame came meanwhile. A request sent but
 * not answered by a key frame within the interval is sent again: senders drop
 * some (libwebrtc ignores those within 300 ms of its last key frame), and a
 * consumer waiting for a key frame forwards nothing, so its receiver never
 * asks itself. A key frame arriving satisfies everything pending and
 * re-opens the gate.
 */

export type KeyFrameRequestKind = 'pli' | 'fir';

/** libwebrtc ignores a request within 300 ms of its last key frame; an unanswered one is repeated after this. */
const RETRY_MS = 400;
export type KeyFrameRequestDecision = 'send-pli' | 'send-fir' | 'suppress';

export interface KeyFrameRequestThrottleOptions {
  /** At most one request per this interval, unless a key frame arrived since. Default 1000 ms. */
  readonly minIntervalMs?: number;
  /** Whether the producer negotiated 'nack pli'. Default true. */
  readonly supportsPli?: boolean;
  /** Whether the producer negotiated 'ccm fir'. Default true. */
  readonly supportsFir?: boolean;
}

export class KeyFrameRequestThrottle {
  readonly #minIntervalMs: number;
  readonly #supportsPli: boolean;
  readonly #supportsFir: boolean;
  #lastSentAtMs: number | undefined = undefined;
  #keyFrameSinceSent = false;
  #pending: KeyFrameRequestKind | undefined = undefined;
  #waiting = false;
  #lastKind: KeyFrameRequestKind = 'pli';
  #firSeqNr = -1;

  constructor(options: KeyFrameRequestThrottleOptions = {}) {
    this.#minIntervalMs = options.minIntervalMs ?? 1000;
    this.#supportsPli = options.supportsPli ?? true;
    this.#supportsFir = options.supportsFir ?? true;
  }

  /** A request was sent and no key frame has arrived since. */
  get waitingForKeyFrame(): boolean {
    return this.#waiting;
  }

  /** Command sequence number to put in the FIR just decided (RFC 5104 §4.3.1.1), 0..255. */
  get firSeqNr(): number {
    return Math.max(0, this.#firSeqNr);
  }

  /** A request is being held until the interval ends. */
  get hasPending(): boolean {
    return this.#pending !== undefined;
  }

  /**
   * A consumer asks for a key frame. `force` (e.g. the NACK generator gave
   * up on packets the decoder needs) skips the interval but still counts as
   * the request of this interval for everyone else.
   */
  request(kind: KeyFrameRequestKind, nowMs: number, force = false): KeyFrameRequestDecision {
    if (this.#resolve(kind) === 'suppress') return 'suppress';
    if (force || this.#gateOpen(nowMs)) return this.#send(kind, nowMs);
    // FIR is the stronger ask (decoder refresh, RFC 5104 §3.5.1): keep it if anyone wanted it.
    if (this.#pending !== 'fir') this.#pending = kind;
    return 'suppress';
  }

  /**
   * Sends the held request once the interval has passed without a key frame,
   * or repeats an unanswered one after RETRY_MS: a request that came just
   * after the sender's last key frame was most likely ignored, and a
   * consumer switching layers waits for it.
   */
  onTimer(nowMs: number): KeyFrameRequestDecision {
    if (this.#pending === undefined && this.#waiting && this.#lastSentAtMs !== undefined && nowMs - this.#lastSentAtMs >= Math.min(RETRY_MS, this.#minIntervalMs)) {
      return this.#send(this.#lastKind, nowMs);
    }
    const kind = this.#pending ?? (this.#waiting ? this.#lastKind : undefined);
    if (kind === undefined || !this.#gateOpen(nowMs)) return 'suppress';
    return this.#send(kind, nowMs);
  }

  /** When `onTimer` may next have something to send, or undefined. */
  nextTimerAt(): number | undefined {
    if ((this.#pending === undefined && !this.#waiting) || this.#lastSentAtMs === undefined) return undefined;
    if (this.#pending === undefined) return this.#lastSentAtMs + Math.min(RETRY_MS, this.#minIntervalMs);
    return this.#lastSentAtMs + this.#minIntervalMs;
  }

  /** A key frame arrived from the producer: everything pending is satisfied. */
  onKeyFrame(_nowMs: number): void {
    this.#keyFrameSinceSent = true;
    this.#pending = undefined;
    this.#waiting = false;
  }

  #gateOpen(nowMs: number): boolean {
    return this.#lastSentAtMs === undefined || this.#keyFrameSinceSent || nowMs - this.#lastSentAtMs >= this.#minIntervalMs;
  }

  #send(kind: KeyFrameRequestKind, nowMs: number): KeyFrameRequestDecision {
    const decision = this.#resolve(kind);
    this.#lastSentAtMs = nowMs;
    this.#keyFrameSinceSent = false;
    this.#pending = undefined;
    this.#waiting = true;
    this.#lastKind = kind;
    if (decision === 'send-fir') this.#firSeqNr = (this.#firSeqNr + 1) & 0xff;
    return decision;
  }

  // Falls back to whichever request the producer negotiated.
  #resolve(kind: KeyFrameRequestKind): KeyFrameRequestDecision {
    if (kind === 'fir') return this.#supportsFir ? 'send-fir' : this.#supportsPli ? 'send-pli' : 'suppress';
    return this.#supportsPli ? 'send-pli' : this.#supportsFir ? 'send-fir' : 'suppress';
  }
}
