/**
 * ICE-lite agent for one WebRtcTransport: controlled role, answers checks,
 * never sends any. RFC 8445 §2.5 and §7.3 (lite), RFC 7675 (consent freshness).
 * https://www.rfc-editor.org/rfc/rfc8445#section-2.5
 * https://www.rfc-editor.org/rfc/rfc7675
 *
 * State transitions (mediasoup v3 names and behaviour):
 *
 *   from                    on                                           to
 *   ----------------------  -------------------------------------------  ------------
 *   new, disconnected       valid check without USE-CANDIDATE            connected
 *   new .. disconnected     valid check with USE-CANDIDATE               completed
 *   connected, completed    selected tuple's consent expires (tick)      disconnected
 *   connected, completed    selected tuple removed, no other tuple left  disconnected
 *   any                     close()                                      closed
 *
 * A tuple (the transport's opaque id of a 5-tuple, e.g. 'udp:1.2.3.4:5000'
 * or 'tcp:conn7') becomes valid with its
 * first good check. The selected tuple is the last nominated one or, before
 * any nomination, the first valid one. No sockets and no timers: the clock is
 * injected and `tick` is called by the owner.
 */
import { shortTermKey } from '../stun/index.js';
import type { StunMessage } from '../stun/index.js';
import { bindingSuccess, checkBindingRequest } from './binding-check.js';
import type { IceCredentials, IceRejection } from './binding-check.js';

export type IceState = 'new' | 'connected' | 'completed' | 'disconnected' | 'closed';

export type IceTupleProtocol = 'udp' | 'tcp';

/** Where a check came from; echoed to the peer in XOR-MAPPED-ADDRESS. */
export interface IceRemote {
  readonly address: string;
  readonly port: number;
  readonly protocol: IceTupleProtocol;
}

export type IceAgentEvent =
  | { readonly type: 'statechange'; readonly state: IceState }
  /** `tupleId` is undefined when the selection is lost (state goes 'disconnected'). */
  | { readonly type: 'selectedtuplechange'; readonly tupleId: string | undefined };

export interface IceCheckResult {
  /** Bytes to send back on the tuple the request came from, if any (error responses included). */
  readonly response: Buffer | undefined;
  readonly events: readonly IceAgentEvent[];
  /** The check was accepted: the tuple is now valid. */
  readonly valid: boolean;
  /** Why it was not accepted; undefined when it was. */
  readonly dropReason: IceRejection | undefined;
}

export interface IceLiteAgentOptions {
  readonly usernameFragment: string;
  readonly password: string;
  /** RFC 7675 consent lifetime of a tuple; default 30000, 0 disables expiry. */
  readonly consentTimeoutMs?: number;
  /** Milliseconds, monotonic. */
  readonly now: () => number;
}

interface TupleEntry {
  readonly id: string;
  lastConsentAt: number;
}

/** Cap on remembered tuples; only authenticated checks add one, so this only bounds a misbehaving peer. */
const MAX_TUPLES = 16;
const NO_EVENTS: readonly IceAgentEvent[] = Object.freeze([]);

export class IceLiteAgent {
  readonly #consentTimeoutMs: number;
  readonly #now: () => number;
  #credentials: IceCredentials;
  /** Credentials a restart replaced, still honoured until the peer uses the new ones. */
  #previous: IceCredentials | undefined;
  #state: IceState = 'new';
  readonly #tuples = new Map<string, TupleEntry>();
  #selected: TupleEntry | undefined;

  constructor(options: IceLiteAgentOptions) {
    this.#credentials = credentialsOf(options.usernameFragment, options.password);
    this.#consentTimeoutMs = Math.max(0, options.consentTimeoutMs ?? 30_000);
    this.#now = options.now;
  }

  get state(): IceState {
    return this.#state;
  }

  get selectedTupleId(): string | undefined {
    return this.#selected?.id;
  }

  /** Ids of the valid tuples, in the order they were first validated. */
  get tupleIds(): string[] {
    return [...this.#tuples.keys()];
  }

  get usernameFragment(): string {
    return this.#credentials.usernameFragment;
  }

  /**
   * Answer a STUN message (`message`, parsed from `raw`) received on the
   * tuple `tupleId`. Whatever comes back in `response` goes out on that same
   * tuple, even when the check is refused (it is then an error response).
   */
  handleStun(message: StunMessage, raw: Buffer, tupleId: string, remote: IceRemote): IceCheckResult {
    if (this.#state === 'closed') return { response: undefined, events: NO_EVENTS, valid: false, dropReason: 'closed' };
    const candidates = this.#previous === undefined ? [this.#credentials] : [this.#credentials, this.#previous];
    const check = checkBindingRequest(message, raw, candidates);
    if (!check.ok) return { response: check.response, events: NO_EVENTS, valid: false, dropReason: check.rejection };

    // mediasoup forgets the old credentials once the peer has switched over.
    if (check.credentials === this.#credentials) this.#previous = undefined;

    const events: IceAgentEvent[] = [];
    const entry = this.#touch(tupleId);
    if (check.useCandidate) {
      if (this.#selected !== entry) this.#select(entry, events);
      if (this.#state !== 'completed') this.#setState('completed', events);
    } else if (this.#selected === undefined) {
      this.#select(entry, events);
      this.#setState('connected', events);
    }
    const response = bindingSuccess(check.request, remote.address, remote.port, check.credentials.key);
    return { response, events, valid: true, dropReason: undefined };
  }

  /**
   * Expire tuples whose consent is older than the timeout. Losing the selected
   * tuple this way means the peer is gone or cannot hear us: 'disconnected'.
   */
  tick(now: number = this.#now()): readonly IceAgentEvent[] {
    if (this.#consentTimeoutMs === 0 || this.#state === 'closed' || this.#tuples.size === 0) return NO_EVENTS;
    let selectedExpired = false;
    for (const [id, entry] of this.#tuples) {
      if (now - entry.lastConsentAt < this.#consentTimeoutMs) continue;
      this.#tuples.delete(id);
      if (entry === this.#selected) selectedExpired = true;
    }
    if (!selectedExpired) return NO_EVENTS;
    const events: IceAgentEvent[] = [];
    this.#unselect(events);
    return events;
  }

  /**
   * Forget a tuple (e.g. its TCP connection closed). If it was selected, the
   * freshest remaining tuple takes over; with none left, 'disconnected'.
   */
  removeTuple(id: string): readonly IceAgentEvent[] {
    const entry = this.#tuples.get(id);
    if (entry === undefined) return NO_EVENTS;
    this.#tuples.delete(id);
    if (entry !== this.#selected) return NO_EVENTS;
    const events: IceAgentEvent[] = [];
    const next = this.#freshest();
    if (next !== undefined) this.#select(next, events);
    else this.#unselect(events);
    return events;
  }

  /**
   * New local credentials (ICE restart). Tuples and selection stay until the
   * peer's checks with the new credentials arrive; the old credentials keep
   * working only until then, so in-flight consent checks do not fail.
   */
  restart(usernameFragment: string, password: string): void {
    this.#previous = this.#credentials;
    this.#credentials = credentialsOf(usernameFragment, password);
  }

  /** Final: every later message is ignored. */
  close(): void {
    this.#state = 'closed';
    this.#tuples.clear();
    this.#selected = undefined;
  }

  #touch(id: string): TupleEntry {
    const now = this.#now();
    let entry = this.#tuples.get(id);
    if (entry !== undefined) {
      entry.lastConsentAt = now;
      return entry;
    }
    if (this.#tuples.size >= MAX_TUPLES) this.#evictStalest();
    entry = { id, lastConsentAt: now };
    this.#tuples.set(id, entry);
    return entry;
  }

  #evictStalest(): void {
    let victim: string | undefined;
    let oldest = Infinity;
    for (const [id, e] of this.#tuples) {
      if (e !== this.#selected && e.lastConsentAt < oldest) {
        oldest = e.lastConsentAt;
        victim = id;
      }
    }
    if (victim !== undefined) this.#tuples.delete(victim);
  }

  #freshest(): TupleEntry | undefined {
    let best: TupleEntry | undefined;
    for (const e of this.#tuples.values()) if (best === undefined || e.lastConsentAt > best.lastConsentAt) best = e;
    return best;
  }

  #select(entry: TupleEntry, events: IceAgentEvent[]): void {
    this.#selected = entry;
    events.push({ type: 'selectedtuplechange', tupleId: entry.id });
  }

  #unselect(events: IceAgentEvent[]): void {
    this.#selected = undefined;
    events.push({ type: 'selectedtuplechange', tupleId: undefined });
    this.#setState('disconnected', events);
  }

  #setState(state: IceState, events: IceAgentEvent[]): void {
    if (this.#state === state) return;
    this.#state = state;
    events.push({ type: 'statechange', state });
  }
}

function credentialsOf(usernameFragment: string, password: string): IceCredentials {
  return { usernameFragment, key: shortTermKey(password) };
}
