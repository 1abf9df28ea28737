/**
 * Shared pieces of the seed-002 rooms tests: a loopback-only Server that is
 * always closed, hand-written mediasoup-client 2.x messages, and a peer that
 * records the notifications it is sent.
 */
import { once, type EventEmitter } from 'node:events';
import { Server, type rooms } from 'consomme';

/** The codecs of seed 002's usage example (opus, VP8, H264). */
export const SEED_CODECS = [
  { kind: 'audio', name: 'opus', clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 } },
  { kind: 'video', name: 'VP8', clockRate: 90000 },
  { kind: 'video', name: 'H264', clockRate: 90000, parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 } },
] as const;

export function loopbackServer(settings: rooms.ServerSettings = {}): rooms.RoomsServer {
  return Server({ numWorkers: 1, logLevel: 'warn', rtcIPv4: '127.0.0.1', rtcIPv6: false, ...settings });
}

/** A client's capabilities: what the room offers, as a 2.x client echoes it back in join. */
export function clientCaps(room: rooms.Room): Record<string, unknown> {
  return structuredClone(room.rtpCapabilities);
}

export interface TestPeer {
  peer: rooms.Peer;
  notes: Record<string, any>[];
  /** Resolves with the next notification of that method. */
  next(method: string): Promise<Record<string, any>>;
}

export async function join(room: rooms.Room, name: string, appData?: unknown): Promise<TestPeer & { response: any }> {
  const response = await room.receiveRequest({ method: 'join', target: 'room', peerName: name, rtpCapabilities: clientCaps(room), spy: false, appData });
  const peer = room.getPeerByName(name)!;
  const notes: Record<string, any>[] = [];
  peer.on('notify', (n) => notes.push(n));
  return {
    peer,
    notes,
    response,
    next: (method) =>
      new Promise((resolve) => {
        const listener = (n: Record<string, any>): void => {
          if (n['method'] !== method) return;
          peer.off('notify', listener);
          resolve(n);
        };
        peer.on('notify', listener);
      }),
  };
}

let nextId = 1000;
export const newId = (): number => nextId++;

/** createTransport as the 2.x client sends it (a send transport carries the client's DTLS parameters). */
export async function createTransport(peer: rooms.Peer, direction: 'send' | 'recv', appData?: unknown): Promise<rooms.WebRtcTransport> {
  const id = newId();
  const request: Record<string, unknown> = { method: 'createTransport', target: 'peer', id, direction, options: {}, appData };
  if (direction === 'send') request['dtlsParameters'] = { role: 'server', fingerprints: [{ algorithm: 'sha-256', value: 'AB:'.repeat(31) + 'AB' }] };
  await peer.receiveRequest(request);
  return peer.getTransportById(id)!;
}

/** A producer's rtpParameters as the 2.x client sends them (Chrome's payload types and extension ids). */
export function clientRtpParameters(kind: 'audio' | 'video', ssrc: number): Record<string, unknown> {
  const codecs =
    kind === 'audio'
      ? [{ name: 'opus', mimeType: 'audio/opus', clockRate: 48000, payloadType: 111, channels: 2, rtcpFeedback: [{ type: 'transport-cc' }], parameters: { useinbandfec: 1 } }]
      : [
          { name: 'VP8', mimeType: 'video/VP8', clockRate: 90000, payloadType: 96, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }], parameters: {} },
          { name: 'rtx', mimeType: 'video/rtx', clockRate: 90000, payloadType: 97, parameters: { apt: 96 } },
        ];
  return {
    muxId: kind === 'audio' ? '0' : '1',
    codecs,
    headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 4 }],
    encodings: [kind === 'audio' ? { ssrc } : { ssrc, rtx: { ssrc: ssrc + 1 } }],
    rtcp: { cname: 'cname-' + ssrc, reducedSize: true, mux: true },
  };
}

export async function createProducer(peer: rooms.Peer, transport: rooms.WebRtcTransport, kind: 'audio' | 'video', appData?: unknown, paused = false): Promise<rooms.Producer> {
  const id = newId();
  await peer.receiveRequest({ method: 'createProducer', target: 'peer', id, kind, transportId: transport.id, rtpParameters: clientRtpParameters(kind, 100000 + id * 2), paused, appData });
  return peer.getProducerById(id)!;
}

/** Waits for an event, failing after `ms` instead of hanging the suite. */
export async function waitFor<T extends unknown[]>(emitter: EventEmitter, event: string, ms = 5000): Promise<T> {
  const signal = AbortSignal.timeout(ms);
  return (await once(emitter, event, { signal })) as T;
}

/** The error a promise rejects with (fails if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}
