/**
 * DCEP channel types — RFC 8832 §5.1 — https://www.rfc-editor.org/rfc/rfc8832#section-5.1
 *
 *   0x00 DATA_CHANNEL_RELIABLE                          reliability parameter ignored
 *   0x80 DATA_CHANNEL_RELIABLE_UNORDERED                reliability parameter ignored
 *   0x01 DATA_CHANNEL_PARTIAL_RELIABLE_REXMIT           number of retransmissions
 *   0x81 DATA_CHANNEL_PARTIAL_RELIABLE_REXMIT_UNORDERED number of retransmissions
 *   0x02 DATA_CHANNEL_PARTIAL_RELIABLE_TIMED            lifetime in milliseconds
 *   0x82 DATA_CHANNEL_PARTIAL_RELIABLE_TIMED_UNORDERED  lifetime in milliseconds
 *
 * The high bit is "unordered"; the low bits the reliability policy.
 */

export type DcepChannelType =
  | 'reliable'
  | 'reliable-unordered'
  | 'partial-reliable-rexmit'
  | 'partial-reliable-rexmit-unordered'
  | 'partial-reliable-timed'
  | 'partial-reliable-timed-unordered';

const CODES: Record<DcepChannelType, number> = {
  reliable: 0x00,
  'reliable-unordered': 0x80,
  'partial-reliable-rexmit': 0x01,
  'partial-reliable-rexmit-unordered': 0x81,
  'partial-reliable-timed': 0x02,
  'partial-reliable-timed-unordered': 0x82,
};

const BY_CODE = new Map<number, DcepChannelType>(Object.entries(CODES).map(([k, v]) => [v, k as DcepChannelType]));

export function channelTypeCode(type: DcepChannelType): number {
  return CODES[type];
}

export function channelTypeFromCode(code: number): DcepChannelType | undefined {
  return BY_CODE.get(code);
}

/** What an SCTP sender needs per message; `maxPacketLifeTime` in milliseconds. */
export interface ChannelReliability {
  ordered: boolean;
  maxRetransmits?: number;
  maxPacketLifeTime?: number;
}

export function reliabilityOf(type: DcepChannelType, reliabilityParameter: number): ChannelReliability {
  const ordered = (CODES[type] & 0x80) === 0;
  switch (CODES[type] & 0x7f) {
    case 0x01:
      return { ordered, maxRetransmits: reliabilityParameter };
    case 0x02:
      return { ordered, maxPacketLifeTime: reliabilityParameter };
    default:
      return { ordered };
  }
}

/**
 * The channel type and reliability parameter announcing `r`. When both limits
 * are given (which RTCDataChannel forbids), retransmissions win.
 */
export function channelTypeOf(r: ChannelReliability): { channelType: DcepChannelType; reliabilityParameter: number } {
  const clamp = (n: number): number => Math.min(0xffffffff, Math.max(0, Math.floor(n)));
  if (r.maxRetransmits !== undefined) {
    return { channelType: r.ordered ? 'partial-reliable-rexmit' : 'partial-reliable-rexmit-unordered', reliabilityParameter: clamp(r.maxRetransmits) };
  }
  if (r.maxPacketLifeTime !== undefined) {
    return { channelType: r.ordered ? 'partial-reliable-timed' : 'partial-reliable-timed-unordered', reliabilityParameter: clamp(r.maxPacketLifeTime) };
  }
  return { channelType: r.ordered ? 'reliable' : 'reliable-unordered', reliabilityParameter: 0 };
}
