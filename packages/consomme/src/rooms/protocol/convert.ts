/**
 * Conversions between the RTP shapes of mediasoup-client 2.x and those of the
 * core (mediasoup v3 shapes). The 2.x client names each codec (`name: 'VP8'`),
 * calls the MID `muxId`, and compares `channels` strictly, so audio codecs
 * with one channel must carry none (Chrome's SDP has no channel count there).
 */
import { validateRtpCapabilities, validateRtpParameters } from '../../ortc/index.js';
import type { RtpCapabilities, RtpParameters } from '../../ortc/types.js';

type Obj = Record<string, unknown>;

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function subtype(mimeType: string): string {
  return mimeType.slice(mimeType.indexOf('/') + 1);
}

/** The room's capabilities as the 2.x client reads them (queryRoom). */
export function toClientCapabilities(caps: RtpCapabilities): Obj {
  return {
    codecs: (caps.codecs ?? []).map((codec) => {
      const out: Obj = {
        name: subtype(codec.mimeType),
        mimeType: codec.mimeType,
        kind: codec.kind,
        clockRate: codec.clockRate,
        preferredPayloadType: codec.preferredPayloadType,
        rtcpFeedback: structuredClone(codec.rtcpFeedback ?? []),
        parameters: structuredClone(codec.parameters ?? {}),
      };
      if (codec.kind === 'audio' && (codec.channels ?? 1) > 1) out['channels'] = codec.channels;
      return out;
    }),
    headerExtensions: (caps.headerExtensions ?? []).map((ext) => ({
      kind: ext.kind,
      uri: ext.uri,
      preferredId: ext.preferredId,
      preferredEncrypt: ext.preferredEncrypt ?? false,
    })),
    fecMechanisms: [],
  };
}

/** A peer's capabilities (join) in the core shape; TypeError when malformed. */
export function fromClientCapabilities(raw: unknown): RtpCapabilities {
  if (!isObj(raw)) throw new TypeError('rtpCapabilities must be an object');
  if (raw['codecs'] !== undefined && !Array.isArray(raw['codecs'])) throw new TypeError('rtpCapabilities.codecs must be an array');
  if (raw['headerExtensions'] !== undefined && !Array.isArray(raw['headerExtensions'])) {
    throw new TypeError('rtpCapabilities.headerExtensions must be an array');
  }
  const codecs = ((raw['codecs'] as unknown[] | undefined) ?? []).map((codec, i) => {
    if (!isObj(codec)) throw new TypeError(`rtpCapabilities.codecs[${i}] must be an object`);
    const out: Obj = {
      mimeType: mimeTypeOf(codec, `rtpCapabilities.codecs[${i}]`),
      kind: codec['kind'],
      clockRate: codec['clockRate'],
      preferredPayloadType: codec['preferredPayloadType'],
    };
    copyIfSet(codec, out, ['channels', 'parameters', 'rtcpFeedback']);
    return out;
  });
  const headerExtensions = ((raw['headerExtensions'] as unknown[] | undefined) ?? []).map((ext, i) => {
    if (!isObj(ext)) throw new TypeError(`rtpCapabilities.headerExtensions[${i}] must be an object`);
    const out: Obj = { kind: ext['kind'], uri: ext['uri'], preferredId: ext['preferredId'] };
    copyIfSet(ext, out, ['preferredEncrypt']);
    return out;
  });
  return validateRtpCapabilities({ codecs, headerExtensions });
}

/** A producer's parameters (createProducer) in the core shape; TypeError when malformed. */
export function fromClientRtpParameters(raw: unknown): RtpParameters {
  if (!isObj(raw)) throw new TypeError('rtpParameters must be an object');
  if (!Array.isArray(raw['codecs'])) throw new TypeError('rtpParameters.codecs must be an array');
  for (const key of ['headerExtensions', 'encodings']) {
    if (raw[key] !== undefined && !Array.isArray(raw[key])) throw new TypeError(`rtpParameters.${key} must be an array`);
  }
  const out: Obj = {
    codecs: (raw['codecs'] as unknown[]).map((codec, i) => {
      if (!isObj(codec)) throw new TypeError(`rtpParameters.codecs[${i}] must be an object`);
      const c: Obj = { mimeType: mimeTypeOf(codec, `rtpParameters.codecs[${i}]`), payloadType: codec['payloadType'], clockRate: codec['clockRate'] };
      copyIfSet(codec, c, ['channels', 'parameters', 'rtcpFeedback']);
      return c;
    }),
    headerExtensions: ((raw['headerExtensions'] as unknown[] | undefined) ?? []).map((ext, i) => {
      if (!isObj(ext)) throw new TypeError(`rtpParameters.headerExtensions[${i}] must be an object`);
      const e: Obj = { uri: ext['uri'], id: ext['id'] };
      copyIfSet(ext, e, ['encrypt', 'parameters']);
      return e;
    }),
    encodings: ((raw['encodings'] as unknown[] | undefined) ?? []).map((encoding, i) => {
      if (!isObj(encoding)) throw new TypeError(`rtpParameters.encodings[${i}] must be an object`);
      const e: Obj = {};
      copyIfSet(encoding, e, ['ssrc', 'rtx', 'maxBitrate']);
      // 2.x names a simulcast layer `encodingId`; the core calls it `rid`.
      if (typeof encoding['encodingId'] === 'string') e['rid'] = encoding['encodingId'];
      return e;
    }),
  };
  const rtcp = raw['rtcp'];
  if (rtcp !== undefined && rtcp !== null) {
    if (!isObj(rtcp)) throw new TypeError('rtpParameters.rtcp must be an object');
    const r: Obj = {};
    if (typeof rtcp['cname'] === 'string') r['cname'] = rtcp['cname'];
    if (typeof rtcp['reducedSize'] === 'boolean') r['reducedSize'] = rtcp['reducedSize'];
    out['rtcp'] = r;
  }
  if (typeof raw['muxId'] === 'string' && raw['muxId'] !== '') out['mid'] = raw['muxId'];
  return validateRtpParameters(out);
}

/** A consumer's parameters (newConsumer, join) as the 2.x client reads them. */
export function toClientRtpParameters(params: RtpParameters): Obj {
  return {
    codecs: params.codecs.map((codec) => {
      const out: Obj = {
        name: subtype(codec.mimeType),
        mimeType: codec.mimeType,
        clockRate: codec.clockRate,
        payloadType: codec.payloadType,
        rtcpFeedback: structuredClone(codec.rtcpFeedback ?? []),
        parameters: structuredClone(codec.parameters ?? {}),
      };
      if ((codec.channels ?? 1) > 1) out['channels'] = codec.channels;
      return out;
    }),
    headerExtensions: (params.headerExtensions ?? []).map((ext) => ({ uri: ext.uri, id: ext.id })),
    encodings: (params.encodings ?? []).map((encoding) => {
      const out: Obj = {};
      if (encoding.ssrc !== undefined) out['ssrc'] = encoding.ssrc;
      if (encoding.rtx) out['rtx'] = { ssrc: encoding.rtx.ssrc };
      return out;
    }),
    rtcp: { cname: params.rtcp?.cname, reducedSize: params.rtcp?.reducedSize ?? true, mux: true },
  };
}

function mimeTypeOf(codec: Obj, path: string): string {
  if (typeof codec['mimeType'] === 'string') return codec['mimeType'];
  if (typeof codec['kind'] === 'string' && typeof codec['name'] === 'string') return `${codec['kind']}/${codec['name']}`;
  throw new TypeError(`${path}.mimeType missing`);
}

function copyIfSet(from: Obj, to: Obj, keys: string[]): void {
  for (const key of keys) {
    const value = from[key];
    if (value !== undefined && value !== null) to[key] = structuredClone(value);
  }
}
