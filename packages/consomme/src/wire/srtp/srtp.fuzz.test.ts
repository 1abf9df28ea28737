import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { srtpProfileInfo, type SrtpCryptoSuite } from './profiles.js';
import { rtpHeaderLength } from './rtp-header.js';
import { createTransform, SrtpSession } from './session.js';

const SUITES: SrtpCryptoSuite[] = ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32', 'AEAD_AES_128_GCM', 'AEAD_AES_256_GCM'];

function session(profile: SrtpCryptoSuite): SrtpSession {
  const info = srtpProfileInfo(profile)!;
  const key = randomBytes(info.masterKeyLength);
  const salt = randomBytes(info.masterSaltLength);
  return new SrtpSession({ profile, localMasterKey: key, localMasterSalt: salt, remoteMasterKey: key, remoteMasterSalt: salt });
}

/** Arbitrary bytes, half of them with a version-2 first byte so they get past the cheapest check. */
const packetBytes = fc.oneof(
  fc.uint8Array({ maxLength: 200 }),
  fc.tuple(fc.integer({ min: 0x80, max: 0xbf }), fc.uint8Array({ minLength: 11, maxLength: 200 })).map(([b0, rest]) => {
    const p = new Uint8Array(rest.length + 1);
    p[0] = b0;
    p.set(rest, 1);
    return p;
  }),
);

describe('unprotect never throws', () => {
  it('on arbitrary bytes, for every profile, RTP and RTCP', () => {
    const sessions = SUITES.map(session);
    fc.assert(
      fc.property(packetBytes, (bytes) => {
        const packet = Buffer.from(bytes);
        for (const s of sessions) {
          assert.equal(s.unprotectRtp(packet), undefined);
          assert.ok(s.lastDropReason);
          assert.equal(s.unprotectRtcp(packet), undefined);
        }
      }),
      { numRuns: 100_000 },
    );
  });

  it('on mutations of valid SRTP and SRTCP packets', () => {
    const cases = SUITES.map((suite) => {
      const s = session(suite);
      const rtp = Buffer.alloc(60, 7);
      rtp[0] = 0x91; // V=2, X, CC=1
      rtp.writeUInt16BE(0xbede, 16);
      rtp.writeUInt16BE(1, 18);
      const rtcp = Buffer.alloc(28, 9);
      rtcp[0] = 0x80;
      rtcp[1] = 201;
      return { s, srtp: s.protectRtp(rtp)!, srtcp: s.protectRtcp(rtcp)! };
    });
    const mutation = fc.record({
      which: fc.integer({ min: 0, max: cases.length * 2 - 1 }),
      flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
      cut: fc.integer({ min: -8, max: 8 }),
    });
    fc.assert(
      fc.property(mutation, ({ which, flips, cut }) => {
        const c = cases[which >> 1]!;
        const original = which & 1 ? c.srtcp : c.srtp;
        const bytes = Buffer.alloc(Math.max(0, original.length + cut));
        original.copy(bytes);
        for (const [at, x] of flips) bytes[at % bytes.length]! ^= x;
        const out = which & 1 ? c.s.unprotectRtcp(bytes) : c.s.unprotectRtp(bytes);
        if (!bytes.equals(original)) assert.equal(out, undefined);
      }),
      { numRuns: 100_000 },
    );
  });
});

describe('protect then unprotect gives back the same bytes', () => {
  it('for random RTP and RTCP packets and indices, every profile', () => {
    const transforms = SUITES.map((suite) => {
      const info = srtpProfileInfo(suite)!;
      const k = (n: number) => randomBytes(n);
      const auth = info.aead ? 0 : 20;
      return createTransform(info, {
        rtpKey: k(info.masterKeyLength), rtpSalt: k(info.masterSaltLength), rtpAuthKey: k(auth),
        rtcpKey: k(info.masterKeyLength), rtcpSalt: k(info.masterSaltLength), rtcpAuthKey: k(auth),
      });
    });
    const input = fc.record({
      suite: fc.integer({ min: 0, max: SUITES.length - 1 }),
      csrcs: fc.integer({ min: 0, max: 15 }),
      extensionWords: fc.integer({ min: -1, max: 6 }),
      payload: fc.uint8Array({ maxLength: 120 }),
      ssrc: fc.nat({ max: 0xffffffff }),
      index: fc.integer({ min: 0, max: 2 ** 48 - 1 }),
      rtcpIndex: fc.nat({ max: 0x7fffffff }),
      encrypt: fc.boolean(),
    });
    fc.assert(
      fc.property(input, ({ suite, csrcs, extensionWords, payload, ssrc, index, rtcpIndex, encrypt }) => {
        const t = transforms[suite]!;
        const ext = extensionWords >= 0 ? 4 + 4 * extensionWords : 0;
        const rtp = Buffer.alloc(12 + 4 * csrcs + ext + payload.length, 0x5a);
        rtp[0] = 0x80 | (ext ? 0x10 : 0) | csrcs;
        rtp.writeUInt16BE(index % 65536, 2);
        rtp.writeUInt32BE(ssrc, 8);
        if (ext) rtp.writeUInt16BE(extensionWords, 14 + 4 * csrcs);
        rtp.set(payload, rtp.length - payload.length);
        const headerLength = rtpHeaderLength(rtp, rtp.length);
        assert.equal(headerLength, rtp.length - payload.length);
        const srtp = t.protectRtp(rtp, headerLength, ssrc, index, rtp.length);
        assert.deepEqual(t.unprotectRtp(srtp, headerLength, ssrc, index), rtp);

        const rtcp = Buffer.concat([Buffer.from([0x80, 200, 0, 0]), Buffer.alloc(4), payload]);
        rtcp.writeUInt32BE(ssrc, 4);
        const srtcp = t.protectRtcp(rtcp, ssrc, rtcpIndex, encrypt);
        assert.deepEqual(t.unprotectRtcp(srtcp, ssrc, rtcpIndex, encrypt), rtcp);
      }),
      { numRuns: 100_000 },
    );
  });
});
