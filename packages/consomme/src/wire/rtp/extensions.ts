/**
 * Value codecs of the RTP header extensions the SFU reads or writes. Each
 * `read*` takes the element value (as returned by `RtpPacket.getExtension`)
 * and returns undefined when it is too short; each fixed-size `write*`
 * writes in place into such a value (so an outgoing packet is stamped without
 * copying) and returns false when the value is too short; each `encode*`
 * builds a fresh value for `RtpPacket.setExtension`.
 */

// ---------------------------------------------------------------------------
// mid, rid, rrid: RFC 8843 §15.2, RFC 8852 §3.1–3.2
// https://www.rfc-editor.org/rfc/rfc8852#section-3
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | ID    | L     |   identifier (ASCII, L+1 bytes)...
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

export const MID_URI = 'urn:ietf:params:rtp-hdrext:sdes:mid';
export const RID_URI = 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id';
export const RRID_URI = 'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id';

/**
 * The identifier, or undefined when empty. Reading stops at a NUL byte
 * because some senders pad the value with zeros to a word boundary.
 */
export function readSdesString(value: Uint8Array): string | undefined {
  let end = value.indexOf(0);
  if (end < 0) end = value.length;
  if (end === 0) return undefined;
  return Buffer.from(value.buffer, value.byteOffset, end).toString('utf8');
}

/** The value carrying `s`, or undefined when it is empty or above 255 bytes. */
export function encodeSdesString(s: string): Buffer | undefined {
  const b = Buffer.from(s, 'utf8');
  return b.length === 0 || b.length > 255 ? undefined : b;
}

export const readMid = readSdesString;
export const readRid = readSdesString;
export const readRrid = readSdesString;
export const encodeMid = encodeSdesString;
export const encodeRid = encodeSdesString;
export const encodeRrid = encodeSdesString;

// ---------------------------------------------------------------------------
// abs-send-time
// http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |  seconds (6 bits) . fraction (18 bits)        |  24-bit, wraps every 64 s
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

export const ABS_SEND_TIME_URI = 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time';

/** The raw 6.18 fixed-point value (units of 2^-18 s). */
export function readAbsSendTime(value: Uint8Array): number | undefined {
  if (value.length < 3) return undefined;
  return (value[0]! << 16) | (value[1]! << 8) | value[2]!;
}

export function writeAbsSendTime(value: Uint8Array, raw: number): boolean {
  if (value.length < 3) return false;
  value[0] = (raw >> 16) & 0xff;
  value[1] = (raw >> 8) & 0xff;
  value[2] = raw & 0xff;
  return true;
}

export function encodeAbsSendTime(raw: number): Buffer {
  const b = Buffer.alloc(3);
  writeAbsSendTime(b, raw);
  return b;
}

/** Milliseconds (any epoch) to the 6.18 value, wrapped to 24 bits. */
export function absSendTimeFromMs(ms: number): number {
  return Math.floor((ms * 0x4_0000) / 1000) & 0xff_ffff;
}

/** The 6.18 value as microseconds within its 64-second window. */
export function absSendTimeToUs(raw: number): number {
  return Math.round(((raw & 0xff_ffff) * 1_000_000) / 0x4_0000);
}

// ---------------------------------------------------------------------------
// transport-wide-cc, draft-holmer-rmcat-transport-wide-cc-extensions-01 §2
// https://datatracker.ietf.org/doc/html/draft-holmer-rmcat-transport-wide-cc-extensions-01
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |  transport-wide sequence number |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

export const TRANSPORT_WIDE_CC_URI =
  'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01';

export function readTransportWideCc(value: Uint8Array): number | undefined {
  if (value.length < 2) return undefined;
  return (value[0]! << 8) | value[1]!;
}

export function writeTransportWideCc(value: Uint8Array, seq: number): boolean {
  if (value.length < 2) return false;
  value[0] = (seq >> 8) & 0xff;
  value[1] = seq & 0xff;
  return true;
}

export function encodeTransportWideCc(seq: number): Buffer {
  const b = Buffer.alloc(2);
  writeTransportWideCc(b, seq);
  return b;
}

// ---------------------------------------------------------------------------
// ssrc-audio-level, RFC 6464 §3
// https://www.rfc-editor.org/rfc/rfc6464#section-3
//   +-+-+-+-+-+-+-+-+
//   |V|   level     |  V: voice activity; level: 0..127 in -dBov
//   +-+-+-+-+-+-+-+-+

export const SSRC_AUDIO_LEVEL_URI = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level';

export interface SsrcAudioLevel {
  /** The V bit: the sender's voice activity detector fired. */
  readonly voiceActivity: boolean;
  /** 0 (loudest) .. 127 (silence), in -dBov. */
  readonly level: number;
}

export function readSsrcAudioLevel(value: Uint8Array): SsrcAudioLevel | undefined {
  if (value.length < 1) return undefined;
  const b = value[0]!;
  return { voiceActivity: (b & 0x80) !== 0, level: b & 0x7f };
}

/** The level alone (0..127), or -1 when absent: no object on the hot path. */
export function readAudioLevel(value: Uint8Array | undefined): number {
  return value === undefined || value.length < 1 ? -1 : value[0]! & 0x7f;
}

export function writeSsrcAudioLevel(value: Uint8Array, v: SsrcAudioLevel): boolean {
  if (value.length < 1) return false;
  value[0] = (v.voiceActivity ? 0x80 : 0) | (Math.min(127, Math.max(0, v.level)) & 0x7f);
  return true;
}

export function encodeSsrcAudioLevel(v: SsrcAudioLevel): Buffer {
  const b = Buffer.alloc(1);
  writeSsrcAudioLevel(b, v);
  return b;
}

// ---------------------------------------------------------------------------
// video-orientation (CVO), 3GPP TS 26.114 §7.4.5
//   +-+-+-+-+-+-+-+-+
//   |0 0 0 0|C|F|R R|  C: camera (0 front, 1 back); F: horizontal flip;
//   +-+-+-+-+-+-+-+-+  R: rotation 0, 90, 180, 270 degrees

export const VIDEO_ORIENTATION_URI = 'urn:3gpp:video-orientation';

export type CvoCamera = 'front' | 'back';
export type CvoRotation = 0 | 90 | 180 | 270;

export interface VideoOrientation {
  readonly camera: CvoCamera;
  readonly flip: boolean;
  readonly rotation: CvoRotation;
}

const ROTATIONS: readonly CvoRotation[] = [0, 90, 180, 270];

export function readVideoOrientation(value: Uint8Array): VideoOrientation | undefined {
  if (value.length < 1) return undefined;
  const b = value[0]!;
  return {
    camera: b & 0x08 ? 'back' : 'front',
    flip: (b & 0x04) !== 0,
    rotation: ROTATIONS[b & 0x03]!,
  };
}

export function writeVideoOrientation(value: Uint8Array, v: VideoOrientation): boolean {
  if (value.length < 1) return false;
  value[0] = (v.camera === 'back' ? 0x08 : 0) | (v.flip ? 0x04 : 0) | (ROTATIONS.indexOf(v.rotation) & 0x03);
  return true;
}

export function encodeVideoOrientation(v: VideoOrientation): Buffer {
  const b = Buffer.alloc(1);
  writeVideoOrientation(b, v);
  return b;
}

// ---------------------------------------------------------------------------
// toffset, RFC 5450 §2
// https://www.rfc-editor.org/rfc/rfc5450#section-2
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |        transmission offset (24-bit signed)     |  RTP clock units
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

export const TOFFSET_URI = 'urn:ietf:params:rtp-hdrext:toffset';

export function readToffset(value: Uint8Array): number | undefined {
  if (value.length < 3) return undefined;
  return (((value[0]! << 16) | (value[1]! << 8) | value[2]!) << 8) >> 8;
}

export function writeToffset(value: Uint8Array, offset: number): boolean {
  return writeAbsSendTime(value, offset & 0xff_ffff);
}

export function encodeToffset(offset: number): Buffer {
  return encodeAbsSendTime(offset & 0xff_ffff);
}

// ---------------------------------------------------------------------------
// playout-delay
// http://www.webrtc.org/experiments/rtp-hdrext/playout-delay
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |   MIN delay (12 bits) |   MAX delay (12 bits) |  units of 10 ms
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

export const PLAYOUT_DELAY_URI = 'http://www.webrtc.org/experiments/rtp-hdrext/playout-delay';

export interface PlayoutDelay {
  readonly minMs: number;
  readonly maxMs: number;
}

export function readPlayoutDelay(value: Uint8Array): PlayoutDelay | undefined {
  if (value.length < 3) return undefined;
  const v = (value[0]! << 16) | (value[1]! << 8) | value[2]!;
  return { minMs: (v >> 12) * 10, maxMs: (v & 0xfff) * 10 };
}

/** Milliseconds are floored to 10 ms units and clamped to 12 bits (40.95 s). */
export function writePlayoutDelay(value: Uint8Array, d: PlayoutDelay): boolean {
  const unit = (ms: number): number => Math.min(0xfff, Math.max(0, Math.floor(ms / 10)));
  return writeAbsSendTime(value, (unit(d.minMs) << 12) | unit(d.maxMs));
}

export function encodePlayoutDelay(d: PlayoutDelay): Buffer {
  const b = Buffer.alloc(3);
  writePlayoutDelay(b, d);
  return b;
}
