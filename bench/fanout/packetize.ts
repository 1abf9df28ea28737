/**
 * Cuts encoded frames into RTP packets once, at load; the feeder then only rewrites the
 * fields that change per loop (sequence number, timestamp, VP8 picture id, stamp).
 *
 * VP8 follows RFC 7741 §4.2 with the descriptor libwebrtc sends: X=1, I=1 with a 15-bit
 * picture id, S=1 on a frame's first packet; frames are split into near-equal payloads of
 * at most 1100 bytes and the marker is set on each frame's last packet. Opus is one frame
 * per packet (RFC 7587). Every packet ends in the 12-byte stamp of stamp.ts (P=1).
 */
import { RtpPacket, serializeVp8Descriptor } from '../../packages/consomme/src/wire/rtp/index.js';
import type { EncodedFrame } from './containers.js';
import { STAMP_LENGTH } from './stamp.js';

const MAX_PAYLOAD = 1100;

export interface ClipPacket {
  readonly packet: RtpPacket;
  /** Index of the frame this packet belongs to within the clip. */
  readonly frame: number;
  /** RTP timestamp from the clip's start, in clock ticks. */
  readonly tsOffset: number;
}

export interface ClipTrack {
  readonly kind: 'audio' | 'video';
  readonly ssrc: number;
  readonly payloadType: number;
  readonly clockRate: number;
  readonly packets: readonly ClipPacket[];
  readonly frameCount: number;
  /** RTP ticks one loop lasts: where the next loop's timestamps continue. */
  readonly loopTicks: number;
}

function rtpPacket(payloadType: number, ssrc: number, marker: boolean, payload: readonly Buffer[]): RtpPacket {
  const bodyLength = payload.reduce((n, b) => n + b.length, 0);
  const buf = Buffer.alloc(12 + bodyLength + STAMP_LENGTH);
  buf[0] = 0x80 | 0x20; // V=2, P=1: the stamp is padding
  buf[1] = (marker ? 0x80 : 0) | payloadType;
  buf.writeUInt32BE(ssrc >>> 0, 8);
  let o = 12;
  for (const b of payload) o += b.copy(buf, o);
  buf[buf.length - 1] = STAMP_LENGTH;
  const packet = RtpPacket.parse(buf);
  if (!packet) throw new Error('packetizer built an unparsable RTP packet');
  return packet;
}

export function packetizeVp8(frames: readonly EncodedFrame[], options: { ssrc: number; payloadType: number }): ClipTrack {
  const packets: ClipPacket[] = [];
  frames.forEach((frame, index) => {
    const count = Math.ceil(frame.data.length / MAX_PAYLOAD);
    const size = Math.ceil(frame.data.length / count);
    const tsOffset = Math.round(frame.time * 90000);
    for (let i = 0; i < count; i++) {
      const descriptor = serializeVp8Descriptor({
        nonReference: false,
        startOfPartition: i === 0,
        partitionIndex: 0,
        pictureIdBits: 15,
        pictureId: index & 0x7fff,
        tl0PicIdx: undefined,
        temporalLayerId: undefined,
        layerSync: false,
        keyIdx: undefined,
        reservedBits: 0,
        extended: true,
        descriptorLength: 4,
        isKeyFrame: frame.keyFrame,
      });
      const chunk = frame.data.subarray(i * size, Math.min(frame.data.length, (i + 1) * size));
      packets.push({ packet: rtpPacket(options.payloadType, options.ssrc, i === count - 1, [descriptor, chunk]), frame: index, tsOffset });
    }
  });
  // The last frame lasts as long as the one before it.
  const last = frames[frames.length - 1]!;
  const step = frames.length > 1 ? last.time - frames[frames.length - 2]!.time : 1 / 30;
  return {
    kind: 'video',
    ssrc: options.ssrc,
    payloadType: options.payloadType,
    clockRate: 90000,
    packets,
    frameCount: frames.length,
    loopTicks: Math.round((last.time + step) * 90000),
  };
}

/** Samples at 48 kHz in one Opus packet, from its TOC byte (RFC 6716 §3.1). */
export function opusPacketSamples(packet: Buffer): number {
  const toc = packet[0] ?? 0;
  const config = toc >> 3;
  const frameMs = config < 12 ? [10, 20, 40, 60][config & 3]! : config < 16 ? [10, 20][config & 1]! : [2.5, 5, 10, 20][config & 3]!;
  const code = toc & 3;
  const frames = code === 0 ? 1 : code === 3 ? (packet[1] ?? 0) & 0x3f : 2;
  return frameMs * 48 * frames;
}

export function packetizeOpus(opusPackets: readonly Buffer[], options: { ssrc: number; payloadType: number }): ClipTrack {
  const packets: ClipPacket[] = [];
  let ts = 0;
  opusPackets.forEach((data, index) => {
    packets.push({ packet: rtpPacket(options.payloadType, options.ssrc, index === 0, [data]), frame: index, tsOffset: ts });
    ts += opusPacketSamples(data);
  });
  return {
    kind: 'audio',
    ssrc: options.ssrc,
    payloadType: options.payloadType,
    clockRate: 48000,
    packets,
    frameCount: opusPackets.length,
    loopTicks: ts,
  };
}
