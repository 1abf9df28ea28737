/**
 * Data Channel Establishment Protocol messages, carried on the data channel's
 * own stream with PPID 50.
 *
 * DATA_CHANNEL_OPEN — RFC 8832 §5.1 — https://www.rfc-editor.org/rfc/rfc8832#section-5.1
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Message Type |  Channel Type |            Priority           |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Reliability Parameter                      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |         Label Length          |       Protocol Length         |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  \                             Label                             \
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  \                            Protocol                           \
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  Message Type = 0x03. Label and Protocol are UTF-8, not padded.
 *
 * DATA_CHANNEL_ACK — RFC 8832 §5.2 — https://www.rfc-editor.org/rfc/rfc8832#section-5.2
 *  +-+-+-+-+-+-+-+-+
 *  |  Message Type |   = 0x02, nothing else
 *  +-+-+-+-+-+-+-+-+
 *
 * Parsing is strict (exact length, known channel type, valid UTF-8), so what
 * parses re-serializes to the same bytes.
 */
import { channelTypeCode, channelTypeFromCode, type DcepChannelType } from './channel-type.js';

export const DCEP_OPEN = 0x03;
export const DCEP_ACK = 0x02;
const OPEN_HEADER = 12;

export interface DcepOpen {
  readonly type: 'open';
  readonly channelType: DcepChannelType;
  /** RFC 8832 §6.4 / RFC 8831 §6.4 priority (e.g. 128 below-normal, 256 normal, 512 high, 1024 extra-high). */
  readonly priority: number;
  readonly reliabilityParameter: number;
  readonly label: string;
  readonly protocol: string;
}

export interface DcepAck {
  readonly type: 'ack';
}

export type DcepMessage = DcepOpen | DcepAck;

export type DcepProblem = 'empty' | 'unknown-type' | 'bad-length' | 'unknown-channel-type' | 'bad-utf8';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Parses one DCEP message, or explains why not. Never throws. */
export function inspectDcepMessage(buf: Uint8Array): DcepMessage | DcepProblem {
  if (buf.length === 0) return 'empty';
  switch (buf[0]) {
    case DCEP_ACK:
      return buf.length === 1 ? { type: 'ack' } : 'bad-length';
    case DCEP_OPEN: {
      if (buf.length < OPEN_HEADER) return 'bad-length';
      const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
      const labelLength = view.getUint16(8);
      const protocolLength = view.getUint16(10);
      if (OPEN_HEADER + labelLength + protocolLength !== buf.length) return 'bad-length';
      const channelType = channelTypeFromCode(buf[1]!);
      if (channelType === undefined) return 'unknown-channel-type';
      const label = decodeUtf8(buf.subarray(OPEN_HEADER, OPEN_HEADER + labelLength));
      const protocol = decodeUtf8(buf.subarray(OPEN_HEADER + labelLength));
      if (label === undefined || protocol === undefined) return 'bad-utf8';
      return { type: 'open', channelType, priority: view.getUint16(2), reliabilityParameter: view.getUint32(4), label, protocol };
    }
    default:
      return 'unknown-type';
  }
}

export function parseDcepMessage(buf: Uint8Array): DcepMessage | undefined {
  const r = inspectDcepMessage(buf);
  return typeof r === 'string' ? undefined : r;
}

/** Serializes DATA_CHANNEL_OPEN; label and protocol longer than 65535 UTF-8 bytes give undefined. */
export function serializeDcepOpen(open: Omit<DcepOpen, 'type'>): Buffer | undefined {
  const label = Buffer.from(open.label, 'utf8');
  const protocol = Buffer.from(open.protocol, 'utf8');
  if (label.length > 0xffff || protocol.length > 0xffff) return undefined;
  const out = Buffer.allocUnsafe(OPEN_HEADER + label.length + protocol.length);
  out[0] = DCEP_OPEN;
  out[1] = channelTypeCode(open.channelType);
  out.writeUInt16BE(open.priority & 0xffff, 2);
  out.writeUInt32BE(open.reliabilityParameter >>> 0, 4);
  out.writeUInt16BE(label.length, 8);
  out.writeUInt16BE(protocol.length, 10);
  label.copy(out, OPEN_HEADER);
  protocol.copy(out, OPEN_HEADER + label.length);
  return out;
}

export function serializeDcepAck(): Buffer {
  return Buffer.from([DCEP_ACK]);
}

export function serializeDcepMessage(m: DcepMessage): Buffer | undefined {
  return m.type === 'ack' ? serializeDcepAck() : serializeDcepOpen(m);
}
