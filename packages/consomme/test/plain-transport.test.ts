/** PlainTransport options, properties and connect() validation, with a real worker. */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { SEED_CODECS, WorkerPool } from './helpers.js';

const pool = new WorkerPool();
after(() => pool.closeAll());

test('PlainTransport options, tuples and connect() errors', { timeout: 30_000 }, async () => {
  const worker = await pool.create({ rtcMinPort: 46800, rtcMaxPort: 46899 });
  const router = await worker.createRouter({ mediaCodecs: SEED_CODECS });

  const legacy = await router.createPlainTransport({ listenIp: { ip: '127.0.0.1', announcedIp: '203.0.113.7' } });
  assert.equal(legacy.tuple.localAddress, '203.0.113.7');
  assert.ok(legacy.tuple.localPort >= 46800 && legacy.tuple.localPort <= 46899);
  assert.equal(legacy.rtcpMux, true);
  assert.equal(legacy.comedia, false);
  assert.equal(legacy.rtcpTuple, undefined);
  assert.equal(legacy.srtpParameters, undefined);
  await assert.rejects(legacy.connect({}), /missing ip or port/);
  await legacy.connect({ ip: '127.0.0.1', port: 5004 });
  assert.equal(legacy.tuple.remoteIp, '127.0.0.1');
  assert.equal(legacy.tuple.remotePort, 5004);
  await assert.rejects(legacy.connect({ ip: '127.0.0.1', port: 5004 }), /already called/);

  const split = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: false });
  assert.ok(split.rtcpTuple && split.rtcpTuple.localPort !== split.tuple.localPort);
  await assert.rejects(split.connect({ ip: '127.0.0.1', port: 5006 }), /missing rtcpPort/);

  const srtp = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, enableSrtp: true, srtpCryptoSuite: 'AEAD_AES_256_GCM' });
  assert.equal(srtp.srtpParameters?.cryptoSuite, 'AEAD_AES_256_GCM');
  assert.equal(Buffer.from(srtp.srtpParameters!.keyBase64, 'base64').length, 44);
  await assert.rejects(srtp.connect({ ip: '127.0.0.1', port: 5008 }), /missing srtpParameters/);
  await assert.rejects(
    srtp.connect({ ip: '127.0.0.1', port: 5008, srtpParameters: { cryptoSuite: 'AEAD_AES_256_GCM', keyBase64: 'c2hvcnQ=' } }),
    /keyBase64 length/,
  );

  await assert.rejects(router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: 'not-an-ip' } }), TypeError);
  await assert.rejects(router.createPlainTransport({ listenInfo: { protocol: 'tcp', ip: '127.0.0.1' } }), TypeError);
  await assert.rejects(router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, enableSctp: true }), (e: Error) => e.name === 'UnsupportedError');
  await assert.rejects(router.createPlainTransport({} as never), TypeError);
  await assert.rejects(legacy.produceData(), (e: Error) => e.name === 'UnsupportedError');

  const closed = new Promise<void>((resolve) => split.observer.once('close', () => resolve()));
  router.close();
  await closed;
  assert.equal(split.closed, true);
});
