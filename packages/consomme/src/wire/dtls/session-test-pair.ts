/**
 * Shared by the DtlsSession tests: two in-process sessions wired to each other
 * (optionally through a tap that drops or rewrites datagrams), their outcomes,
 * and a wait that cannot hang. `useSessionCertificates()` makes the two
 * certificates before a file's tests and checks, after them, that no
 * rejection escaped werift-dtls.
 */
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { computeFingerprint, generateDtlsCertificate } from './certificate.js';
import type { DtlsCertificate, DtlsFingerprint } from './certificate.js';
import { DtlsSession } from './session.js';
import type { DtlsConnectedInfo, DtlsFailure, DtlsSessionOptions } from './session.js';
import { SRTP_PROFILE_IDS } from './srtp-profiles.js';

// Per suite (node:test counts a describe's timeout over all its tests).
export const TEST_TIMEOUT = { timeout: 90_000 };

export const certificates = {} as { client: DtlsCertificate; server: DtlsCertificate };

export function useSessionCertificates(): void {
  const rejections: unknown[] = [];
  const onRejection = (r: unknown): void => {
    rejections.push(r);
  };
  before(async () => {
    process.on('unhandledRejection', onRejection);
    [certificates.client, certificates.server] = await Promise.all([generateDtlsCertificate(), generateDtlsCertificate()]);
  });
  after(() => {
    process.off('unhandledRejection', onRejection);
    assert.deepEqual(rejections, [], 'no unhandled rejections escaped werift-dtls');
  });
}

export type Tap = (from: 'client' | 'server', buf: Buffer) => Buffer | undefined;

export interface PairOptions {
  clientProfiles?: number[];
  serverProfiles?: number[];
  clientExpects?: DtlsFingerprint | null;
  serverExpects?: DtlsFingerprint | null;
  tap?: Tap;
  client?: Partial<DtlsSessionOptions>;
  server?: Partial<DtlsSessionOptions>;
}

export interface Outcome {
  connected?: DtlsConnectedInfo;
  failed?: DtlsFailure;
  closed?: boolean;
}

export function sha256(cert: DtlsCertificate): DtlsFingerprint {
  return computeFingerprint(cert.certDer, 'sha-256');
}

export function makePair(o: PairOptions = {}) {
  const { client: clientCert, server: serverCert } = certificates;
  const peers: { client?: DtlsSession; server?: DtlsSession } = {};
  const deliver = (from: 'client' | 'server', buf: Buffer): void => {
    const out = o.tap ? o.tap(from, Buffer.from(buf)) : Buffer.from(buf);
    if (out === undefined) return;
    setImmediate(() => (from === 'client' ? peers.server : peers.client)?.handleDatagram(out));
  };
  const withFp = (fp: DtlsFingerprint | null | undefined, dflt: DtlsFingerprint) =>
    fp === null ? {} : { remoteFingerprint: fp ?? dflt };
  const client = new DtlsSession({
    role: 'client',
    certificate: clientCert,
    srtpProfiles: o.clientProfiles ?? [...SRTP_PROFILE_IDS],
    ...withFp(o.clientExpects, sha256(serverCert)),
    send: (b) => deliver('client', b),
    handshakeTimeoutMs: 10_000,
    ...o.client,
  });
  const server = new DtlsSession({
    role: 'server',
    certificate: serverCert,
    srtpProfiles: o.serverProfiles ?? [...SRTP_PROFILE_IDS],
    ...withFp(o.serverExpects, sha256(clientCert)),
    send: (b) => deliver('server', b),
    handshakeTimeoutMs: 10_000,
    ...o.server,
  });
  peers.client = client;
  peers.server = server;
  return { client, server };
}

export function watch(s: DtlsSession): Outcome {
  const out: Outcome = {};
  s.on('connected', (i) => (out.connected = i));
  s.on('failed', (f) => (out.failed = f));
  s.on('closed', () => (out.closed = true));
  return out;
}

export async function until(cond: () => boolean, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

export const settled = (o: Outcome): boolean => o.connected !== undefined || o.failed !== undefined;

/**
 * A pair, watched, with the client started (and the server too when asked,
 * rather than from the client's first datagram), once both have settled.
 */
export async function handshake(o: PairOptions = {}, start: { startServer?: boolean } = {}) {
  const { client, server } = makePair(o);
  const c = watch(client);
  const s = watch(server);
  if (start.startServer) server.start();
  client.start();
  await until(() => settled(c) && settled(s));
  return { client, server, c, s };
}
