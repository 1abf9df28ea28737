/**
 * Where a light viewer learns its peer: a mediasoup-style WebRtcTransport's parameters
 * (ICE-lite SFU, we control), or an SDP offer from a full-ICE SFU such as Janus (it
 * controls unless it is ICE-lite as well; we answer recvonly, DTLS active, one bundled transport, and our one host
 * candidate in the answer, RFC 8839).
 */
import type { LightViewer, RemoteEndpoint } from './viewer.js';

export interface TransportParams {
  iceParameters: { usernameFragment: string; password: string };
  iceCandidates: readonly { address?: string; ip?: string; port: number; protocol: string }[];
  dtlsParameters: { fingerprints: readonly { algorithm: string; value: string }[] };
}

/** Thrown for an offer or transport that a light viewer cannot use. */
export class RemoteDescriptionError extends Error {
  override name = 'RemoteDescriptionError';
}

/** What remoteFromTransport needs of a consumer: its payload types and their clock rates. */
export interface ConsumerCodecs {
  rtpParameters: { codecs: readonly { payloadType: number; clockRate: number }[] };
}

/** The endpoint of a mediasoup-style transport; `consumers` give the clock rates for RR jitter. */
export function remoteFromTransport(t: TransportParams, consumers: readonly ConsumerCodecs[] = []): RemoteEndpoint {
  const candidate = t.iceCandidates.find((c) => c.protocol === 'udp');
  const ip = candidate?.address ?? candidate?.ip;
  if (!candidate || ip === undefined) throw new RemoteDescriptionError('transport has no UDP candidate');
  const fingerprint = t.dtlsParameters.fingerprints.find((f) => f.algorithm === 'sha-256') ?? t.dtlsParameters.fingerprints[0];
  if (!fingerprint) throw new RemoteDescriptionError('transport has no DTLS fingerprint');
  const clockRates = new Map<number, number>();
  for (const c of consumers) for (const codec of c.rtpParameters.codecs) clockRates.set(codec.payloadType, codec.clockRate);
  return { ufrag: t.iceParameters.usernameFragment, password: t.iceParameters.password, ip, port: candidate.port, fingerprint, controlling: true, clockRates };
}

interface OfferMedia {
  kind: string;
  mid: string;
  payloadType: string;
  rtpmap: string | undefined;
}

/** The remote endpoint and the SDP answer for a Janus-style offer. */
export function answerOffer(offer: string, viewer: LightViewer): { remote: RemoteEndpoint; answer: string } {
  const lines = offer.split(/\r?\n/);
  const attr = (line: string, name: string): string | undefined => (line.startsWith(`a=${name}:`) ? line.slice(name.length + 3).trim() : undefined);
  let ufrag: string | undefined;
  let password: string | undefined;
  let fingerprint: { algorithm: string; value: string } | undefined;
  let candidate: { ip: string; port: number } | undefined;
  const media: OfferMedia[] = [];
  const clockRates = new Map<number, number>();
  for (const line of lines) {
    if (line.startsWith('m=')) {
      const [kind, , , pt] = line.slice(2).split(' ');
      media.push({ kind: kind ?? '', mid: String(media.length), payloadType: pt ?? '', rtpmap: undefined });
      continue;
    }
    const m = media[media.length - 1];
    ufrag ??= attr(line, 'ice-ufrag');
    password ??= attr(line, 'ice-pwd');
    const fp = attr(line, 'fingerprint');
    if (fp && !fingerprint) {
      const [algorithm, value] = fp.split(' ');
      if (algorithm && value) fingerprint = { algorithm, value };
    }
    const mid = attr(line, 'mid');
    if (m && mid !== undefined) m.mid = mid;
    const rtpmap = attr(line, 'rtpmap');
    if (m && rtpmap?.startsWith(`${m.payloadType} `)) m.rtpmap = rtpmap;
    // "100 VP8/90000" or "111 opus/48000/2"
    const rate = rtpmap && /^(\d+) [^/]+\/(\d+)/.exec(rtpmap);
    if (rate) clockRates.set(Number(rate[1]), Number(rate[2]));
    const cand = attr(line, 'candidate')?.split(' ');
    // foundation component transport priority ip port "typ" type
    if (cand && !candidate && cand[2]?.toLowerCase() === 'udp' && cand[1] === '1' && !cand[4]?.includes(':')) {
      candidate = { ip: cand[4]!, port: Number(cand[5]) };
    }
  }
  if (!ufrag || !password) throw new RemoteDescriptionError('offer without ICE credentials');
  if (!fingerprint) throw new RemoteDescriptionError('offer without a DTLS fingerprint');
  if (!candidate) throw new RemoteDescriptionError('offer without an IPv4 UDP candidate');
  if (media.length === 0) throw new RemoteDescriptionError('offer without media');

  const { ice } = viewer;
  const fp = viewer.fingerprint;
  const answer = [
    'v=0',
    `o=- ${Date.now()} 2 IN IP4 127.0.0.1`,
    's=light-viewer',
    't=0 0',
    `a=group:BUNDLE ${media.map((m) => m.mid).join(' ')}`,
  ];
  for (const m of media) {
    answer.push(
      `m=${m.kind} 9 UDP/TLS/RTP/SAVPF ${m.payloadType}`,
      'c=IN IP4 127.0.0.1',
      `a=mid:${m.mid}`,
      'a=recvonly',
      'a=rtcp-mux',
      `a=ice-ufrag:${ice.localUfrag}`,
      `a=ice-pwd:${ice.localPassword}`,
      `a=fingerprint:${fp.algorithm} ${fp.value}`,
      'a=setup:active',
    );
    if (m.rtpmap) answer.push(`a=rtpmap:${m.rtpmap}`);
    answer.push(`a=candidate:1 1 udp 2130706431 127.0.0.1 ${viewer.localPort} typ host`, 'a=end-of-candidates');
  }
  return {
    // A full agent that offered controls (RFC 8445 §6.1.1); facing an ICE-lite one we do.
    remote: { ufrag, password, ip: candidate.ip, port: candidate.port, fingerprint, controlling: lines.includes('a=ice-lite'), clockRates },
    answer: `${answer.join('\r\n')}\r\n`,
  };
}
