// The one place that reaches into werift-dtls. Its package.json "main" points at
// lib/index.js, which the published 0.5.8 tarball does not contain, so the bare
// specifier cannot be imported; the deep paths below are what it actually ships.

import { createRequire } from 'node:module';
import { DtlsClient } from 'werift-dtls/lib/dtls/src/index.js';
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
 * werift's flight retransmissions sleep on ref'd timers/promises timeouts that
 * cannot be cancelled. Pinning its flight counter past every "next flight"
 * (late handlers would otherwise lower it again) makes each loop finish at its
 * next wake-up instead of retrying for ~33 s and holding the process open.
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

useNativeEcdhe();
