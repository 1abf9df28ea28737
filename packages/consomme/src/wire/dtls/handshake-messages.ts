// The two signed handshake messages whose signatures werift-dtls 0.5.8 never
// checks; the session checks them itself, so it needs to read them.

// DigitallySigned (TLS 1.2): RFC 5246 §4.7 / §7.4.1.4.1
// https://www.rfc-editor.org/rfc/rfc5246#section-4.7
//
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |   hash alg    | signature alg |       signature length        |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                  signature (length bytes) ...                 |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

export type TlsHashAlgorithm = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
export type TlsSignatureAlgorithm = 'rsa' | 'ecdsa';

const HASHES: Record<number, TlsHashAlgorithm> = { 2: 'sha1', 3: 'sha224', 4: 'sha256', 5: 'sha384', 6: 'sha512' };
const HASH_CODES: Record<TlsHashAlgorithm, number> = { sha1: 2, sha224: 3, sha256: 4, sha384: 5, sha512: 6 };
const SIGNATURES: Record<number, TlsSignatureAlgorithm> = { 1: 'rsa', 3: 'ecdsa' };
const SIGNATURE_CODES: Record<TlsSignatureAlgorithm, number> = { rsa: 1, ecdsa: 3 };

export interface DigitallySigned {
  hash: TlsHashAlgorithm;
  signatureAlgorithm: TlsSignatureAlgorithm;
  signature: Buffer;
}

/** Parses a DigitallySigned that must end exactly at the end of `buf`. */
export function parseDigitallySigned(buf: Buffer): DigitallySigned | undefined {
  if (buf.length < 4) return undefined;
  const hash = HASHES[buf[0] as number];
  const signatureAlgorithm = SIGNATURES[buf[1] as number];
  if (hash === undefined || signatureAlgorithm === undefined) return undefined;
  const len = buf.readUInt16BE(2);
  if (len === 0 || 4 + len !== buf.length) return undefined;
  return { hash, signatureAlgorithm, signature: buf.subarray(4) };
}

export function serializeDigitallySigned(d: DigitallySigned): Buffer {
  const head = Buffer.from([HASH_CODES[d.hash], SIGNATURE_CODES[d.signatureAlgorithm], 0, 0]);
  head.writeUInt16BE(d.signature.length, 2);
  return Buffer.concat([head, d.signature]);
}

// ServerKeyExchange for ECDHE: RFC 8422 §5.4 (https://www.rfc-editor.org/rfc/rfc8422#section-5.4)
//
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  | curve_type=3  |          named_curve          | point length  |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |               public point (point length bytes) ...           |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |          DigitallySigned over client_random + server_random   |
//  |          + the params above (everything before it)            |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

export interface EcdheServerKeyExchange {
  namedCurve: number;
  publicPoint: Buffer;
  /** The ServerECDHParams bytes, exactly as received: they are what was signed. */
  params: Buffer;
  signed: DigitallySigned;
}

const CURVE_TYPE_NAMED = 3;

export function parseEcdheServerKeyExchange(body: Buffer): EcdheServerKeyExchange | undefined {
  if (body.length < 4 || body[0] !== CURVE_TYPE_NAMED) return undefined;
  const namedCurve = body.readUInt16BE(1);
  const pointLength = body[3] as number;
  const paramsEnd = 4 + pointLength;
  if (pointLength === 0 || paramsEnd > body.length) return undefined;
  const signed = parseDigitallySigned(body.subarray(paramsEnd));
  if (signed === undefined) return undefined;
  return { namedCurve, publicPoint: body.subarray(4, paramsEnd), params: body.subarray(0, paramsEnd), signed };
}

export function serializeEcdheServerKeyExchange(m: Omit<EcdheServerKeyExchange, 'params'>): Buffer {
  const head = Buffer.from([CURVE_TYPE_NAMED, 0, 0, m.publicPoint.length]);
  head.writeUInt16BE(m.namedCurve, 1);
  return Buffer.concat([head, m.publicPoint, serializeDigitallySigned(m.signed)]);
}
