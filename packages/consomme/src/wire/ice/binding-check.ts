/**
 * Server side of an ICE connectivity check: decide whether a Binding request
 * is acceptable and build the answer. RFC 8445 §7.3 (responding to checks),
 * RFC 8489 §6.3 and §9.1.3 (short-term credential checks).
 * https://www.rfc-editor.org/rfc/rfc8445#section-7.3
 * https://www.rfc-editor.org/rfc/rfc8489#section-9.1.3
 *
 * Order of checks, and the answer to each failure:
 *   not a request                       → nothing (indications, responses: ICE-lite sends no requests)
 *   FINGERPRINT present but wrong       → nothing (RFC 8445 §7.3: not for us, maybe another protocol)
 *   method other than Binding           → 400, unauthenticated
 *   USERNAME or MESSAGE-INTEGRITY absent→ 400, unauthenticated (RFC 8489 §9.1.3)
 *   USERNAME not "<our ufrag>:…"        → 401, unauthenticated
 *   MESSAGE-INTEGRITY does not match    → 401, unauthenticated
 *   PRIORITY absent                     → 400, authenticated (RFC 8445 §7.1.1 makes it mandatory)
 *   ICE-CONTROLLED present              → 487, authenticated (RFC 8445 §7.3.1.1: a lite agent is
 *                                          always controlled and cannot switch, so the peer must)
 * Error responses never carry XOR-MAPPED-ADDRESS; all carry FINGERPRINT
 * (RFC 8445 §7.1: every ICE STUN message does), and MESSAGE-INTEGRITY only
 * when the request proved it knows the password.
 */
import {
  STUN_METHOD_BINDING,
  StunAttributeType,
  StunMessageBuilder,
  getAttribute,
  getUsername,
  hasAttribute,
  hasUseCandidate,
  verifyFingerprint,
  verifyMessageIntegrity,
} from '../stun/index.js';
import type { StunMessage } from '../stun/index.js';

export type IceRejection =
  | 'notRequest'
  | 'badFingerprint'
  | 'unsupportedMethod'
  | 'missingCredentials'
  | 'unknownUsername'
  | 'badMessageIntegrity'
  | 'missingPriority'
  | 'roleConflict'
  | 'closed';

export interface IceCredentials {
  readonly usernameFragment: string;
  /** `shortTermKey(password)`, computed once. */
  readonly key: Buffer;
}

export type BindingCheck =
  | {
      readonly ok: true;
      readonly request: StunMessage;
      /** Which of the offered credentials matched. */
      readonly credentials: IceCredentials;
      readonly useCandidate: boolean;
    }
  | { readonly ok: false; readonly rejection: IceRejection; readonly response: Buffer | undefined };

const ERROR_REASON: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  487: 'Role Conflict',
};

function errorResponse(request: StunMessage, code: 400 | 401 | 487, key: Buffer | undefined): Buffer {
  return new StunMessageBuilder('errorResponse', request.method, request.transactionId)
    .errorCode(code, ERROR_REASON[code] ?? '')
    .build(key !== undefined ? { integrityKey: key, fingerprint: true } : { fingerprint: true });
}

function reject(
  rejection: IceRejection,
  request?: StunMessage,
  code?: 400 | 401 | 487,
  key?: Buffer,
): BindingCheck {
  const response = request !== undefined && code !== undefined ? errorResponse(request, code, key) : undefined;
  return { ok: false, rejection, response };
}

/**
 * Validate `request` (parsed from `raw`) against the credentials in order of
 * preference (current first, then the ones a restart replaced).
 */
export function checkBindingRequest(
  request: StunMessage,
  raw: Buffer,
  candidates: readonly IceCredentials[],
): BindingCheck {
  if (request.class !== 'request') return reject('notRequest');
  if (hasAttribute(request, StunAttributeType.Fingerprint) && !verifyFingerprint(raw)) return reject('badFingerprint');
  if (request.method !== STUN_METHOD_BINDING) return reject('unsupportedMethod', request, 400);
  const username = getUsername(request);
  if (username === undefined || !hasAttribute(request, StunAttributeType.MessageIntegrity)) {
    return reject('missingCredentials', request, 400);
  }
  const credentials = candidates.find((c) => username.startsWith(`${c.usernameFragment}:`));
  if (credentials === undefined) return reject('unknownUsername', request, 401);
  if (!verifyMessageIntegrity(raw, credentials.key)) return reject('badMessageIntegrity', request, 401);
  if (getAttribute(request, StunAttributeType.Priority)?.length !== 4) {
    return reject('missingPriority', request, 400, credentials.key);
  }
  if (hasAttribute(request, StunAttributeType.IceControlled)) return reject('roleConflict', request, 487, credentials.key);
  return { ok: true, request, credentials, useCandidate: hasUseCandidate(request) };
}

/**
 * Binding success telling the peer the address we saw it from (RFC 8445 §7.3.1).
 * A dual-stack socket reports IPv4 peers as `::ffff:a.b.c.d`; the peer sent to
 * an IPv4 address and knows itself as IPv4, so it is answered in that family.
 */
export function bindingSuccess(request: StunMessage, remoteAddress: string, remotePort: number, key: Buffer): Buffer {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(remoteAddress);
  return new StunMessageBuilder('successResponse', STUN_METHOD_BINDING, request.transactionId)
    .xorMappedAddress(mapped?.[1] ?? remoteAddress, remotePort)
    .build({ integrityKey: key, fingerprint: true });
}
