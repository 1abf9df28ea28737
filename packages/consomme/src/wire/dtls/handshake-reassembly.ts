// Handshake message reassembly and ordering by message_seq, so that the
// handshake state machine behind it only ever sees each message once, whole,
// and in the order the peer numbered it.
//
// RFC 6347 §4.2.2 (https://www.rfc-editor.org/rfc/rfc6347#section-4.2.2):
// a message whose message_seq is below the next expected one is a
// retransmission and is not processed again; one above it is kept until the
// gap fills. §4.2.3: a message may arrive in fragments, in any order, and a
// retransmission may fragment it differently.
//
// Handshake fragment header (RFC 6347 §4.2.2):
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |   msg_type    |              length (24 bits)                 |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |         message_seq           |  fragment_offset (24 bits) ...|
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |  ...offset    |         fragment_length (24 bits)             |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |  fragment (fragment_length bytes) ...
//  +-+-+-+-+-+-+-+-+

export const HANDSHAKE_HEADER_LENGTH = 12;
// A certificate chain is the largest message a WebRTC handshake carries; a
// few KiB in practice. Anything claiming more is refused rather than buffered.
const MAX_MESSAGE_LENGTH = 64 * 1024;
// How far ahead of the next expected message a fragment may be: a flight
// holds at most six messages.
const MAX_AHEAD = 16;

export interface HandshakeFragment {
  msgType: number;
  /** The whole message's body length. */
  length: number;
  seq: number;
  offset: number;
  body: Buffer;
}

/** A whole handshake message, as one unfragmented DTLS handshake fragment. */
export interface HandshakeMessage {
  msgType: number;
  seq: number;
  body: Buffer;
}

/**
 * Splits a plaintext handshake record's fragment into handshake fragments.
 * Undefined when the record is not a well-formed sequence of them.
 */
export function parseHandshakeFragments(record: Buffer): HandshakeFragment[] | undefined {
  const out: HandshakeFragment[] = [];
  let off = 0;
  while (off < record.length) {
    if (record.length - off < HANDSHAKE_HEADER_LENGTH) return undefined;
    const length = record.readUIntBE(off + 1, 3);
    const offset = record.readUIntBE(off + 6, 3);
    const fragmentLength = record.readUIntBE(off + 9, 3);
    const end = off + HANDSHAKE_HEADER_LENGTH + fragmentLength;
    if (end > record.length || offset + fragmentLength > length) return undefined;
    out.push({
      msgType: record[off] as number,
      length,
      seq: record.readUInt16BE(off + 4),
      offset,
      body: record.subarray(off + HANDSHAKE_HEADER_LENGTH, end),
    });
    off = end;
  }
  return out;
}

/** One handshake fragment (header and body); a whole message when offset is 0 and body is all of it. */
export function serializeHandshakeFragment(f: HandshakeFragment): Buffer {
  const out = Buffer.allocUnsafe(HANDSHAKE_HEADER_LENGTH + f.body.length);
  out[0] = f.msgType;
  out.writeUIntBE(f.length, 1, 3);
  out.writeUInt16BE(f.seq, 4);
  out.writeUIntBE(f.offset, 6, 3);
  out.writeUIntBE(f.body.length, 9, 3);
  f.body.copy(out, HANDSHAKE_HEADER_LENGTH);
  return out;
}

export function serializeHandshakeMessage(m: HandshakeMessage): Buffer {
  return serializeHandshakeFragment({ ...m, length: m.body.length, offset: 0 });
}

interface PartialMessage {
  msgType: number;
  body: Buffer;
  filled: Uint8Array;
  missing: number;
}

export type FragmentVerdict = 'accepted' | 'duplicate' | 'refused';

export class HandshakeReassembler {
  #next: number | undefined;
  readonly #pending = new Map<number, PartialMessage>();

  /** The message_seq the handshake waits for; undefined before start(). */
  get next(): number | undefined {
    return this.#next;
  }

  /** Sets where the peer's flight begins. Never moves backwards. */
  start(seq: number): void {
    if (this.#next !== undefined && seq <= this.#next) return;
    this.#next = seq;
    for (const key of this.#pending.keys()) if (key < seq) this.#pending.delete(key);
  }

  /** Records one fragment. 'duplicate': a message already passed on. */
  add(f: HandshakeFragment): FragmentVerdict {
    if (this.#next !== undefined) {
      if (f.seq < this.#next) return 'duplicate';
      if (f.seq - this.#next > MAX_AHEAD) return 'refused';
    } else if (!this.#pending.has(f.seq) && this.#pending.size >= MAX_AHEAD) {
      return 'refused';
    }
    if (f.length > MAX_MESSAGE_LENGTH) return 'refused';
    let p = this.#pending.get(f.seq);
    if (p === undefined) {
      p = { msgType: f.msgType, body: Buffer.alloc(f.length), filled: new Uint8Array(f.length), missing: f.length };
      this.#pending.set(f.seq, p);
    } else if (p.msgType !== f.msgType || p.body.length !== f.length) {
      // Two different messages under one message_seq: keep the first.
      return 'refused';
    }
    for (let i = 0; i < f.body.length; i++) {
      const at = f.offset + i;
      if (p.filled[at] === 0) {
        p.filled[at] = 1;
        p.missing--;
      }
    }
    f.body.copy(p.body, f.offset);
    return 'accepted';
  }

  /** Whole messages from next onwards with no gap, each returned once. */
  take(): HandshakeMessage[] {
    const out: HandshakeMessage[] = [];
    if (this.#next === undefined) return out;
    for (;;) {
      const p = this.#pending.get(this.#next);
      if (p === undefined || p.missing > 0) return out;
      this.#pending.delete(this.#next);
      out.push({ msgType: p.msgType, seq: this.#next, body: p.body });
      this.#next++;
    }
  }

  /**
   * For a message that reaches the state machine by another way (an
   * encrypted Finished): true when it is the next one, which it then passes.
   */
  consume(seq: number): boolean {
    if (this.#next !== seq || this.#pending.has(seq)) return false;
    this.#next++;
    return true;
  }
}

const CT_HANDSHAKE = 22;
const RECORD_HEADER_LENGTH = 13;

/**
 * True when a datagram that classifyDtlsDatagram did not call 'malformed'
 * holds a handshake record of any epoch. Allocation-free: every datagram of
 * a data channel passes through it.
 */
export function hasHandshakeRecord(buf: Buffer): boolean {
  for (let off = 0; off + RECORD_HEADER_LENGTH <= buf.length; off += RECORD_HEADER_LENGTH + buf.readUInt16BE(off + 11)) {
    if (buf[off] === CT_HANDSHAKE) return true;
  }
  return false;
}

// ClientHello body (RFC 6347 §4.2.1): client_version(2) random(32)
// session_id<0..32> cookie<0..2^8-1> ...
const CLIENT_HELLO_SESSION_ID_AT = 34;

/** The cookie's length in a ClientHello fragment that starts the message; undefined if it cannot tell. */
export function clientHelloCookieLength(f: HandshakeFragment): number | undefined {
  if (f.offset !== 0 || f.body.length <= CLIENT_HELLO_SESSION_ID_AT) return undefined;
  const cookieAt = CLIENT_HELLO_SESSION_ID_AT + 1 + (f.body[CLIENT_HELLO_SESSION_ID_AT] as number);
  return f.body[cookieAt];
}
