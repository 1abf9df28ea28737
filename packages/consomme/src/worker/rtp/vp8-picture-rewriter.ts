/**
 * Keeps a consumer's VP8 picture ID and TL0PICIDX (RFC 7741 §4.2)
 * continuous when the SFU changes what it forwards: a simulcast switch
 * moves to a stream with its own numbering, and dropped temporal-layer
 * frames leave holes. The receiver infers frame references from these
 * numbers, so a hole looks like a lost frame and a jump like a broken
 * chain; both stall decoding until the next key frame.
 *
 * output picture ID = input − offset (mod 2^bits); `drop` of a frame moves
 * the offset by one so the next forwarded frame takes the dropped one's
 * number; `sync` re-bases both offsets so the next forwarded frame follows
 * the last one sent. Pure.
 */
import type { PacketLayerInfo } from './layer-info.js';

export class Vp8PictureRewriter {
  #pidOffset = 0;
  #tl0Offset = 0;
  #lastOutPid = -1;
  #lastOutTl0 = -1;
  #lastDroppedPid = -1;
  #lastInPid = -1;
  #pendingSync = false;
  /** Results of the last `map` (-1 where the input has none); fields, so mapping allocates nothing. */
  pictureId = -1;
  tl0PicIdx = -1;

  /** The next forwarded frame starts another stream (or resumes): continue the numbering from the last output. */
  sync(): void {
    this.#pendingSync = true;
  }

  /** A packet of a frame that is not forwarded. */
  drop(info: PacketLayerInfo): void {
    if (info.pictureId < 0 || this.#lastOutPid < 0 || this.#pendingSync) return;
    if (info.pictureId === this.#lastDroppedPid || info.pictureId === this.#lastInPid) return;
    this.#lastDroppedPid = info.pictureId;
    this.#pidOffset = (this.#pidOffset + 1) & mask(info.pictureIdBits);
  }

  /** Output picture ID and TL0PICIDX for a forwarded packet, into `pictureId` and `tl0PicIdx`. */
  map(info: PacketLayerInfo): void {
    const m = mask(info.pictureIdBits);
    if (this.#pendingSync) {
      this.#pendingSync = false;
      if (info.pictureId >= 0 && this.#lastOutPid >= 0) this.#pidOffset = (info.pictureId - ((this.#lastOutPid + 1) & m)) & m;
      if (info.tl0PicIdx >= 0 && this.#lastOutTl0 >= 0) {
        // A switch starts on a key frame, a base-layer frame: its TL0PICIDX is the next one.
        this.#tl0Offset = (info.tl0PicIdx - ((this.#lastOutTl0 + 1) & 0xff)) & 0xff;
      }
      this.#lastDroppedPid = -1;
    }
    const pictureId = info.pictureId < 0 ? -1 : (info.pictureId - this.#pidOffset) & m;
    const tl0PicIdx = info.tl0PicIdx < 0 ? -1 : (info.tl0PicIdx - this.#tl0Offset) & 0xff;
    if (pictureId >= 0) {
      this.#lastOutPid = pictureId;
      this.#lastInPid = info.pictureId;
    }
    if (tl0PicIdx >= 0) this.#lastOutTl0 = tl0PicIdx;
    this.pictureId = pictureId;
    this.tl0PicIdx = tl0PicIdx;
  }
}

function mask(bits: number): number {
  return bits === 7 ? 0x7f : 0x7fff;
}
