/**
 * An SRTP/SRTCP session (RFC 3711, https://www.rfc-editor.org/rfc/rfc3711):
 * one crypto context per direction, derived from the DTLS-SRTP master keys,
 * with per-SSRC rollover counters and replay lists.
 *
 *   outgoing:  plain RTP/RTCP --protect(local keys)-->  SRTP/SRTCP
 *   incoming:  SRTP/SRTCP   --unprotect(remote keys)--> plain RTP/RTCP
 *
 * SRTP packet index = ROC * 2^16 + SEQ (48 bits); SRTCP index is the 31-bit
 * counter carried after the E flag (§3.4). Incoming state is created and
 * advanced only by packets that authenticate, so forged packets cannot grow
 * or move it.
 */
import { AesCmHmacTransform } from './aes-cm-transform.js';
import { AesGcmTransform } from './aes-gcm-transform.js';
import { SrtpKdf } from './kdf.js';
import { srtpProfileInfo, type SrtpCryptoSuite, type SrtpProfileInfo } from './profiles.js';
import { estimateIndex, ReplayWindow } from './replay-window.js';
import { rtpHeaderLength } from './rtp-header.js';
import type { SrtpSessionKeys, SrtpTransform } from './transform.js';

/** Why a packet was dropped: too short for the profile, not a parsable header, seen before (or too old), or a bad tag. */
export type SrtpDropReason = 'short' | 'malformed' | 'replay' | 'auth';

export interface SrtpSessionOptions {
  readonly profile: SrtpCryptoSuite;
  /** What outgoing packets are protected with. */
  readonly localMasterKey: Uint8Array;
  readonly localMasterSalt: Uint8Array;
  /** What incoming packets are unprotected with. */
  readonly remoteMasterKey: Uint8Array;
  readonly remoteMasterSalt: Uint8Array;
  /** Replay window in packets, a power of two ≥ 64; 1024 when omitted. */
  readonly replayWindowSize?: number;
}

const DEFAULT_WINDOW = 1024;
const RTCP_MIN_HEADER = 8;

export class SrtpSession {
  readonly profile: SrtpCryptoSuite;
  readonly #info: SrtpProfileInfo;
  readonly #tx: SrtpTransform;
  readonly #rx: SrtpTransform;
  readonly #windowSize: number;
  /** SSRC → highest SRTP index sent (in an object, so a packet costs one Map lookup, not a lookup and a store). */
  readonly #txRtp = new Map<number, { highest: number }>();
  readonly #rxRtp = new Map<number, ReplayWindow>();
  /** SSRC → next SRTCP index to send. */
  readonly #txRtcp = new Map<number, number>();
  readonly #rxRtcp = new Map<number, ReplayWindow>();
  #lastDropReason: SrtpDropReason | undefined;

  /** Throws on an unknown profile or wrong key/salt lengths: that is a setup error, not a packet. */
  constructor(options: SrtpSessionOptions) {
    const info = srtpProfileInfo(options.profile);
    if (info === undefined) throw new TypeError(`unknown SRTP profile ${String(options.profile)}`);
    const windowSize = options.replayWindowSize ?? DEFAULT_WINDOW;
    if (windowSize < 64 || (windowSize & (windowSize - 1)) !== 0) {
      throw new RangeError(`replayWindowSize must be a power of two >= 64, got ${windowSize}`);
    }
    this.profile = info.cryptoSuite;
    this.#info = info;
    this.#windowSize = windowSize;
    this.#tx = createTransform(info, deriveSessionKeys(info, options.localMasterKey, options.localMasterSalt));
    this.#rx = createTransform(info, deriveSessionKeys(info, options.remoteMasterKey, options.remoteMasterSalt));
  }

  /** Reason the last protect/unprotect returned undefined (left as is by successes). */
  get lastDropReason(): SrtpDropReason | undefined {
    return this.#lastDropReason;
  }

  /**
   * SRTP packet for the plain RTP packet in packet[0..length) (left untouched;
   * `length` lets a caller pass a reused scratch buffer without a view per
   * packet); undefined if it is not RTP v2.
   */
  protectRtp(packet: Buffer, length = packet.length): Buffer | undefined {
    if (length < 12 || length > packet.length) return this.#drop('short');
    const headerLength = rtpHeaderLength(packet, length);
    if (headerLength < 0) return this.#drop('malformed');
    const seq = packet.readUInt16BE(2);
    const ssrc = packet.readUInt32BE(8);
    const state = this.#txRtp.get(ssrc);
    let index = seq;
    if (state === undefined) {
      this.#txRtp.set(ssrc, { highest: seq });
    } else {
      index = estimateIndex(state.highest, seq);
      // Only reachable when resending something older than the first packet sent: keep ROC 0.
      if (index < 0) index = seq;
      else if (index > state.highest) state.highest = index;
    }
    return this.#tx.protectRtp(packet, headerLength, ssrc, index, length);
  }

  /** Plain RTP packet, or undefined (see lastDropReason). Never throws. */
  unprotectRtp(packet: Buffer): Buffer | undefined {
    const length = packet.length;
    const tag = this.#info.rtpAuthTagLength;
    if (length < 12 + tag) return this.#drop('short');
    const headerLength = rtpHeaderLength(packet, length - tag);
    if (headerLength < 0) return this.#drop('malformed');
    const seq = packet.readUInt16BE(2);
    const ssrc = packet.readUInt32BE(8);
    const window = this.#rxRtp.get(ssrc);
    let index = seq;
    if (window !== undefined) {
      index = estimateIndex(window.highest, seq);
      if (!window.isFresh(index)) return this.#drop('replay');
    }
    const plain = this.#rx.unprotectRtp(packet, headerLength, ssrc, index);
    if (plain === undefined) return this.#drop('auth');
    if (window === undefined) this.#rxRtp.set(ssrc, new ReplayWindow(this.#windowSize, index));
    else window.accept(index);
    return plain;
  }

  /** SRTCP packet (encrypted, E = 1) for a plain RTCP compound packet; undefined if it is not RTCP v2. */
  protectRtcp(packet: Buffer): Buffer | undefined {
    if (packet.length < RTCP_MIN_HEADER) return this.#drop('short');
    if (packet[0]! >>> 6 !== 2) return this.#drop('malformed');
    const ssrc = packet.readUInt32BE(4);
    const index = this.#txRtcp.get(ssrc) ?? 0;
    // RFC 3711 §3.4: the index wraps modulo 2^31 (re-keying is due long before).
    this.#txRtcp.set(ssrc, (index + 1) & 0x7fffffff);
    return this.#tx.protectRtcp(packet, ssrc, index, true);
  }

  /** Plain RTCP compound packet, or undefined (see lastDropReason). Never throws. */
  unprotectRtcp(packet: Buffer): Buffer | undefined {
    const length = packet.length;
    const tag = this.#info.rtcpAuthTagLength;
    if (length < RTCP_MIN_HEADER + 4 + tag) return this.#drop('short');
    if (packet[0]! >>> 6 !== 2) return this.#drop('malformed');
    const trailer = packet.readUInt32BE(this.#rx.rtcpTrailerOffset(length));
    const encrypted = trailer >= 0x80000000;
    const index = trailer & 0x7fffffff;
    const ssrc = packet.readUInt32BE(4);
    const window = this.#rxRtcp.get(ssrc);
    if (window !== undefined && !window.isFresh(index)) return this.#drop('replay');
    const plain = this.#rx.unprotectRtcp(packet, ssrc, index, encrypted);
    if (plain === undefined) return this.#drop('auth');
    if (window === undefined) this.#rxRtcp.set(ssrc, new ReplayWindow(this.#windowSize, index));
    else window.accept(index);
    return plain;
  }

  /** Forgets the ROC/replay state of an incoming SSRC (e.g. when its producer closes). */
  removeRemoteSsrc(ssrc: number): void {
    this.#rxRtp.delete(ssrc);
    this.#rxRtcp.delete(ssrc);
  }

  /** Forgets the ROC and SRTCP index of an outgoing SSRC; only once nothing more is sent with it. */
  removeLocalSsrc(ssrc: number): void {
    this.#txRtp.delete(ssrc);
    this.#txRtcp.delete(ssrc);
  }

  #drop(reason: SrtpDropReason): undefined {
    this.#lastDropReason = reason;
    return undefined;
  }
}

function deriveSessionKeys(info: SrtpProfileInfo, masterKey: Uint8Array, masterSalt: Uint8Array): SrtpSessionKeys {
  if (masterKey.length !== info.masterKeyLength || masterSalt.length !== info.masterSaltLength) {
    throw new RangeError(
      `${info.cryptoSuite} needs a ${info.masterKeyLength}-byte master key and ${info.masterSaltLength}-byte salt, ` +
        `got ${masterKey.length} and ${masterSalt.length}`,
    );
  }
  const kdf = new SrtpKdf(masterKey, masterSalt);
  const authLength = info.aead ? 0 : 20;
  return {
    rtpKey: kdf.derive('rtpEncryption', info.masterKeyLength),
    rtpSalt: kdf.derive('rtpSalt', info.masterSaltLength),
    rtpAuthKey: kdf.derive('rtpAuthentication', authLength),
    rtcpKey: kdf.derive('rtcpEncryption', info.masterKeyLength),
    rtcpSalt: kdf.derive('rtcpSalt', info.masterSaltLength),
    rtcpAuthKey: kdf.derive('rtcpAuthentication', authLength),
  };
}

/** The transform for a profile from ready session keys; tests feed RFC session keys through it directly. */
export function createTransform(info: SrtpProfileInfo, keys: SrtpSessionKeys): SrtpTransform {
  return info.aead ? new AesGcmTransform(keys) : new AesCmHmacTransform(keys, info.rtpAuthTagLength);
}
