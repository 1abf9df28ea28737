import type {
  RtcpFeedback,
  RtcpParameters,
  RtpCapabilities,
  RtpCodecCapability,
  RtpCodecParameters,
  RtpEncodingParameters,
  RtpHeaderExtension,
  RtpHeaderExtensionParameters,
  RtpParameters,
} from './types.js';
import {
  UINT32_MAX,
  defaultArray,
  defaultBoolean,
  fail,
  isObject,
  optionalBoolean,
  optionalEnum,
  optionalInteger,
  optionalNumber,
  optionalString,
  requireInteger,
  requireObject,
  requireString,
  type Obj,
} from './validate-util.js';

export { validateNumSctpStreams, validateSctpCapabilities, validateSctpStreamParameters } from './validate-sctp.js';

/*
 * Validation of RTP capabilities and parameters coming from applications and
 * from mediasoup-client. Like mediasoup, each validator normalises its input
 * IN PLACE (absent `parameters` become `{}`, absent `rtcpFeedback` become `[]`,
 * audio `channels` default to 1, and so on) so later negotiation code never
 * has to deal with missing fields. Each returns the same object, now typed.
 */

const MIME_TYPE = /^(audio|video)\/(.+)$/i;
const DIRECTIONS = ['sendrecv', 'sendonly', 'recvonly', 'inactive'] as const;
const PRIORITIES = ['very-low', 'low', 'medium', 'high'] as const;

export function validateRtpCapabilities(caps: unknown, path = 'rtpCapabilities'): RtpCapabilities {
  const obj = requireObject(caps, path);
  defaultArray(obj, 'codecs', path).forEach((c, i) => validateRtpCodecCapability(c, `${path}.codecs[${i}]`));
  defaultArray(obj, 'headerExtensions', path).forEach((e, i) =>
    validateRtpHeaderExtension(e, `${path}.headerExtensions[${i}]`),
  );
  return obj as RtpCapabilities;
}

export function validateRtpCodecCapability(codec: unknown, path = 'codec'): RtpCodecCapability {
  const obj = requireObject(codec, path);
  const kind = validateMimeType(obj, path);
  // The kind always follows the mime type, whatever the caller wrote.
  obj['kind'] = kind;
  optionalInteger(obj, 'preferredPayloadType', path, 0, 127);
  validateCodecCommon(obj, kind, path);
  return obj as RtpCodecCapability;
}

export function validateRtcpFeedback(fb: unknown, path = 'rtcpFeedback'): RtcpFeedback {
  const obj = requireObject(fb, path);
  requireString(obj, 'type', path);
  const parameter = obj['parameter'];
  if (parameter === undefined || parameter === null) obj['parameter'] = '';
  else if (typeof parameter !== 'string') fail(`${path}.parameter`, 'not a string');
  return obj as RtcpFeedback;
}

export function validateRtpHeaderExtension(ext: unknown, path = 'headerExtension'): RtpHeaderExtension {
  const obj = requireObject(ext, path);
  if (obj['kind'] !== 'audio' && obj['kind'] !== 'video') fail(`${path}.kind`, "not 'audio' or 'video'");
  requireString(obj, 'uri', path);
  requireInteger(obj, 'preferredId', path, 1, 255);
  defaultBoolean(obj, 'preferredEncrypt', path, false);
  if (obj['direction'] === undefined || obj['direction'] === null) obj['direction'] = 'sendrecv';
  optionalEnum(obj, 'direction', path, DIRECTIONS);
  return obj as RtpHeaderExtension;
}

export function validateRtpParameters(params: unknown, path = 'rtpParameters'): RtpParameters {
  const obj = requireObject(params, path);
  optionalString(obj, 'mid', path);
  optionalString(obj, 'msid', path);
  if (!Array.isArray(obj['codecs'])) fail(`${path}.codecs`, 'missing or not an array');
  obj['codecs'].forEach((c: unknown, i: number) => validateRtpCodecParameters(c, `${path}.codecs[${i}]`));
  defaultArray(obj, 'headerExtensions', path).forEach((e, i) =>
    validateRtpHeaderExtensionParameters(e, `${path}.headerExtensions[${i}]`),
  );
  defaultArray(obj, 'encodings', path).forEach((e, i) => validateRtpEncodingParameters(e, `${path}.encodings[${i}]`));
  if (obj['rtcp'] === undefined || obj['rtcp'] === null) obj['rtcp'] = {};
  validateRtcpParameters(obj['rtcp'], `${path}.rtcp`);
  return obj as RtpParameters;
}

export function validateRtpCodecParameters(codec: unknown, path = 'codec'): RtpCodecParameters {
  const obj = requireObject(codec, path);
  const kind = validateMimeType(obj, path);
  requireInteger(obj, 'payloadType', path, 0, 127);
  validateCodecCommon(obj, kind, path);
  return obj as RtpCodecParameters;
}

export function validateRtpHeaderExtensionParameters(
  ext: unknown,
  path = 'headerExtension',
): RtpHeaderExtensionParameters {
  const obj = requireObject(ext, path);
  requireString(obj, 'uri', path);
  requireInteger(obj, 'id', path, 1, 255);
  defaultBoolean(obj, 'encrypt', path, false);
  validateParametersMap(obj, path);
  return obj as RtpHeaderExtensionParameters;
}

export function validateRtpEncodingParameters(encoding: unknown, path = 'encoding'): RtpEncodingParameters {
  const obj = requireObject(encoding, path);
  optionalInteger(obj, 'ssrc', path, 0, UINT32_MAX);
  optionalString(obj, 'rid', path);
  optionalInteger(obj, 'codecPayloadType', path, 0, 127);
  if (obj['rtx'] === undefined) delete obj['rtx'];
  else requireInteger(requireObject(obj['rtx'], `${path}.rtx`), 'ssrc', `${path}.rtx`, 0, UINT32_MAX);
  defaultBoolean(obj, 'dtx', path, false);
  optionalString(obj, 'scalabilityMode', path);
  optionalNumber(obj, 'scaleResolutionDownBy', path, 1);
  optionalNumber(obj, 'maxBitrate', path);
  optionalNumber(obj, 'maxFramerate', path);
  optionalBoolean(obj, 'adaptivePtime', path);
  optionalBoolean(obj, 'active', path);
  optionalEnum(obj, 'priority', path, PRIORITIES);
  optionalEnum(obj, 'networkPriority', path, PRIORITIES);
  return obj as RtpEncodingParameters;
}

export function validateRtcpParameters(rtcp: unknown, path = 'rtcp'): RtcpParameters {
  const obj = requireObject(rtcp, path);
  optionalString(obj, 'cname', path);
  defaultBoolean(obj, 'reducedSize', path, true);
  optionalBoolean(obj, 'mux', path);
  return obj as RtcpParameters;
}

/** Checks `mimeType` and returns the media kind it names. */
function validateMimeType(obj: Obj, path: string): 'audio' | 'video' {
  const mimeType = requireString(obj, 'mimeType', path);
  const match = MIME_TYPE.exec(mimeType);
  if (!match) fail(`${path}.mimeType`, "not of the form 'audio/<codec>' or 'video/<codec>'");
  return match[1]!.toLowerCase() as 'audio' | 'video';
}

function validateCodecCommon(obj: Obj, kind: 'audio' | 'video', path: string): void {
  requireInteger(obj, 'clockRate', path, 1, UINT32_MAX);
  if (kind === 'audio') {
    if (obj['channels'] === undefined || obj['channels'] === null) obj['channels'] = 1;
    requireInteger(obj, 'channels', path, 1, 255);
  } else {
    delete obj['channels'];
  }
  const params = validateParametersMap(obj, path);
  if (params['apt'] !== undefined && (typeof params['apt'] !== 'number' || !Number.isInteger(params['apt']))) {
    fail(`${path}.parameters.apt`, 'not an integer payload type');
  }
  defaultArray(obj, 'rtcpFeedback', path).forEach((fb, i) => validateRtcpFeedback(fb, `${path}.rtcpFeedback[${i}]`));
}

/** fmtp-style maps hold only strings and numbers; `undefined` becomes ''. */
function validateParametersMap(obj: Obj, path: string): Obj {
  let params = obj['parameters'];
  if (params === undefined || params === null) {
    params = {};
    obj['parameters'] = params;
  }
  if (!isObject(params)) fail(`${path}.parameters`, 'not an object');
  for (const key of Object.keys(params)) {
    const value = params[key];
    if (value === undefined) params[key] = '';
    else if (typeof value !== 'string' && typeof value !== 'number') {
      fail(`${path}.parameters[${JSON.stringify(key)}]`, 'not a string or number');
    }
  }
  return params;
}
