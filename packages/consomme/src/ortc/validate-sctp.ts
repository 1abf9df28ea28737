import type { NumSctpStreams, SctpCapabilities, SctpStreamParameters } from './types.js';
import { defaultBoolean, fail, requireInteger, requireObject } from './validate-util.js';

/*
 * SCTP validation (RFC 8831 data channels over RFC 4960 SCTP). Stream ids are
 * 16-bit; 65535 is reserved by RFC 8832 section 6.
 */

export function validateNumSctpStreams(numStreams: unknown, path = 'numStreams'): NumSctpStreams {
  const obj = requireObject(numStreams, path);
  requireInteger(obj, 'OS', path, 1, 65535);
  requireInteger(obj, 'MIS', path, 1, 65535);
  return obj as NumSctpStreams;
}

export function validateSctpCapabilities(caps: unknown, path = 'sctpCapabilities'): SctpCapabilities {
  const obj = requireObject(caps, path);
  validateNumSctpStreams(obj['numStreams'], `${path}.numStreams`);
  return obj as SctpCapabilities;
}

/**
 * Normalises `ordered` like mediasoup: it defaults to true, becomes false when
 * a partial-reliability limit is set, and may not be true together with one.
 * A limit of 0 counts as "not set", again like mediasoup, so that clients
 * which send `{ ordered: true, maxRetransmits: 0 }` keep working.
 */
export function validateSctpStreamParameters(params: unknown, path = 'sctpStreamParameters'): SctpStreamParameters {
  const obj = requireObject(params, path);
  requireInteger(obj, 'streamId', path, 0, 65534);
  const orderedGiven = obj['ordered'] !== undefined && obj['ordered'] !== null;
  defaultBoolean(obj, 'ordered', path, true);
  for (const key of ['maxPacketLifeTime', 'maxRetransmits']) {
    if (obj[key] === undefined || obj[key] === null) delete obj[key];
    else requireInteger(obj, key, path, 0, 65535);
  }
  const lifetime = Boolean(obj['maxPacketLifeTime']);
  const retransmits = Boolean(obj['maxRetransmits']);
  if (lifetime && retransmits) fail(path, 'cannot have both maxPacketLifeTime and maxRetransmits');
  if (lifetime || retransmits) {
    if (orderedGiven && obj['ordered'] === true) fail(`${path}.ordered`, 'cannot be true with maxPacketLifeTime or maxRetransmits');
    obj['ordered'] = false;
  }
  return obj as SctpStreamParameters;
}
