// A Chrome-like VP8 sender for the packet-path bench: 1100-byte RTP packets, 8 per
// frame at 30 fps, a key frame every 300 frames, and the one-byte header extensions
// Chrome puts on every packet, with the ids of its default offer (abs-send-time 2,
// transport-wide-cc 3, mid 4).
import { randomBytes, randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';

export const PACKET_SIZE = 1100;
export const VP8_PT = 96;
export const CHROME_EXT = { absSendTime: 2, transportCc: 3, mid: 4 } as const;
const PACKETS_PER_FRAME = 8;

export class ChromeVp8Source {
  readonly ssrc = randomInt(1, 0xffffffff);
  #seq = randomInt(0, 0x10000);
  #timestamp = randomInt(0, 0xffffffff);
  #pictureId = randomInt(0, 0x8000);
  #transportSeq = randomInt(0, 0x10000);
  #frame = 0;
  #inFrame = 0;
  readonly #pool = randomBytes(1 << 16);
  #poolAt = 0;

  next(): Buffer {
    const p = Buffer.allocUnsafe(PACKET_SIZE);
    const first = this.#inFrame === 0;
    const last = this.#inFrame === PACKETS_PER_FRAME - 1;
    const key = this.#frame % 300 === 0;
    p[0] = 0x90; // V=2, X=1
    p[1] = (last ? 0x80 : 0) | VP8_PT;
    p.writeUInt16BE(this.#seq, 2);
    p.writeUInt32BE(this.#timestamp >>> 0, 4);
    p.writeUInt32BE(this.ssrc, 8);
    p.writeUInt16BE(0xbede, 12); // RFC 8285 one-byte form
    p.writeUInt16BE(3, 14); // 12 bytes of elements
    p[16] = (CHROME_EXT.absSendTime << 4) | 2; // 3-byte 6.18 fixed-point seconds
    p.writeUIntBE(Math.floor(performance.now() * 262.144) & 0xffffff, 17, 3);
    p[20] = (CHROME_EXT.transportCc << 4) | 1;
    p.writeUInt16BE(this.#transportSeq, 21);
    p[23] = (CHROME_EXT.mid << 4) | 0;
    p[24] = 0x31; // mid "1"
    p[25] = p[26] = p[27] = 0;
    // VP8 descriptor (RFC 7741): X=1, S on the frame's first packet, I=1 with a 15-bit picture id.
    p[28] = first ? 0x90 : 0x80;
    p[29] = 0x80;
    p.writeUInt16BE(0x8000 | this.#pictureId, 30);
    const body = PACKET_SIZE - 32;
    if (this.#poolAt + body > this.#pool.length) this.#poolAt = 0;
    this.#pool.copy(p, 32, this.#poolAt, this.#poolAt + body);
    this.#poolAt += 61;
    if (first) {
      p[32] = key ? 0x10 : 0x11; // P bit: 0 = key frame
      if (key) p.set([0x9d, 0x01, 0x2a], 35);
    }
    this.#seq = (this.#seq + 1) & 0xffff;
    this.#transportSeq = (this.#transportSeq + 1) & 0xffff;
    if (++this.#inFrame === PACKETS_PER_FRAME) {
      this.#inFrame = 0;
      this.#frame++;
      this.#timestamp = (this.#timestamp + 3000) >>> 0;
      this.#pictureId = (this.#pictureId + 1) & 0x7fff;
    }
    return p;
  }
}
