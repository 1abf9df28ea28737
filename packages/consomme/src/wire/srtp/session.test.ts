import assert from 'node:assert/strict';
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { AesCmHmacTransform } from './aes-cm-transform.js';
import {
  cryptoSuiteFromDtlsProfileId,
  dtlsProfileIdFromCryptoSuite,
  dtlsSrtpKeyingMaterialLength,
  splitDtlsSrtpKeyingMaterial,
  srtpProfileInfo,
  SRTP_PROFILES,
  type SrtpCryptoSuite,
} from './profiles.js';
import { SrtpSession } from './session.js';

const SUITES: SrtpCryptoSuite[] = ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32', 'AEAD_AES_128_GCM', 'AEAD_AES_256_GCM'];

/** Session A protects with its local keys; session B, whose remote keys are A's local keys, unprotects. */
function pair(profile: SrtpCryptoSuite, replayWindowSize?: number): { a: SrtpSession; b: SrtpSession; keys: Buffer[] } {
  const info = srtpProfileInfo(profile)!;
  const [k1, s1, k2, s2] = [info.masterKeyLength, info.masterSaltLength, info.masterKeyLength, info.masterSaltLength].map((n) =>
    randomBytes(n),
  ) as [Buffer, Buffer, Buffer, Buffer];
  const window = replayWindowSize === undefined ? {} : { replayWindowSize };
  return {
    a: new SrtpSession({ profile, localMasterKey: k1, localMasterSalt: s1, remoteMasterKey: k2, remoteMasterSalt: s2, ...window }),
    b: new SrtpSession({ profile, localMasterKey: k2, localMasterSalt: s2, remoteMasterKey: k1, remoteMasterSalt: s1, ...window }),
    keys: [k1, s1],
  };
}

interface RtpShape {
  seq: number;
  ssrc?: number;
  csrcs?: number;
  extensionWords?: number;
  padding?: number;
  payload?: number;
}

function rtp({ seq, ssrc = 0x01020304, csrcs = 0, extensionWords = -1, padding = 0, payload = 40 }: RtpShape): Buffer {
  const ext = extensionWords >= 0 ? 4 + extensionWords * 4 : 0;
  const p = randomBytes(12 + csrcs * 4 + ext + payload + padding);
  p[0] = 0x80 | (padding > 0 ? 0x20 : 0) | (ext > 0 ? 0x10 : 0) | csrcs;
  p[1] = 111;
  p.writeUInt16BE(seq & 0xffff, 2);
  p.writeUInt32BE(ssrc, 8);
  if (ext > 0) {
    p.writeUInt16BE(0xbede, 12 + csrcs * 4);
    p.writeUInt16BE(extensionWords, 14 + csrcs * 4);
  }
  if (padding > 0) p[p.length - 1] = padding;
  return p;
}

function rtcp(ssrc = 0x0a0b0c0d, bodyWords = 6): Buffer {
  const p = randomBytes(8 + bodyWords * 4);
  p[0] = 0x81;
  p[1] = 200;
  p.writeUInt16BE(1 + bodyWords, 2);
  p.writeUInt32BE(ssrc, 4);
  return p;
}

for (const suite of SUITES) {
  describe(`${suite} session`, () => {
    const tag = srtpProfileInfo(suite)!.rtpAuthTagLength;

    it('round-trips RTP with CSRCs, header extensions, padding and empty payloads', () => {
      const { a, b } = pair(suite);
      const shapes: RtpShape[] = [
        { seq: 1 },
        { seq: 2, csrcs: 3 },
        { seq: 3, extensionWords: 2 },
        { seq: 4, extensionWords: 0 },
        { seq: 5, csrcs: 15, extensionWords: 5, padding: 7 },
        { seq: 6, payload: 0 },
        { seq: 7, payload: 1188 },
      ];
      for (const shape of shapes) {
        const plain = rtp(shape);
        const copy = Buffer.from(plain);
        const srtp = a.protectRtp(plain)!;
        assert.deepEqual(plain, copy, 'input untouched');
        assert.equal(srtp.length, plain.length + tag);
        const headerLength = plain.length - (shape.payload ?? 40) - (shape.padding ?? 0);
        assert.deepEqual(srtp.subarray(0, headerLength), plain.subarray(0, headerLength), 'header in the clear');
        if ((shape.payload ?? 40) > 8) assert.notDeepEqual(srtp.subarray(headerLength, plain.length), plain.subarray(headerLength));
        assert.deepEqual(b.unprotectRtp(srtp), plain, `shape ${JSON.stringify(shape)}`);
      }
    });

    it('protects packet[0..length) of a larger scratch, and unaligned input, to the same bytes', () => {
      for (let seq = 100; seq < 160; seq++) {
        const { a, b, keys } = pair(suite);
        const [k1, s1] = keys as [Buffer, Buffer];
        const a2 = new SrtpSession({ profile: suite, localMasterKey: k1, localMasterSalt: s1, remoteMasterKey: k1, remoteMasterSalt: s1 });
        const plain = rtp({ seq, extensionWords: seq % 3, payload: seq * 7 });
        const scratch = Buffer.alloc(plain.length + 50, 0x55);
        plain.copy(scratch);
        const unaligned = Buffer.alloc(plain.length + 1).subarray(1);
        plain.copy(unaligned);
        const fromScratch = a.protectRtp(scratch, plain.length)!;
        const fromUnaligned = a2.protectRtp(unaligned)!;
        assert.deepEqual(fromScratch, fromUnaligned);
        assert.deepEqual(b.unprotectRtp(fromScratch), plain);
        assert.equal(a.protectRtp(scratch, scratch.length + 1), undefined);
      }
    });

    it('keeps ROC across 65535 -> 0, with reordering around the wrap', () => {
      const { a, b } = pair(suite);
      const packets = Array.from({ length: 40 }, (_, i) => {
        const plain = rtp({ seq: (65520 + i) & 0xffff });
        return { plain, srtp: a.protectRtp(plain)! };
      });
      // Packets 16 and 17 (seq 0 and 1, ROC 1) arrive before 13..15 (seq 65533..65535, ROC 0).
      const order = [...packets.slice(0, 13), packets[16]!, packets[17]!, packets[14]!, packets[15]!, packets[13]!, ...packets.slice(18)];
      for (const { plain, srtp } of order) assert.deepEqual(b.unprotectRtp(srtp), plain);
      assert.equal(b.lastDropReason, undefined);
      // A second wrap: ROC 2 on both sides.
      for (let i = 0; i < 70000; i += 997) {
        const plain = rtp({ seq: (100 + i) & 0xffff });
        assert.deepEqual(b.unprotectRtp(a.protectRtp(plain)!), plain, `step ${i}`);
      }
    });

    it('rejects replays and too-old packets, accepts out-of-order inside the window', () => {
      const { a, b } = pair(suite, 64);
      const packets = Array.from({ length: 200 }, (_, i) => {
        const plain = rtp({ seq: 1000 + i });
        return { plain, srtp: a.protectRtp(plain)! };
      });
      assert.deepEqual(b.unprotectRtp(packets[0]!.srtp), packets[0]!.plain);
      assert.equal(b.unprotectRtp(packets[0]!.srtp), undefined);
      assert.equal(b.lastDropReason, 'replay');
      // Deliver 1..100 in reverse: all but those more than 63 behind 100 are fresh and accepted.
      assert.deepEqual(b.unprotectRtp(packets[100]!.srtp), packets[100]!.plain);
      for (let i = 99; i >= 1; i--) {
        const got = b.unprotectRtp(packets[i]!.srtp);
        if (100 - i < 64) assert.deepEqual(got, packets[i]!.plain, `seq offset ${i}`);
        else {
          assert.equal(got, undefined, `seq offset ${i}`);
          assert.equal(b.lastDropReason, 'replay');
        }
      }
      assert.equal(b.unprotectRtp(packets[70]!.srtp), undefined);
      assert.equal(b.lastDropReason, 'replay');
      // A jump of more than the window clears it.
      assert.deepEqual(b.unprotectRtp(packets[199]!.srtp), packets[199]!.plain);
      assert.deepEqual(b.unprotectRtp(packets[150]!.srtp), packets[150]!.plain);
      assert.equal(b.unprotectRtp(packets[199]!.srtp), undefined);
    });

    it('rejects tampered packets, wrong keys and forged state advances', () => {
      const { a, b } = pair(suite);
      const plain = rtp({ seq: 10, csrcs: 1, extensionWords: 1 });
      const srtp = a.protectRtp(plain)!;
      for (const at of [1, 3, 9, 14, 20, srtp.length - tag - 1, srtp.length - 1]) {
        const bad = Buffer.from(srtp);
        bad[at]! ^= 0x01;
        assert.equal(b.unprotectRtp(bad), undefined, `flip at ${at}`);
        assert.equal(b.lastDropReason, 'auth');
      }
      // A forged packet far ahead must not move the window: the genuine packet still goes through.
      const forged = Buffer.from(a.protectRtp(rtp({ seq: 30000 }))!);
      forged[forged.length - 1]! ^= 0xff;
      assert.equal(b.unprotectRtp(forged), undefined);
      assert.deepEqual(b.unprotectRtp(srtp), plain);
      // B's own local keys are not A's.
      assert.equal(a.unprotectRtp(b.protectRtp(plain)!)?.length, plain.length);
      assert.equal(b.unprotectRtp(b.protectRtp(rtp({ seq: 11 }))!), undefined);
      assert.equal(b.lastDropReason, 'auth');
    });

    it('names short and malformed packets', () => {
      const { a, b } = pair(suite);
      assert.equal(b.unprotectRtp(Buffer.alloc(12 + tag - 1, 0x80)), undefined);
      assert.equal(b.lastDropReason, 'short');
      const v1 = a.protectRtp(rtp({ seq: 1 }))!;
      v1[0] = 0x40;
      assert.equal(b.unprotectRtp(v1), undefined);
      assert.equal(b.lastDropReason, 'malformed');
      const longExtension = a.protectRtp(rtp({ seq: 2, payload: 4 }))!;
      longExtension[0]! |= 0x10;
      assert.equal(b.unprotectRtp(longExtension), undefined);
      assert.equal(b.lastDropReason, 'malformed');
      assert.equal(a.protectRtp(Buffer.alloc(11, 0x80)), undefined);
      assert.equal(a.lastDropReason, 'short');
      assert.equal(a.protectRtp(Buffer.alloc(12)), undefined);
      assert.equal(a.lastDropReason, 'malformed');
      assert.equal(b.unprotectRtcp(Buffer.alloc(8 + 4 + srtpProfileInfo(suite)!.rtcpAuthTagLength - 1, 0x80)), undefined);
      assert.equal(b.lastDropReason, 'short');
    });

    it('round-trips SRTCP with per-SSRC indices, rejects replays and tampering', () => {
      const { a, b } = pair(suite);
      const rtcpTag = srtpProfileInfo(suite)!.rtcpAuthTagLength;
      for (let i = 0; i < 5; i++) {
        for (const ssrc of [1, 2]) {
          const plain = rtcp(ssrc, i);
          const srtcp = a.protectRtcp(plain)!;
          assert.equal(srtcp.length, plain.length + 4 + rtcpTag);
          const trailerAt = suite.startsWith('AEAD') ? srtcp.length - 4 : srtcp.length - rtcpTag - 4;
          assert.equal(srtcp.readUInt32BE(trailerAt), 0x80000000 + i, 'E=1 and index');
          assert.deepEqual(srtcp.subarray(0, 8), plain.subarray(0, 8));
          assert.deepEqual(b.unprotectRtcp(srtcp), plain);
          assert.equal(b.unprotectRtcp(srtcp), undefined);
          assert.equal(b.lastDropReason, 'replay');
        }
      }
      const srtcp = a.protectRtcp(rtcp(1))!;
      const bad = Buffer.from(srtcp);
      bad[12]! ^= 4;
      assert.equal(b.unprotectRtcp(bad), undefined);
      assert.equal(b.lastDropReason, 'auth');
      assert.ok(b.unprotectRtcp(srtcp));
      b.removeRemoteSsrc(1);
      assert.ok(b.unprotectRtcp(srtcp), 'state forgotten');
    });
  });
}

describe('AES-CM against a cipher-per-packet reference', () => {
  it('matches node aes-128-ctr + createHmac, including a ROC of 1', () => {
    const { a, keys } = pair('AES_CM_128_HMAC_SHA1_80');
    const [masterKey, masterSalt] = keys as [Buffer, Buffer];
    const prf = (label: number, length: number): Buffer => {
      const iv = Buffer.concat([masterSalt, Buffer.alloc(2)]);
      iv[7]! ^= label;
      return createCipheriv('aes-128-ctr', masterKey, iv).update(Buffer.alloc(length));
    };
    const [key, auth, salt] = [prf(0, 16), prf(1, 20), prf(2, 14)];
    for (const [seq, roc] of [[65535, 0], [0, 1], [7, 1]] as const) {
      const plain = rtp({ seq, ssrc: 0xdeadbeef, csrcs: 2, extensionWords: 1 });
      const iv = Buffer.concat([salt, Buffer.alloc(2)]);
      iv.writeUInt32BE((iv.readUInt32BE(4) ^ 0xdeadbeef) >>> 0, 4);
      const index = roc * 65536 + seq;
      iv.writeUInt16BE(iv.readUInt16BE(8) ^ Math.floor(index / 2 ** 32), 8);
      iv.writeUInt32BE((iv.readUInt32BE(10) ^ index) >>> 0, 10);
      const body = Buffer.concat([plain.subarray(0, 28), createCipheriv('aes-128-ctr', key, iv).update(plain.subarray(28))]);
      const rocBytes = Buffer.alloc(4);
      rocBytes.writeUInt32BE(roc);
      const mac = createHmac('sha1', auth).update(body).update(rocBytes).digest().subarray(0, 10);
      assert.deepEqual(a.protectRtp(plain), Buffer.concat([body, mac]), `seq ${seq}`);
    }
  });

  it('accepts SRTCP sent without encryption (E = 0)', () => {
    const key = randomBytes(16);
    const salt = randomBytes(14);
    const transform = new AesCmHmacTransform(
      { rtpKey: key, rtpSalt: salt, rtpAuthKey: key, rtcpKey: key, rtcpSalt: salt, rtcpAuthKey: key },
      10,
    );
    const plain = rtcp(5);
    const clear = transform.protectRtcp(plain, 5, 9, false);
    assert.deepEqual(clear.subarray(0, plain.length), plain);
    assert.equal(clear.readUInt32BE(plain.length), 9);
    assert.deepEqual(transform.unprotectRtcp(clear, 5, 9, false), plain);
    clear[20]! ^= 1;
    assert.equal(transform.unprotectRtcp(clear, 5, 9, false), undefined);
  });
});

describe('DTLS-SRTP protection profiles', () => {
  const rows: Array<[SrtpCryptoSuite, id: number, key: number, salt: number]> = [
    ['AES_CM_128_HMAC_SHA1_80', 0x0001, 16, 14],
    ['AES_CM_128_HMAC_SHA1_32', 0x0002, 16, 14],
    ['AEAD_AES_128_GCM', 0x0007, 16, 12],
    ['AEAD_AES_256_GCM', 0x0008, 32, 12],
  ];
  it('maps ids and suites both ways with their key and salt lengths', () => {
    for (const [suite, id, key, salt] of rows) {
      assert.equal(cryptoSuiteFromDtlsProfileId(id), suite);
      assert.equal(dtlsProfileIdFromCryptoSuite(suite), id);
      assert.equal(srtpProfileInfo(suite)!.masterKeyLength, key);
      assert.equal(srtpProfileInfo(suite)!.masterSaltLength, salt);
      assert.equal(dtlsSrtpKeyingMaterialLength(suite), 2 * (key + salt));
    }
    assert.equal(cryptoSuiteFromDtlsProfileId(0x0005), undefined);
    assert.equal(srtpProfileInfo('NULL'), undefined);
    assert.deepEqual(SRTP_PROFILES.map((p) => p.dtlsProfileId), [0x0008, 0x0007, 0x0001, 0x0002]);
  });

  it('splits exported keying material by role', () => {
    const material = Buffer.from(Array.from({ length: 56 }, (_, i) => i));
    const client = splitDtlsSrtpKeyingMaterial('AEAD_AES_128_GCM', material, 'client')!;
    const server = splitDtlsSrtpKeyingMaterial('AEAD_AES_128_GCM', material, 'server')!;
    assert.deepEqual(client.localMasterKey, material.subarray(0, 16));
    assert.deepEqual(client.remoteMasterKey, material.subarray(16, 32));
    assert.deepEqual(client.localMasterSalt, material.subarray(32, 44));
    assert.deepEqual(client.remoteMasterSalt, material.subarray(44, 56));
    assert.deepEqual(server.localMasterKey, client.remoteMasterKey);
    assert.deepEqual(server.remoteMasterSalt, client.localMasterSalt);
    assert.equal(splitDtlsSrtpKeyingMaterial('AEAD_AES_128_GCM', material.subarray(1), 'client'), undefined);
    // Sessions built from the two halves talk to each other.
    const c = new SrtpSession({ profile: 'AEAD_AES_128_GCM', ...client });
    const s = new SrtpSession({ profile: 'AEAD_AES_128_GCM', ...server });
    const plain = rtp({ seq: 9 });
    assert.deepEqual(s.unprotectRtp(c.protectRtp(plain)!), plain);
  });

  it('refuses wrong key lengths, unknown profiles and bad window sizes at construction', () => {
    const k = randomBytes(16);
    const s = randomBytes(14);
    const base = { localMasterKey: k, localMasterSalt: s, remoteMasterKey: k, remoteMasterSalt: s };
    assert.throws(() => new SrtpSession({ profile: 'AEAD_AES_256_GCM', ...base }), RangeError);
    assert.throws(() => new SrtpSession({ profile: 'NOPE' as SrtpCryptoSuite, ...base }), TypeError);
    assert.throws(() => new SrtpSession({ profile: 'AES_CM_128_HMAC_SHA1_80', ...base, replayWindowSize: 100 }), RangeError);
  });
});
