/**
 * The STUN side of a light viewer's ICE (RFC 8445 §7.2, RFC 7675 consent): one host
 * candidate and one pair, so no candidate gathering, pairing or pruning.
 *
 * - Our binding requests: against an ICE-lite SFU (Consommé) we are controlling and
 *   nominate with USE-CANDIDATE (§7.2.4, aggressive as a lite peer expects); against a full
 *   agent that made the offer (Janus) we are controlled and it nominates.
 * - Its binding requests (a full agent checks too, and keeps checking as keepalive):
 *   answered with XOR-MAPPED-ADDRESS, integrity under our password, fingerprint.
 */
import { randomBytes } from 'node:crypto';
import {
  StunMessageBuilder,
  STUN_METHOD_BINDING,
  getUsername,
  hasUseCandidate,
  parseStun,
  shortTermKey,
  verifyMessageIntegrity,
} from '../../packages/consomme/src/wire/stun/index.js';

// RFC 8445 §5.1.2.1: host type preference 126, one component.
const PRIORITY = ((126 << 24) | (65535 << 8) | 255) >>> 0;

export interface IceRemote {
  ufrag: string;
  password: string;
}

export class IceChecks {
  readonly localUfrag = randomBytes(6).toString('hex');
  readonly localPassword = randomBytes(16).toString('hex');
  readonly #localKey = shortTermKey(this.localPassword);
  readonly #tieBreaker = randomBytes(8).readBigUInt64BE(0);
  #remoteKey: Buffer | undefined;
  #username = '';
  #controlling = true;
  /** Success responses to our requests that authenticated. */
  responses = 0;
  /** Requests from the peer that authenticated (and were answered). */
  requestsAnswered = 0;
  /** Requests from the peer with USE-CANDIDATE, i.e. it nominated our pair. */
  nominations = 0;

  setRemote(remote: IceRemote, controlling: boolean): void {
    this.#remoteKey = shortTermKey(remote.password);
    this.#username = `${remote.ufrag}:${this.localUfrag}`;
    this.#controlling = controlling;
  }

  /** A binding request to the remote candidate; undefined before setRemote. */
  request(): Buffer | undefined {
    if (!this.#remoteKey) return undefined;
    const b = new StunMessageBuilder('request', STUN_METHOD_BINDING, randomBytes(12)).username(this.#username).priority(PRIORITY);
    if (this.#controlling) b.iceControlling(this.#tieBreaker).useCandidate();
    else b.iceControlled(this.#tieBreaker);
    return b.build({ integrityKey: this.#remoteKey, fingerprint: true });
  }

  /**
   * Handles one STUN datagram. Returns the response to send back for an authenticated
   * request, 'connected' for an authenticated success response, undefined otherwise.
   */
  handle(buf: Buffer, fromIp: string, fromPort: number): Buffer | 'connected' | undefined {
    const msg = parseStun(buf);
    if (!msg || msg.method !== STUN_METHOD_BINDING) return undefined;
    if (msg.class === 'successResponse') {
      if (!this.#remoteKey || !verifyMessageIntegrity(buf, this.#remoteKey)) return undefined;
      this.responses++;
      return 'connected';
    }
    if (msg.class !== 'request') return undefined;
    const username = getUsername(msg);
    if (!username?.startsWith(`${this.localUfrag}:`) || !verifyMessageIntegrity(buf, this.#localKey)) return undefined;
    this.requestsAnswered++;
    if (hasUseCandidate(msg)) this.nominations++;
    return new StunMessageBuilder('successResponse', STUN_METHOD_BINDING, msg.transactionId)
      .xorMappedAddress(fromIp, fromPort)
      .build({ integrityKey: this.#localKey, fingerprint: true });
  }
}
