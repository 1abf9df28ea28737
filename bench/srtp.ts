// SRTP protect+unprotect throughput for a 1200-byte RTP packet, per profile,
// against a baseline that creates a node:crypto cipher (and HMAC) per packet.
// Run: node --import tsx bench/srtp.ts
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { SrtpSession, srtpProfileInfo, type SrtpCryptoSuite } from '../packages/consomme/src/wire/srtp/index.js';

const SUITES: SrtpCryptoSuite[] = ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32', 'AEAD_AES_128_GCM', 'AEAD_AES_256_GCM'];
const PAYLOAD = 1200 - 12;
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 1.5);

function rtp(seq: number): Buffer {
  const p = Buffer.alloc(12 + PAYLOAD, 0xab);
  p[0] = 0x80;
  p[1] = 96;
  p.writeUInt16BE(seq & 0xffff, 2);
  p.writeUInt32BE(0x11223344, 8);
  return p;
}

/** Packets per second of `step`, which handles one packet per call. */
function measure(step: (i: number) => void): number {
  for (let i = 0; i < 20_000; i++) step(i);
  let n = 20_000;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(SECONDS * 1e9));
  let now = start;
  while (now < deadline) {
    for (let k = 0; k < 1000; k++) step(n++);
    now = process.hrtime.bigint();
  }
  return Math.round(((n - 20_000) * 1e9) / Number(now - start));
}

/** Baseline: a fresh createCipheriv/createDecipheriv (and createHmac) for every packet. */
function perPacketCipher(suite: SrtpCryptoSuite): (p: Buffer) => void {
  const info = srtpProfileInfo(suite)!;
  const key = randomBytes(info.masterKeyLength);
  const auth = randomBytes(20);
  const iv = randomBytes(info.aead ? 12 : 16);
  const alg = `aes-${key.length * 8}-${info.aead ? 'gcm' : 'ctr'}`;
  return (p) => {
    const header = p.subarray(0, 12);
    if (info.aead) {
      const c = createCipheriv(alg as 'aes-128-gcm', key, iv).setAAD(header);
      const body = Buffer.concat([header, c.update(p.subarray(12)), c.final(), c.getAuthTag()]);
      const d = createDecipheriv(alg as 'aes-128-gcm', key, iv).setAAD(header);
      d.setAuthTag(body.subarray(body.length - 16));
      d.update(body.subarray(12, body.length - 16));
      d.final();
    } else {
      const body = Buffer.concat([header, createCipheriv(alg, key, iv).update(p.subarray(12))]);
      const tag = createHmac('sha1', auth).update(body).digest().subarray(0, info.rtpAuthTagLength);
      createHmac('sha1', auth).update(body).digest().equals(tag);
      createDecipheriv(alg, key, iv).update(body.subarray(12));
    }
  };
}

const packets = Array.from({ length: 65536 }, (_, i) => rtp(i));
for (const suite of SUITES) {
  const info = srtpProfileInfo(suite)!;
  const key = randomBytes(info.masterKeyLength);
  const salt = randomBytes(info.masterSaltLength);
  const keys = { localMasterKey: key, localMasterSalt: salt, remoteMasterKey: key, remoteMasterSalt: salt };
  const tx = new SrtpSession({ profile: suite, ...keys });
  const rx = new SrtpSession({ profile: suite, ...keys });
  const session = measure((i) => {
    if (rx.unprotectRtp(tx.protectRtp(packets[i & 0xffff]!)!) === undefined) throw new Error(`${suite}: round trip failed`);
  });
  const baseline = perPacketCipher(suite);
  const perPacket = measure((i) => baseline(packets[i & 0xffff]!));
  console.log(`${suite.padEnd(24)} reused ciphers: ${session.toLocaleString('en-US').padStart(9)} pkt/s   cipher per packet: ${perPacket.toLocaleString('en-US').padStart(9)} pkt/s`);
}
