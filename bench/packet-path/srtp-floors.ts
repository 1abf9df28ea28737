// SRTP alone, for bench/packet-path.ts: SrtpSession.protectRtp and unprotectRtp of
// the bench's 1100-byte packet, and, for comparison, node:crypto with a new cipher
// (and HMAC) created for every packet, the way the worker does not do it.
import { createCipheriv, createHmac, createSecretKey, randomBytes } from 'node:crypto';
import { srtpProfileInfo, type SrtpCryptoSuite } from '../../packages/consomme/src/wire/srtp/index.js';
import { ChromeVp8Source } from './chrome-vp8-source.js';
import { session, srtpKeys } from './forwarding-rig.js';
import type { Work } from './measure.js';
const SRTP_BATCH = 1024;

/** What a consumer hands to protectRtp: an 1100-byte RTP packet with a 12-byte extension block. */
function consumerPacket(): Buffer {
  return new ChromeVp8Source().next();
}

export function protectOnly(suite: SrtpCryptoSuite): Work {
  const keys = srtpKeys(suite);
  const tx = session(suite, keys, keys);
  const packet = consumerPacket();
  let seq = 0;
  return {
    prepare: () => undefined,
    run: () => {
      for (let i = 0; i < SRTP_BATCH; i++) {
        packet.writeUInt16BE(seq, 2);
        seq = (seq + 1) & 0xffff;
        if (!tx.protectRtp(packet)) throw new Error('protect failed');
      }
      return { in: SRTP_BATCH, out: SRTP_BATCH };
    },
  };
}

export function unprotectOnly(suite: SrtpCryptoSuite): Work {
  const a = srtpKeys(suite);
  const b = srtpKeys(suite);
  const tx = session(suite, a, b);
  const rx = session(suite, b, a);
  const source = new ChromeVp8Source();
  let batch: Buffer[] = [];
  return {
    prepare: () => {
      batch = [];
      for (let i = 0; i < SRTP_BATCH; i++) batch.push(tx.protectRtp(source.next())!);
    },
    run: () => {
      for (const p of batch) if (!rx.unprotectRtp(p)) throw new Error(`unprotect failed: ${rx.lastDropReason}`);
      return { in: SRTP_BATCH, out: SRTP_BATCH };
    },
  };
}

/** The naive way: createCipheriv (and createHmac) for every packet, output concatenated. */
export function cipherPerPacket(suite: SrtpCryptoSuite): Work {
  const info = srtpProfileInfo(suite)!;
  const key = randomBytes(info.masterKeyLength);
  const authKey = createSecretKey(randomBytes(20));
  const iv = randomBytes(info.aead ? 12 : 16);
  const roc = Buffer.alloc(4);
  const packet = consumerPacket();
  const headerLength = 28;
  const header = packet.subarray(0, headerLength);
  const payload = packet.subarray(headerLength);
  return {
    prepare: () => undefined,
    run: () => {
      for (let i = 0; i < SRTP_BATCH; i++) {
        iv.writeUInt16BE(i, iv.length - 2);
        if (info.aead) {
          const c = createCipheriv('aes-128-gcm', key, iv).setAAD(header);
          const body = c.update(payload);
          c.final();
          Buffer.concat([header, body, c.getAuthTag()]);
        } else {
          const c = createCipheriv('aes-128-ctr', key, iv);
          const srtp = Buffer.concat([header, c.update(payload), c.final()]);
          const tag = createHmac('sha1', authKey).update(srtp).update(roc).digest();
          Buffer.concat([srtp, tag.subarray(0, info.rtpAuthTagLength)]);
        }
      }
      return { in: SRTP_BATCH, out: SRTP_BATCH };
    },
  };
}
