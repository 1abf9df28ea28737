/**
 * WebRTC Payload Protocol Identifiers.
 * RFC 8831 §8 — https://www.rfc-editor.org/rfc/rfc8831#section-8
 *
 *   50  WebRTC DCEP            (RFC 8832)
 *   51  WebRTC String          (UTF-8)
 *   52  WebRTC String Partial  (deprecated)
 *   53  WebRTC Binary
 *   54  WebRTC Binary Partial  (deprecated)
 *   56  WebRTC String Empty    (payload: one byte, 0x00, ignored)
 *   57  WebRTC Binary Empty    (payload: one byte, 0x00, ignored)
 *
 * SCTP cannot carry a DATA chunk without user data (RFC 9260 §6.2), so an empty
 * message travels as one zero byte under PPID 56/57 and is delivered empty.
 * Partial PPIDs come from old (pre-EOR) usrsctp senders: the fragments of one
 * message under 52/54, then its last fragment under 51/53.
 */

export const PPID = {
  dcep: 50,
  string: 51,
  stringPartial: 52,
  binary: 53,
  binaryPartial: 54,
  stringEmpty: 56,
  binaryEmpty: 57,
} as const;

export type WebRtcPpid = (typeof PPID)[keyof typeof PPID];

export type PayloadKind = 'dcep' | 'string' | 'binary';

const EMPTY_PAYLOAD = Buffer.from([0]);

export function isEmptyPpid(ppid: number): boolean {
  return ppid === PPID.stringEmpty || ppid === PPID.binaryEmpty;
}

export function isPartialPpid(ppid: number): boolean {
  return ppid === PPID.stringPartial || ppid === PPID.binaryPartial;
}

/** The kind a PPID carries, or undefined for PPIDs WebRTC does not define. */
export function payloadKind(ppid: number): PayloadKind | undefined {
  switch (ppid) {
    case PPID.dcep:
      return 'dcep';
    case PPID.string:
    case PPID.stringPartial:
    case PPID.stringEmpty:
      return 'string';
    case PPID.binary:
    case PPID.binaryPartial:
    case PPID.binaryEmpty:
      return 'binary';
    default:
      return undefined;
  }
}

/** The PPID and payload that put a (possibly empty) user message on the wire. */
export function wirePayload(ppid: number, data: Buffer): { ppid: number; data: Buffer } {
  if (data.length === 0) {
    if (ppid === PPID.string || ppid === PPID.stringEmpty) return { ppid: PPID.stringEmpty, data: EMPTY_PAYLOAD };
    if (ppid === PPID.binary || ppid === PPID.binaryEmpty) return { ppid: PPID.binaryEmpty, data: EMPTY_PAYLOAD };
    return { ppid, data: EMPTY_PAYLOAD };
  }
  if (isEmptyPpid(ppid)) return { ppid, data: EMPTY_PAYLOAD };
  return { ppid, data };
}

/** The user message a received payload stands for (empty for PPID 56/57). */
export function userPayload(ppid: number, data: Buffer): Buffer {
  return isEmptyPpid(ppid) ? data.subarray(0, 0) : data;
}

/** The non-empty PPID of the same kind (56 → 51, 57 → 53, partials → final). */
export function basePpid(ppid: number): number {
  switch (ppid) {
    case PPID.stringEmpty:
    case PPID.stringPartial:
      return PPID.string;
    case PPID.binaryEmpty:
    case PPID.binaryPartial:
      return PPID.binary;
    default:
      return ppid;
  }
}
