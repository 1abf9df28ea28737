// DTLS 1.2 record layer framing, read just far enough to keep malformed input
// away from werift-dtls (whose own splitter throws on short buffers) and to
// pick out the records the session handles itself (alerts, late ClientHellos).
//
// RFC 6347 §4.1 (https://www.rfc-editor.org/rfc/rfc6347#section-4.1)
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  | content type  |   version (0xFEFD / 0xFEFF)   |     epoch     |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |    (epoch)    |            sequence_number (48 bits)          |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                       (sequence_number)       |    length     |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |   (length)    |  fragment (length bytes) ...
//  +-+-+-+-+-+-+-+-+
//
// A datagram may carry several records back to back (RFC 6347 §4.1.1).

export type DtlsContentType = 'change_cipher_spec' | 'alert' | 'handshake' | 'application_data';

export interface DtlsRecord {
  contentType: DtlsContentType;
  /** 0xFEFD for DTLS 1.2; 0xFEFF (DTLS 1.0) is legal in an initial ClientHello record. */
  version: number;
  epoch: number;
  sequenceNumber: number;
  fragment: Buffer;
}

export const DTLS_RECORD_HEADER_LENGTH = 13;
// RFC 6347 §4.1 caps DTLSCiphertext at 2^14 + 2048 bytes of fragment.
const MAX_FRAGMENT = 16384 + 2048;

const CT_CHANGE_CIPHER_SPEC = 20;
const CT_ALERT = 21;
const CT_HANDSHAKE = 22;
const CT_APPLICATION_DATA = 23;
const HANDSHAKE_CLIENT_HELLO = 1;
const HANDSHAKE_HELLO_VERIFY_REQUEST = 3;

const TYPE_NAMES: Record<number, DtlsContentType> = {
  [CT_CHANGE_CIPHER_SPEC]: 'change_cipher_spec',
  [CT_ALERT]: 'alert',
  [CT_HANDSHAKE]: 'handshake',
  [CT_APPLICATION_DATA]: 'application_data',
};
const TYPE_CODES: Record<DtlsContentType, number> = {
  change_cipher_spec: CT_CHANGE_CIPHER_SPEC,
  alert: CT_ALERT,
  handshake: CT_HANDSHAKE,
  application_data: CT_APPLICATION_DATA,
};

/**
 * RFC 7983 §7 demultiplexing: the first byte of a DTLS record is 20..63.
 * https://www.rfc-editor.org/rfc/rfc7983#section-7
 */
export function looksLikeDtls(buf: Buffer): boolean {
  const b = buf[0];
  return b !== undefined && b >= 20 && b <= 63;
}

/**
 *  'malformed' — not a sequence of well-formed DTLS 1.x records; drop it.
 *  'forward'   — hand the datagram to werift-dtls untouched.
 *  'inspect'   — it carries an alert or an epoch-0 ClientHello / HelloVerifyRequest;
 *                split it with parseDtlsRecords.
 * Allocation-free, because every datagram of a data channel passes through it.
 */
export type DtlsDatagramKind = 'malformed' | 'forward' | 'inspect';

export function classifyDtlsDatagram(buf: Buffer): DtlsDatagramKind {
  let off = 0;
  let inspect = false;
  if (buf.length === 0) return 'malformed';
  while (off < buf.length) {
    if (buf.length - off < DTLS_RECORD_HEADER_LENGTH) return 'malformed';
    const type = buf[off] as number;
    if (type < CT_CHANGE_CIPHER_SPEC || type > CT_APPLICATION_DATA) return 'malformed';
    if (buf[off + 1] !== 0xfe) return 'malformed';
    const minor = buf[off + 2];
    if (minor !== 0xfd && minor !== 0xff) return 'malformed';
    const len = buf.readUInt16BE(off + 11);
    if (len > MAX_FRAGMENT || off + DTLS_RECORD_HEADER_LENGTH + len > buf.length) return 'malformed';
    if (type === CT_ALERT) inspect = true;
    else if (type === CT_HANDSHAKE && len > 0 && buf.readUInt16BE(off + 3) === 0) {
      const msgType = buf[off + DTLS_RECORD_HEADER_LENGTH];
      if (msgType === HANDSHAKE_CLIENT_HELLO || msgType === HANDSHAKE_HELLO_VERIFY_REQUEST) inspect = true;
    }
    off += DTLS_RECORD_HEADER_LENGTH + len;
  }
  return inspect ? 'inspect' : 'forward';
}

/**
 * True when a datagram that classifyDtlsDatagram did not call 'malformed'
 * holds an epoch-0 handshake record. Allocation-free, for the same reason.
 */
export function hasPlaintextHandshakeRecord(buf: Buffer): boolean {
  for (let off = 0; off + DTLS_RECORD_HEADER_LENGTH <= buf.length; off += DTLS_RECORD_HEADER_LENGTH + buf.readUInt16BE(off + 11)) {
    if (buf[off] === CT_HANDSHAKE && buf.readUInt16BE(off + 3) === 0) return true;
  }
  return false;
}

/** Splits a datagram into records; fragments are views into `buf`. */
export function parseDtlsRecords(buf: Buffer): DtlsRecord[] | undefined {
  if (classifyDtlsDatagram(buf) === 'malformed') return undefined;
  const out: DtlsRecord[] = [];
  let off = 0;
  while (off < buf.length) {
    const len = buf.readUInt16BE(off + 11);
    out.push({
      contentType: TYPE_NAMES[buf[off] as number] as DtlsContentType,
      version: buf.readUInt16BE(off + 1),
      epoch: buf.readUInt16BE(off + 3),
      sequenceNumber: buf.readUIntBE(off + 5, 6),
      fragment: buf.subarray(off + DTLS_RECORD_HEADER_LENGTH, off + DTLS_RECORD_HEADER_LENGTH + len),
    });
    off += DTLS_RECORD_HEADER_LENGTH + len;
  }
  return out;
}

export function serializeDtlsRecord(r: DtlsRecord): Buffer {
  const out = Buffer.allocUnsafe(DTLS_RECORD_HEADER_LENGTH + r.fragment.length);
  out[0] = TYPE_CODES[r.contentType];
  out.writeUInt16BE(r.version, 1);
  out.writeUInt16BE(r.epoch, 3);
  out.writeUIntBE(r.sequenceNumber, 5, 6);
  out.writeUInt16BE(r.fragment.length, 11);
  r.fragment.copy(out, DTLS_RECORD_HEADER_LENGTH);
  return out;
}

/** True for an epoch-0 handshake record whose (first) message is a ClientHello. */
export function isClientHelloRecord(r: DtlsRecord): boolean {
  return r.contentType === 'handshake' && r.epoch === 0 && r.fragment[0] === HANDSHAKE_CLIENT_HELLO;
}

/** True for an epoch-0 handshake record whose (first) message is a HelloVerifyRequest. */
export function isHelloVerifyRequestRecord(r: DtlsRecord): boolean {
  return r.contentType === 'handshake' && r.epoch === 0 && r.fragment[0] === HANDSHAKE_HELLO_VERIFY_REQUEST;
}

// Alert: RFC 5246 §7.2 (https://www.rfc-editor.org/rfc/rfc5246#section-7.2)
//
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |  level (1|2)  |  description  |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

export type DtlsAlertLevel = 'warning' | 'fatal';

export interface DtlsAlert {
  level: DtlsAlertLevel;
  /** 0 close_notify, 40 handshake_failure, 42 bad_certificate, … (RFC 5246 §7.2). */
  description: number;
}

export const ALERT_CLOSE_NOTIFY = 0;

export function parseDtlsAlert(plain: Buffer): DtlsAlert | undefined {
  if (plain.length !== 2) return undefined;
  const level = plain[0];
  if (level !== 1 && level !== 2) return undefined;
  return { level: level === 1 ? 'warning' : 'fatal', description: plain[1] as number };
}

export function serializeDtlsAlert(a: DtlsAlert): Buffer {
  return Buffer.from([a.level === 'warning' ? 1 : 2, a.description]);
}
