/**
 * RTP/RTCP/STUN/DTLS over TCP: RFC 4571 §2 framing (as RFC 6544 uses it for ICE-TCP).
 * https://www.rfc-editor.org/rfc/rfc4571#section-2
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |             LENGTH            |  packet (LENGTH bytes)       ...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * A zero LENGTH frame carries nothing ("null packet"): it is dropped and counted.
 */

export const RFC4571_MAX_FRAME = 0xffff;

export type DeframerError = 'frameTooLarge';

export interface TcpDeframerOptions {
  /** Frames declaring more than this many bytes poison the stream (default 65535). */
  readonly maxFrameSize?: number;
}

const NO_FRAMES: readonly Buffer[] = Object.freeze([]);

/**
 * Turns a TCP byte stream into frames. Frames that arrive whole inside one
 * chunk are returned as views of that chunk (Node hands every 'data' event a
 * buffer of its own, so this is safe and avoids a copy); frames split across
 * chunks are assembled into a buffer of their exact size.
 */
export class TcpDeframer {
  readonly #maxFrameSize: number;
  /** First length byte when a chunk ended between the two. */
  #headerByte = -1;
  #partial: Buffer | undefined;
  #filled = 0;
  #emptyFrames = 0;
  #error: DeframerError | undefined;

  constructor(options?: TcpDeframerOptions) {
    this.#maxFrameSize = Math.min(options?.maxFrameSize ?? RFC4571_MAX_FRAME, RFC4571_MAX_FRAME);
  }

  /** Zero-length frames seen and dropped so far. */
  get emptyFrames(): number {
    return this.#emptyFrames;
  }

  /**
   * Set once a frame exceeds the maximum: no frame boundary can be trusted any
   * more, so from then on `push` returns undefined and the connection should close.
   */
  get error(): DeframerError | undefined {
    return this.#error;
  }

  /** Bytes held back waiting for the rest of a frame. */
  get bufferedBytes(): number {
    return (this.#headerByte >= 0 ? 1 : 0) + (this.#partial !== undefined ? 2 + this.#filled : 0);
  }

  /** The frames completed by `chunk`, in order; undefined once the stream is broken (see `error`). */
  push(chunk: Buffer): readonly Buffer[] | undefined {
    if (this.#error !== undefined) return undefined;
    let frames: Buffer[] | undefined;
    let offset = 0;
    const end = chunk.length;
    while (offset < end) {
      const partial = this.#partial;
      if (partial !== undefined) {
        const n = Math.min(partial.length - this.#filled, end - offset);
        chunk.copy(partial, this.#filled, offset, offset + n);
        this.#filled += n;
        offset += n;
        if (this.#filled === partial.length) {
          (frames ??= []).push(partial);
          this.#partial = undefined;
          this.#filled = 0;
        }
        continue;
      }
      let length: number;
      if (this.#headerByte >= 0) {
        length = (this.#headerByte << 8) | chunk[offset]!;
        this.#headerByte = -1;
        offset += 1;
      } else if (end - offset >= 2) {
        length = (chunk[offset]! << 8) | chunk[offset + 1]!;
        offset += 2;
      } else {
        this.#headerByte = chunk[offset]!;
        offset += 1;
        break;
      }
      if (length === 0) {
        this.#emptyFrames++;
        continue;
      }
      if (length > this.#maxFrameSize) {
        // Frames completed before the bad header are lost with the connection.
        this.#error = 'frameTooLarge';
        return undefined;
      }
      if (end - offset >= length) {
        (frames ??= []).push(chunk.subarray(offset, offset + length));
        offset += length;
      } else {
        this.#partial = Buffer.allocUnsafe(length);
        this.#filled = 0;
      }
    }
    return frames ?? NO_FRAMES;
  }
}

const NOTHING = Buffer.alloc(0);

/**
 * `packet` with its 2-byte length prefix. A packet over 65535 bytes cannot be
 * framed: the result is then empty (writing it sends nothing), so the packet is
 * dropped instead of corrupting the stream.
 */
export function frameTcp(packet: Uint8Array): Buffer {
  if (packet.length > RFC4571_MAX_FRAME) return NOTHING;
  const out = Buffer.allocUnsafe(2 + packet.length);
  out.writeUInt16BE(packet.length, 0);
  out.set(packet, 2);
  return out;
}
