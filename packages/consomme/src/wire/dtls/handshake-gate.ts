// The door between the session and werift-dtls for handshake records. werift
// acts on every handshake message as it arrives, in its own async tasks: under
// datagram loss its server derived the master secret from a transcript that
// lacked a lost client Certificate (and failed peer authentication), and its
// client polled for missing messages for 4.5 s and then gave up. The gate
// passes messages on whole, once each and in message_seq order (RFC 6347
// §4.2.2), holds the encrypted Finished until every message before it has
// passed, and answers a retransmitted final flight of the client (§4.2.4).

import { DtlsPlaintext, lastFlightDatagrams, pastCookieExchange, sentCookieHello } from './werift.js';
import type { DtlsSocket } from './werift.js';
import {
  HandshakeReassembler,
  clientHelloCookieLength,
  parseHandshakeFragments,
  serializeHandshakeFragment,
  serializeHandshakeMessage,
} from './handshake-reassembly.js';
import type { HandshakeFragment } from './handshake-reassembly.js';
import { serializeDtlsRecord } from './records.js';
import type { DtlsRecord } from './records.js';

const HT_CLIENT_HELLO = 1;
const HT_SERVER_HELLO = 2;
const HT_HELLO_VERIFY_REQUEST = 3;
// Bounds what a peer (or garbage) can make the gate hold or send.
const MAX_HELD_ENCRYPTED = 8;
const RESEND_INTERVAL_MS = 250;
const MAX_RESENDS = 20;

export interface HandshakeGateHost {
  role: 'client' | 'server';
  sock: DtlsSocket;
  /** Hands one datagram's worth of records to werift. */
  feed(buf: Buffer): void;
  /** Counts a datagram or record the gate threw away. */
  drop(): void;
  send(buf: Buffer): void;
  detached(): boolean;
}

export class HandshakeGate {
  readonly #h: HandshakeGateHost;
  readonly #reassembly = new HandshakeReassembler();
  #encrypted: Buffer[] = [];
  #lastResendAt = 0;
  #resends = 0;
  /** A fragmented hello being put together (see #wholeHello). */
  #hello: { seq: number; parts: HandshakeReassembler } | undefined;

  constructor(host: HandshakeGateHost) {
    this.#h = host;
  }

  /** Every handshake record the session receives, of any epoch. */
  onRecord(record: DtlsRecord): void {
    if (this.#h.detached()) return;
    if (record.epoch !== 0) {
      if (this.#encrypted.length >= MAX_HELD_ENCRYPTED) this.#encrypted.shift();
      this.#encrypted.push(serializeDtlsRecord(record));
      return this.#flushEncrypted();
    }
    if (this.#h.sock.connected) {
      // werift would renegotiate on a ClientHello; anything else is a
      // retransmitted flight 5 from a client that lost our flight 6.
      this.#peerRetransmitted();
      return this.#h.drop();
    }
    const fragments = parseHandshakeFragments(record.fragment);
    if (fragments === undefined) return this.#h.drop();
    for (const f of fragments) {
      if (f.msgType === HT_CLIENT_HELLO || f.msgType === HT_HELLO_VERIFY_REQUEST) {
        this.#onHello(record, f);
        continue;
      }
      if (f.msgType === HT_SERVER_HELLO && this.#h.role === 'client') this.#reassembly.start(f.seq);
      if (this.#reassembly.add(f) !== 'accepted') this.#h.drop();
    }
    for (const m of this.#reassembly.take()) {
      if (this.#h.detached()) return;
      this.#h.feed(serializeDtlsRecord({ ...record, fragment: serializeHandshakeMessage(m) }));
    }
    this.#flushEncrypted();
  }

  // ClientHello and HelloVerifyRequest go to werift as they come: it answers
  // each retransmitted ClientHello with its HelloVerifyRequest or flight 4
  // again, as RFC 6347 §4.2.4 asks. Two that would derail it are dropped.
  #onHello(record: DtlsRecord, fragment: HandshakeFragment): void {
    const f = this.#wholeHello(fragment);
    if (f === undefined) return;
    if (f.msgType === HT_CLIENT_HELLO) {
      if (this.#h.role !== 'server') return this.#h.drop();
      const cookie = clientHelloCookieLength(f);
      // A late cookieless ClientHello would restart werift's flight 2 with a new key.
      if (cookie === undefined || (cookie === 0 && pastCookieExchange(this.#h.sock))) return this.#h.drop();
      // The client's flight 5 starts with the message after its last ClientHello.
      this.#reassembly.start(f.seq + 1);
    } else if (this.#h.role !== 'client' || sentCookieHello(this.#h.sock)) {
      // werift's client throws on a second HelloVerifyRequest (e.g. a duplicated datagram).
      return this.#h.drop();
    }
    this.#h.feed(serializeDtlsRecord({ ...record, fragment: serializeHandshakeFragment(f) }));
  }

  // A hello split over several records is put together first: Chromium's
  // ClientHello (with its post-quantum key shares, about 1.4 kB) comes in two
  // fragments, and the cookie check and werift both need the whole message.
  // Undefined while parts are missing.
  #wholeHello(f: HandshakeFragment): HandshakeFragment | undefined {
    if (f.offset === 0 && f.body.length === f.length) return f;
    if (this.#hello === undefined || this.#hello.seq !== f.seq) {
      const parts = new HandshakeReassembler();
      parts.start(f.seq);
      this.#hello = { seq: f.seq, parts };
    }
    if (this.#hello.parts.add(f) !== 'accepted') {
      this.#h.drop();
      return undefined;
    }
    const [whole] = this.#hello.parts.take();
    if (whole === undefined) return undefined;
    this.#hello = undefined;
    return { msgType: whole.msgType, length: whole.body.length, seq: whole.seq, offset: 0, body: whole.body };
  }

  // Encrypted handshake records (the peer's Finished) wait until werift has
  // the keys and every message numbered before them: werift would otherwise
  // act on a Finished with part of the flight missing.
  #flushEncrypted(): void {
    if (this.#encrypted.length === 0 || this.#h.sock.cipher.cipher === undefined) return;
    const held: Buffer[] = [];
    for (const raw of this.#encrypted) {
      if (this.#h.detached()) return;
      let f: HandshakeFragment | undefined;
      try {
        [f] = parseHandshakeFragments(this.#h.sock.cipher.decryptPacket(DtlsPlaintext.deSerialize(raw))) ?? [];
      } catch {
        f = undefined;
      }
      if (f === undefined || f.offset !== 0 || f.body.length !== f.length) this.#h.drop();
      else if (this.#reassembly.consume(f.seq)) this.#h.feed(raw);
      else if (f.seq < (this.#reassembly.next ?? 0)) {
        this.#peerRetransmitted();
        this.#h.drop();
      } else held.push(raw);
    }
    this.#encrypted = held;
  }

  // RFC 6347 §4.2.4: a peer that retransmits the flight we already answered
  // with our final flight lost that answer. werift's server sends flight 6
  // only once, so the session resends it (a werift client retransmits its
  // flight 5 on its own timer). Rate-limited: a retransmitted flight is a
  // burst of datagrams and deserves one answer.
  #peerRetransmitted(): void {
    if (this.#h.role !== 'server' || !this.#h.sock.connected || this.#h.detached()) return;
    const now = Date.now();
    if (now - this.#lastResendAt < RESEND_INTERVAL_MS || this.#resends >= MAX_RESENDS) return;
    this.#lastResendAt = now;
    this.#resends++;
    for (const buf of lastFlightDatagrams(this.#h.sock)) this.#h.send(buf);
  }
}
