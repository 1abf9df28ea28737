import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AesCtr } from './aes-ctr.js';
import { SrtpKdf, type SrtpKeyLabel } from './kdf.js';
import { srtpProfileInfo, type SrtpCryptoSuite } from './profiles.js';
import { createTransform } from './session.js';

/** Hex with one comment per line, separated from the bytes by three or more spaces. */
const hex = (s: string): Buffer =>
  Buffer.from(
    s
      .split('\n')
      .map((line) => line.trim().split(/\s{3,}/)[0]!.replace(/\s+/g, ''))
      .join(''),
    'hex',
  );

describe('RFC 3711 Appendix B.2: AES-CM keystream', () => {
  // Session key and salt; SSRC = 0 and index = 0, so the IV is salt || 0000.
  const key = hex('2B7E151628AED2A6ABF7158809CF4F3C');
  const iv = hex('F0F1F2F3F4F5F6F7F8F9FAFBFCFD 0000');
  const rows: Array<[counter: number, keystream: string]> = [
    [0x0000, 'E03EAD0935C95E80E166B16DD92B4EB4'],
    [0x0001, 'D23513162B02D0F72A43A2FE4A5F97AB'],
    [0x0002, '41E95B3BB0A2E8DD477901E4FCA894C0'],
    [0xfeff, 'EC8CDF7398607CB0F2D21675EA9EA1E4'],
    [0xff00, '362B7C3C6773516318A077D7FC5073AE'],
    [0xff01, '6A2CC3787889374FBEB4C81B17BA6C44'],
  ];
  it('matches every listed counter block', () => {
    const ks = new AesCtr(key).keystream(iv, 0, 0xff02);
    for (const [counter, expected] of rows) {
      assert.equal(ks.subarray(counter * 16, counter * 16 + 16).toString('hex'), expected.toLowerCase(), `counter ${counter}`);
    }
  });
});

describe('RFC 3711 Appendix B.3 and RFC 6188 §7.2: key derivation', () => {
  const rows: Array<[name: string, masterKey: string, masterSalt: string, label: SrtpKeyLabel, expected: string]> = [
    // RFC 3711 B.3, AES-128 PRF
    ['B.3 cipher key', 'E1F97A0D3E018BE0D64FA32C06DE4139', '0EC675AD498AFEEBB6960B3AABE6', 'rtpEncryption',
      'C61E7A93744F39EE10734AFE3FF7A087'],
    ['B.3 cipher salt', 'E1F97A0D3E018BE0D64FA32C06DE4139', '0EC675AD498AFEEBB6960B3AABE6', 'rtpSalt',
      '30CBBC08863D8C85D49DB34A9AE1'],
    // 94 bytes: runs the counter over six blocks
    ['B.3 auth key', 'E1F97A0D3E018BE0D64FA32C06DE4139', '0EC675AD498AFEEBB6960B3AABE6', 'rtpAuthentication',
      `CEBE321F6FF7716B6FD4AB49AF256A15 6D38BAA48F0A0ACF3C34E2359E6CDBCE
       E049646C43D9327AD175578EF7227098 6371C10C9A369AC2F94A8C5FBCDDDC25
       6D6E919A48B610EF17C2041E47403576 6B68642C59BBFC2F34DB60DBDFB2`],
    // RFC 6188 §7.2, AES-256 PRF (the one AEAD_AES_256_GCM uses)
    ['6188 cipher key', 'F0F04914B513F2763A1B1FA130F10E2998F6F6E43E4309D1E622A0E332B9F1B6', '3B04803DE51EE7C96423AB5B78D2',
      'rtpEncryption', '5BA1064E30EC51613CAD926C5A28EF731EC7FB397F70A960653CAF06554CD8C4'],
    ['6188 cipher salt', 'F0F04914B513F2763A1B1FA130F10E2998F6F6E43E4309D1E622A0E332B9F1B6', '3B04803DE51EE7C96423AB5B78D2',
      'rtpSalt', 'FA31791685CA444A9E07C6C64E93'],
    // 12-byte GCM master salt (libsrtp's GCM test material): left-aligned, two zero bytes after it
    ['GCM-128 rtp key', '000102030405060708090a0b0c0d0e0f', 'a0a1a2a3a4a5a6a7a8a9aaab', 'rtpEncryption',
      '077c6143cb221bc355ff23d5f984a16e'],
    ['GCM-128 rtp salt', '000102030405060708090a0b0c0d0e0f', 'a0a1a2a3a4a5a6a7a8a9aaab', 'rtpSalt', '9af3e95364ebac9c99c5a7c4'],
    ['GCM-128 rtcp key', '000102030405060708090a0b0c0d0e0f', 'a0a1a2a3a4a5a6a7a8a9aaab', 'rtcpEncryption',
      '615dcd9042600666f6fd4d9e4fe4519f'],
    ['GCM-128 rtcp salt', '000102030405060708090a0b0c0d0e0f', 'a0a1a2a3a4a5a6a7a8a9aaab', 'rtcpSalt', 'fcca937b9112a500dac72269'],
    ['GCM-256 rtp key', '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'a0a1a2a3a4a5a6a7a8a9aaab',
      'rtpEncryption', 'b7a435ce454463b760dc82c838468a115c699625af4b93a0f8220a2a6119c5d0'],
    ['GCM-256 rtp salt', '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'a0a1a2a3a4a5a6a7a8a9aaab',
      'rtpSalt', '944bd21c268a962cd09c674a'],
  ];
  for (const [name, masterKey, masterSalt, label, expected] of rows) {
    it(name, () => {
      const want = hex(expected);
      const got = new SrtpKdf(hex(masterKey), hex(masterSalt)).derive(label, want.length);
      assert.equal(got.toString('hex'), want.toString('hex'));
    });
  }
});

describe('RFC 7714 §16–§17: AEAD_AES_128_GCM and AEAD_AES_256_GCM', () => {
  // The vectors give session keys directly (no KDF); the same key serves RTP and RTCP.
  const key128 = hex('000102030405060708090a0b0c0d0e0f');
  const key256 = hex('000102030405060708090a0b0c0d0e0f 101112131415161718191a1b1c1d1e1f');
  const salt = hex('517569642070726f2071756f'); // "Quid pro quo"
  const transform = (suite: SrtpCryptoSuite, key: Buffer) =>
    createTransform(srtpProfileInfo(suite)!, {
      rtpKey: key, rtpSalt: salt, rtpAuthKey: Buffer.alloc(0),
      rtcpKey: key, rtcpSalt: salt, rtcpAuthKey: Buffer.alloc(0),
    });

  const rtp = hex(`
    8040f17b 8041f8d3 5501a0b2             V=2 PT=64 SEQ=0xf17b TS SSRC=0x5501a0b2
    47616c6c 69612065 7374206f 6d6e6973    "Gallia est omnis divisa in partes tres"
    20646976 69736120 696e2070 61727465
    73207472 6573`);
  const rtpSsrc = 0x5501a0b2;
  const rtpIndex = 0xf17b; // ROC 0
  const rtpRows: Array<[suite: SrtpCryptoSuite, key: Buffer, srtp: string]> = [
    // §16.1.1
    ['AEAD_AES_128_GCM', key128, `
      8040f17b 8041f8d3 5501a0b2             header (AAD)
      f24de3a3 fb34de6c acba861c 9d7e4bca    ciphertext
      be633bd5 0d294e6f 42a5f47a 51c7d19b
      36de3adf 8833
      899d7f27 beb16a91 52cf765e e4390cce    tag`],
    // §16.2.1
    ['AEAD_AES_256_GCM', key256, `
      8040f17b 8041f8d3 5501a0b2             header (AAD)
      32b1de78 a822fe12 ef9f78fa 332e33aa    ciphertext
      b1801238 9a58e2f3 b50b2a02 76ffae0f
      1ba63799 b87b
      7aa3db36 dfffd6b0 f9bb7878 d7a76c13    tag`],
  ];
  for (const [suite, key, srtp] of rtpRows) {
    it(`${suite} SRTP protect and unprotect`, () => {
      const t = transform(suite, key);
      assert.equal(t.protectRtp(rtp, 12, rtpSsrc, rtpIndex, rtp.length).toString('hex'), hex(srtp).toString('hex'));
      assert.equal(t.unprotectRtp(hex(srtp), 12, rtpSsrc, rtpIndex)?.toString('hex'), rtp.toString('hex'));
      const tampered = hex(srtp);
      tampered[20]! ^= 1;
      assert.equal(t.unprotectRtp(tampered, 12, rtpSsrc, rtpIndex), undefined);
    });
  }

  const rtcp = hex(`
    81c8000d 4d617273                      V=2 RC=1 PT=SR len=13 SSRC="Mars"
    4e545031 4e545032 52545020 0000042a    sender info
    0000e930 4c756e61 deadbeef deadbeef    report block
    deadbeef deadbeef deadbeef`);
  const rtcpSsrc = 0x4d617273;
  const rtcpIndex = 0x5d4;
  const rtcpRows: Array<[name: string, suite: SrtpCryptoSuite, key: Buffer, encrypt: boolean, srtcp: string]> = [
    ['§17.1 128 encrypted', 'AEAD_AES_128_GCM', key128, true, `
      81c8000d 4d617273                      header (AAD)
      63e94885 dcdab67c a727d766 2f6b7e99    ciphertext
      7ff5c0f7 6c06f32d c676a5f1 730d6fda
      4ce09b46 86303ded 0bb9275b c84aa458
      96cf4d2f c5abf872 45d9eade             tag
      800005d4                               E=1 index=0x5d4 (AAD)`],
    ['§17.2 256 encrypted', 'AEAD_AES_256_GCM', key256, true, `
      81c8000d 4d617273                      header (AAD)
      d50ae4d1 f5ce5d30 4ba297e4 7d470c28    ciphertext
      2c3ece5d bffe0a50 a2eaa5c1 110555be
      8415f658 c61de047 6f1b6fad 1d1eb30c
      4446839f 57ff6f6c b26ac3be             tag
      800005d4                               E=1 index=0x5d4 (AAD)`],
    ['§17.3 128 authenticated only', 'AEAD_AES_128_GCM', key128, false, `
      81c8000d 4d617273 4e545031 4e545032    whole packet in the clear (AAD)
      52545020 0000042a 0000e930 4c756e61
      deadbeef deadbeef deadbeef deadbeef
      deadbeef
      841dd968 3dd78ec9 2ae58790 125f62b3    tag
      000005d4                               E=0 index=0x5d4 (AAD)`],
    ['§17.4 256 authenticated only', 'AEAD_AES_256_GCM', key256, false, `
      81c8000d 4d617273 4e545031 4e545032    whole packet in the clear (AAD)
      52545020 0000042a 0000e930 4c756e61
      deadbeef deadbeef deadbeef deadbeef
      deadbeef
      91db4afb feee5a97 8fab4393 ed2615fe    tag
      000005d4                               E=0 index=0x5d4 (AAD)`],
  ];
  for (const [name, suite, key, encrypt, srtcp] of rtcpRows) {
    it(`${name} SRTCP protect and unprotect`, () => {
      const t = transform(suite, key);
      assert.equal(t.protectRtcp(rtcp, rtcpSsrc, rtcpIndex, encrypt).toString('hex'), hex(srtcp).toString('hex'));
      assert.equal(t.unprotectRtcp(hex(srtcp), rtcpSsrc, rtcpIndex, encrypt)?.toString('hex'), rtcp.toString('hex'));
      const tampered = hex(srtcp);
      tampered[tampered.length - 6]! ^= 0x80;
      assert.equal(t.unprotectRtcp(tampered, rtcpSsrc, rtcpIndex, encrypt), undefined);
    });
  }
});
