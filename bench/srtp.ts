// SRTP protect+unprotect throughput for a 1200-byte RTP packet, per profile, with
// reused ciphers (SrtpSession) and with a node:crypto cipher + HMAC created per packet.
// Candidates run interleaved in short slices and each keeps its best slice, so a
// busy machine skews both alike. Run: node --import tsx bench/srtp.ts
// Then the HMAC-SHA1 candidates alone, and protect over many sessions round-robin (the
// fan-out case, BENCH_SESSIONS=80).
import { createCipheriv, createDecipheriv, createHash, createHmac, createSecretKey, randomBytes } from 'node:crypto';
import { HmacSha1 } from '../packages/consomme/src/wire/srtp/hmac-sha1.js';
import { JsHmacSha1 } from './srtp/js-hmac-sha1.js';
import { SrtpSession, srtpProfileInfo, type SrtpCryptoSuite } from '../packages/consomme/src/wire/srtp/index.js';

const SUITES: SrtpCryptoSuite[] = ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32', 'AEAD_AES_128_GCM', 'AEAD_AES_256_GCM'];
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 8);
const SLICE_MS = 150;

const packets = Array.from({ length: 65536 }, (_, seq) => {
  const p = Buffer.alloc(1200, 0xab);
  p[0] = 0x80;
  p[1] = 96;
  p.writeUInt16BE(seq, 2);
  p.writeUInt32BE(0x11223344, 8);
  return p;
});

/** Best packets/s of each step (one packet per call) over interleaved slices. */
function race(steps: Array<(i: number) => void>): number[] {
  const best = steps.map(() => 0);
  let i = 0;
  for (let round = 0; round < ROUNDS; round++) {
    steps.forEach((step, k) => {
      const start = process.hrtime.bigint();
      const end = start + BigInt(SLICE_MS * 1e6);
      let n = 0;
      let now = start;
      while (now < end) {
        for (let j = 0; j < 200; j++, n++) step(i++);
        now = process.hrtime.bigint();
      }
      if (round > 0) best[k] = Math.max(best[k]!, (n * 1e9) / Number(now - start));
    });
  }
  return best.map(Math.round);
}

/** Baseline: a fresh createCipheriv/createDecipheriv (and createHmac) for every packet. */
function perPacketCipher(suite: SrtpCryptoSuite): (i: number) => void {
  const info = srtpProfileInfo(suite)!;
  const key = randomBytes(info.masterKeyLength);
  const auth = createSecretKey(randomBytes(20));
  const iv = randomBytes(info.aead ? 12 : 16);
  const alg = `aes-${key.length * 8}-${info.aead ? 'gcm' : 'ctr'}` as 'aes-128-gcm';
  return (i) => {
    const p = packets[i & 0xffff]!;
    const header = p.subarray(0, 12);
    if (info.aead) {
      const c = createCipheriv(alg, key, iv).setAAD(header);
      const srtp = Buffer.concat([header, c.update(p.subarray(12)), c.final(), c.getAuthTag()]);
      const d = createDecipheriv(alg, key, iv).setAAD(header).setAuthTag(srtp.subarray(srtp.length - 16));
      Buffer.concat([header, d.update(srtp.subarray(12, srtp.length - 16)), d.final()]);
    } else {
      const body = Buffer.concat([header, createCipheriv(alg, key, iv).update(p.subarray(12))]);
      const srtp = Buffer.concat([body, createHmac('sha1', auth).update(body).digest().subarray(0, info.rtpAuthTagLength)]);
      const check = createHmac('sha1', auth).update(srtp.subarray(0, body.length)).digest();
      if (!check.subarray(0, info.rtpAuthTagLength).equals(srtp.subarray(body.length))) throw new Error('bad tag');
      Buffer.concat([header, createDecipheriv(alg, key, iv).update(srtp.subarray(12, body.length))]);
    }
  };
}

function reusedCiphers(suite: SrtpCryptoSuite): (i: number) => void {
  const info = srtpProfileInfo(suite)!;
  const key = randomBytes(info.masterKeyLength);
  const salt = randomBytes(info.masterSaltLength);
  const keys = { localMasterKey: key, localMasterSalt: salt, remoteMasterKey: key, remoteMasterSalt: salt };
  const tx = new SrtpSession({ profile: suite, ...keys });
  const rx = new SrtpSession({ profile: suite, ...keys });
  return (i) => {
    if (rx.unprotectRtp(tx.protectRtp(packets[i & 0xffff]!)!) === undefined) throw new Error(`${suite}: ${rx.lastDropReason}`);
  };
}

const fmt = (n: number): string => n.toLocaleString('en-US').padStart(8);
console.log('protect + unprotect of a 1200-byte RTP packet, packets/s');
for (const suite of SUITES) {
  const [reused, perPacket] = race([reusedCiphers(suite), perPacketCipher(suite)]);
  console.log(`${suite.padEnd(24)} reused ciphers: ${fmt(reused!)}   cipher per packet: ${fmt(perPacket!)}`);
}

// HMAC-SHA1 of 1204 bytes (packet || ROC) alone: what SrtpSession uses (createHmac on a
// KeyObject) vs cloning precomputed ipad/opad SHA-1 states with hash.copy().
const authKey = randomBytes(20);
const data = randomBytes(1204);
const inner = createHash('sha1').update(Buffer.from(authKey.map((b) => b ^ 0x36)).subarray(0, 20)).update(Buffer.alloc(44, 0x36));
const outer = createHash('sha1').update(Buffer.from(authKey.map((b) => b ^ 0x5c)).subarray(0, 20)).update(Buffer.alloc(44, 0x5c));
const padStates = (): Buffer => outer.copy().update(inner.copy().update(data).digest()).digest();
if (!padStates().equals(createHmac('sha1', authKey).update(data).digest())) throw new Error('pad-state HMAC is wrong');
const session = new HmacSha1(authKey);
const jsHmac = new JsHmacSha1(authKey);
if (!Buffer.from(jsHmac.mac(data)).equals(session.mac(data))) throw new Error('JS HMAC-SHA1 is wrong');
const [perPacketHmac, copied, js] = race([() => session.mac(data), padStates, () => jsHmac.mac(data)]);
console.log(
  `HMAC-SHA1 of 1204 bytes, per second: createHmac(KeyObject) per packet: ${fmt(perPacketHmac!)}   pad states + hash.copy(): ${fmt(copied!)}   ` +
    `JS SHA-1 from precomputed ipad/opad states: ${fmt(js!)}`,
);

// The fan-out case: one outgoing session per consumer, used round-robin, so per-key tables
// and cipher state are cold in the caches. Protect only (what a consumer does), 1100 bytes.
const SESSIONS = Number(process.env['BENCH_SESSIONS'] ?? 80);
const fanoutPacket = packets[0]!.subarray(0, 1100);
function roundRobin(suite: SrtpCryptoSuite): (i: number) => void {
  const info = srtpProfileInfo(suite)!;
  const sessions = Array.from({ length: SESSIONS }, () => {
    const key = randomBytes(info.masterKeyLength);
    const salt = randomBytes(info.masterSaltLength);
    return new SrtpSession({ profile: suite, localMasterKey: key, localMasterSalt: salt, remoteMasterKey: key, remoteMasterSalt: salt });
  });
  return (i) => {
    fanoutPacket.writeUInt16BE(i & 0xffff, 2);
    if (!sessions[i % SESSIONS]!.protectRtp(fanoutPacket)) throw new Error('protect failed');
  };
}
console.log(`protect of a 1100-byte RTP packet over ${SESSIONS} sessions round-robin (fan-out), packets/s`);
for (const suite of SUITES) console.log(`${suite.padEnd(24)} ${fmt(race([roundRobin(suite)])[0]!)}`);
