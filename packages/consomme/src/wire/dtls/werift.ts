// The one place that reaches into werift-dtls. Its package.json "main" points at
// lib/index.js, which the published 0.5.8 tarball does not contain, so the bare
// specifier cannot be imported; the deep paths below are what it actually ships.

import { createPrivateKey, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { createRequire } from 'node:module';
import { DtlsClient, DtlsServer } from 'werift-dtls/lib/dtls/src/index.js';
import type { DtlsSocket } from 'werift-dtls/lib/dtls/src/socket.js';
import { ecdhePreMasterSecret, generateEcdheKeyPair } from './native-ecdhe.js';

export { CipherContext, DtlsClient, DtlsServer } from 'werift-dtls/lib/dtls/src/index.js';
export type { DtlsSocket, Options as DtlsSocketOptions } from 'werift-dtls/lib/dtls/src/socket.js';
export type { Transport as WeriftTransport } from 'werift-dtls/lib/dtls/src/imports/common.js';
export type { FragmentedHandshake } from 'werift-dtls/lib/dtls/src/record/message/fragment.js';
export { createPlaintext } from 'werift-dtls/lib/dtls/src/record/builder.js';
export { DtlsPlaintext } from 'werift-dtls/lib/dtls/src/record/message/plaintext.js';

const INERT_FLIGHT = Object.freeze({
  handleHandshake: (): void => undefined,
  exec: async (): Promise<void> => undefined,
});

/**
 * werift's client handles each handshake message in its own async task, and
 * a message that arrived before ServerHello waits (polling) for the flight-5
 * builder to exist. If it wakes after the handshake, werift re-runs flight 5:
 * a fresh ECDHE key, a new master secret and a clobbered record cipher on a
 * live association. An inert builder turns those late wake-ups into no-ops
 * (and, unlike removing it, lets their polling end at once).
 */
export function retireClientFlight5(sock: DtlsSocket): void {
  (sock as unknown as { flight5?: unknown }).flight5 = INERT_FLIGHT;
}

/**
 * Flight retransmission loops (transmitFlight below) sleep on timers that
 * cannot be cancelled. Pinning werift's flight counter past every "next
 * flight" (late handlers would otherwise lower it again) makes each loop
 * finish at its next wake-up instead of retrying for ~30 s.
 */
export function quiesce(sock: DtlsSocket): void {
  sock.onHandleHandshakes = async () => undefined;
  if (sock instanceof DtlsClient) retireClientFlight5(sock);
  Object.defineProperty(sock.dtls, 'flight', {
    configurable: true,
    get: () => Number.MAX_SAFE_INTEGER,
    set: () => undefined,
  });
}

/**
 * The client has already answered a HelloVerifyRequest (werift flight 3 or
 * later); werift's flight 3 throws if asked to run again.
 */
export function sentCookieHello(sock: DtlsSocket): boolean {
  return sock instanceof DtlsClient && sock.dtls.flight >= 3;
}

/**
 * The server has answered a cookie-bearing ClientHello (werift flight 4 or
 * later). werift's flight 2 would run again on a late cookieless ClientHello
 * and replace the server random and ECDHE key mid-handshake.
 */
export function pastCookieExchange(sock: DtlsSocket): boolean {
  return sock instanceof DtlsServer && sock.dtls.flight >= 4;
}

/** The datagrams of werift's last flight 4, 5 or 6, exactly as first sent. */
export function lastFlightDatagrams(sock: DtlsSocket): readonly Buffer[] {
  return sock.dtls.lastMessage;
}

/**
 * werift's handshake flights call `generateKeyPair` and `prfPreMasterSecret`
 * through their CommonJS modules' export objects at each use, so replacing
 * those two exports moves every handshake's ECDHE to OpenSSL (see
 * native-ecdhe.ts for why and for the formats, which are unchanged).
 */
function useNativeEcdhe(): void {
  const require = createRequire(import.meta.url);
  const namedCurve = require('werift-dtls/lib/dtls/src/cipher/namedCurve.js') as { generateKeyPair: unknown };
  const prf = require('werift-dtls/lib/dtls/src/cipher/prf.js') as { prfPreMasterSecret: unknown };
  if (typeof namedCurve.generateKeyPair !== 'function' || typeof prf.prfPreMasterSecret !== 'function') {
    throw new Error('werift-dtls layout changed: cipher/namedCurve.generateKeyPair or cipher/prf.prfPreMasterSecret is missing');
  }
  namedCurve.generateKeyPair = generateEcdheKeyPair;
  prf.prfPreMasterSecret = ecdhePreMasterSecret;
}

// Flight retransmission (RFC 6347 §4.2.4.1). werift waits 0.5 s, 1 s, 1.5 s, …
// between sends of a flight, so under loss most of a handshake's budget goes
// on waiting: a flight that needs four sends takes 5 s. This schedule starts
// at 400 ms and grows by half each time up to 2.5 s, which still spaces
// retransmissions well above a WebRTC path's round trip, and keeps trying
// for about 30 s (the session's default deadline).
const FIRST_RETRANSMIT_MS = 400;
const MAX_RETRANSMIT_MS = 2500;
const MAX_RETRANSMITS = 15;

interface FlightInternals {
  readonly flight: number;
  readonly nextFlight: number | undefined;
  readonly dtls: { flight: number };
  send(buffers: Buffer[]): Promise<unknown>;
  setState(state: 'SENDING' | 'WAITING' | 'FINISHED'): void;
}

async function transmitFlight(this: FlightInternals, buffers: Buffer[]): Promise<void> {
  let wait = FIRST_RETRANSMIT_MS;
  for (let sent = 0; sent <= MAX_RETRANSMITS; sent++) {
    this.setState('SENDING');
    this.send(buffers).catch(() => undefined);
    this.setState('WAITING');
    // werift's last flight (server flight 6) is answered by nothing; the session resends it.
    if (this.nextFlight === undefined) return this.setState('FINISHED');
    // Unref'd: a handshake in progress must not be what keeps a process alive.
    await new Promise<void>((resolve) => setTimeout(resolve, wait).unref());
    if (this.dtls.flight >= this.nextFlight) return this.setState('FINISHED');
    wait = Math.min(Math.round(wait * 1.5), MAX_RETRANSMIT_MS);
  }
  throw new Error(`DTLS flight ${this.flight} retransmitted ${MAX_RETRANSMITS} times without an answer`);
}

/** werift's flights all inherit transmit() from one Flight class. */
function useRetransmitSchedule(): void {
  const require = createRequire(import.meta.url);
  const { Flight } = require('werift-dtls/lib/dtls/src/flight/flight.js') as { Flight?: { prototype: { transmit?: unknown } } };
  if (Flight === undefined || typeof Flight.prototype.transmit !== 'function') {
    throw new Error('werift-dtls layout changed: flight/flight.Flight.prototype.transmit is missing');
  }
  Flight.prototype.transmit = transmitFlight;
}

/** A certificate and key as werift's CipherContext holds them (@fidm/x509 objects). */
interface ParsedLocalKeys {
  cert: { raw: Buffer };
  key: { sign(data: Buffer, hashAlgorithm: string): Buffer };
}

interface CipherContextInternals {
  localCert: Buffer;
  localPrivateKey: ParsedLocalKeys['key'];
  signatureHashAlgorithm: unknown;
  parseX509(certPem: string, keyPem: string, signatureHash: unknown): void;
  signatureData(data: Buffer, hash: string): Buffer;
}

/**
 * werift parses our certificate and private key from PEM (ASN.1 in
 * JavaScript) for every handshake, and signs ServerKeyExchange and
 * CertificateVerify by handing OpenSSL the key as PEM again, which parses
 * it once more per signature: about a fifth of a handshake's CPU in a join
 * storm profile (bench/join-storm.ts). A worker has one certificate, so
 * the parsed pair and a KeyObject are kept per PEM, and signatures are made
 * with the KeyObject (the same DER-encoded ECDSA or RSA signature).
 */
function useCachedLocalKeys(): void {
  const require = createRequire(import.meta.url);
  const { CipherContext } = require('werift-dtls/lib/dtls/src/context/cipher.js') as { CipherContext?: { prototype: CipherContextInternals } };
  const proto = CipherContext?.prototype;
  if (proto === undefined || typeof proto.parseX509 !== 'function' || typeof proto.signatureData !== 'function') {
    throw new Error('werift-dtls layout changed: context/cipher.CipherContext.prototype.parseX509 or signatureData is missing');
  }
  const parse = proto.parseX509;
  const cache = new Map<string, { parsed: ParsedLocalKeys; keyObject: KeyObject }>();
  const keyObjects = new WeakMap<object, KeyObject>();
  proto.parseX509 = function (this: CipherContextInternals, certPem, keyPem, signatureHash) {
    const id = `${certPem}\n${keyPem}`;
    let entry = cache.get(id);
    if (entry === undefined) {
      parse.call(this, certPem, keyPem, signatureHash);
      const keyObject = createPrivateKey(keyPem);
      const key = this.localPrivateKey;
      key.sign = (data, hashAlgorithm) => cryptoSign(hashAlgorithm, data, keyObject);
      entry = { parsed: { cert: { raw: this.localCert }, key }, keyObject };
      keyObjects.set(key, keyObject);
      // One entry per certificate a process uses; a handful at most.
      if (cache.size >= 8) cache.delete(cache.keys().next().value!);
      cache.set(id, entry);
    }
    this.localCert = entry.parsed.cert.raw;
    this.localPrivateKey = entry.parsed.key;
    this.signatureHashAlgorithm = signatureHash;
  };
  const signatureData = proto.signatureData;
  proto.signatureData = function (this: CipherContextInternals, data, hash) {
    const keyObject = keyObjects.get(this.localPrivateKey);
    return keyObject === undefined ? signatureData.call(this, data, hash) : cryptoSign(hash, data, keyObject);
  };
}

useNativeEcdhe();
useRetransmitSchedule();
useCachedLocalKeys();
