/**
 * Per-consumer rewrite of RTP sequence numbers (RFC 3550 §5.1,
 * https://www.rfc-editor.org/rfc/rfc3550#section-5.1): the receiver must see
 * a gap only where a packet was really lost, never where the SFU chose not to
 * forward (paused, waiting for a key frame, dropped temporal layer, switched
 * simulcast stream). A gap the SFU made would be NACKed and could never be
 * repaired.
 *
 * Model, in extended numbers: output = input − base − (drops below input).
 * `sync` moves `base` (a new epoch: packets from before it are refused);
 * `drop` appends to a short sorted list of dropped inputs so that packets
 * reordered around a drop still map to the right slot. Drops older than
 * `maxReorder` behind the newest input are folded into `base`, and inputs
 * from before them are refused as too old to place.
 */
import { extendSeq, toSeq16 } from '../../wire/rtp/seq.js';

export interface SeqManagerOptions {
  /** First output sequence number (RFC 3550 recommends a random one). Default 0. */
  readonly initialOutputSeq?: number;
  /** How far behind the newest input a reordered packet may still be mapped. Default 1000. */
  readonly maxReorder?: number;
}

export class SeqManager {
  readonly #maxReorder: number;
  #started = false;
  #base = 0;
  // Inputs at or below this are from before the last sync or folded drop.
  #floor = -Infinity;
  #maxInput = 0;
  #maxOutput: number;
  // Sorted ascending extended inputs; entries before #dropHead are dead.
  #drops: number[] = [];
  #dropHead = 0;
  // Drops decided after newer inputs were already mapped: refused, not shifted.
  readonly #lateDrops = new Set<number>();

  constructor(options: SeqManagerOptions = {}) {
    // Kept one cycle above zero so extended outputs never go negative.
    this.#maxOutput = ((options.initialOutputSeq ?? 0) & 0xffff) + 0x10000 - 1;
    this.#maxReorder = options.maxReorder ?? 1000;
  }

  /** Last (highest) output sequence number produced, 16-bit. */
  get maxOutputSeq(): number {
    return toSeq16(this.#maxOutput);
  }

  /**
   * Starts a new epoch: `inputSeq` (the packet about to be forwarded, e.g. the
   * first packet of the key frame after a resume or layer switch) will map to
   * the last output + 1. Inputs older than it are refused from now on.
   */
  sync(inputSeq: number): void {
    const ext = this.#started ? extendSeq(inputSeq, this.#maxInput) : inputSeq & 0xffff;
    this.#started = true;
    this.#base = ext - (this.#maxOutput + 1);
    this.#floor = ext - 1;
    // Just below the synced input, so that it counts as the newest when it comes.
    this.#maxInput = ext - 1;
    this.#drops.length = 0;
    this.#dropHead = 0;
    this.#lateDrops.clear();
  }

  /**
   * The packet `inputSeq` will not be forwarded: later inputs shift down so
   * no hole appears. Only drops of packets newer than every input seen shift
   * anything: a drop decided for a late (reordered) packet cannot renumber
   * outputs already handed out, so it only refuses that input (the receiver
   * will see that one hole).
   */
  drop(inputSeq: number): void {
    if (!this.#started) this.sync(inputSeq);
    const ext = extendSeq(inputSeq, this.#maxInput);
    if (ext <= this.#maxInput) {
      if (ext > this.#floor) this.#lateDrops.add(ext);
      return;
    }
    this.#maxInput = ext;
    this.#drops.push(ext);
    this.#fold();
  }

  /**
   * Output sequence number for a packet being forwarded, or undefined when
   * it must not be forwarded (from before the last sync, dropped, or too
   * old to place).
   */
  input(inputSeq: number): number | undefined {
    if (!this.#started) this.sync(inputSeq);
    const ext = extendSeq(inputSeq, this.#maxInput);
    if (ext <= this.#floor) return undefined;
    if (this.#lateDrops.size > 0 && this.#lateDrops.has(ext)) return undefined;
    let out: number;
    if (this.#dropHead === this.#drops.length) {
      out = ext - this.#base;
    } else {
      const below = this.#countDropsBelow(ext);
      if (below.isDropped) return undefined;
      out = ext - this.#base - below.count;
    }
    if (ext > this.#maxInput) {
      this.#maxInput = ext;
      this.#fold();
    }
    if (out > this.#maxOutput) this.#maxOutput = out;
    return toSeq16(out);
  }

  // Reused result object: input() runs per packet.
  readonly #below = { count: 0, isDropped: false };

  #countDropsBelow(ext: number): { count: number; isDropped: boolean } {
    const drops = this.#drops;
    let lo = this.#dropHead;
    let hi = drops.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((drops[mid] as number) < ext) lo = mid + 1;
      else hi = mid;
    }
    this.#below.count = lo - this.#dropHead;
    this.#below.isDropped = lo < drops.length && drops[lo] === ext;
    return this.#below;
  }

  #fold(): void {
    const limit = this.#maxInput - this.#maxReorder;
    const drops = this.#drops;
    while (this.#dropHead < drops.length && (drops[this.#dropHead] as number) < limit) {
      this.#floor = Math.max(this.#floor, drops[this.#dropHead] as number);
      this.#base += 1;
      this.#dropHead++;
    }
    if (this.#lateDrops.size > 0) for (const late of this.#lateDrops) if (late < limit) this.#lateDrops.delete(late);
    if (this.#dropHead > 256 && this.#dropHead * 2 > drops.length) {
      drops.splice(0, this.#dropHead);
      this.#dropHead = 0;
    }
  }
}
