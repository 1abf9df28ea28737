/**
 * Notifications about a consumer that the worker sends before the API has
 * processed the consume() reply are not lost (compare mediasoup issue #510).
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { SEED_CODECS, WorkerPool, opusRtpParameters } from './helpers.js';

const pool = new WorkerPool();
after(() => pool.closeAll());

test('producer.pause() and producer.close() racing consume() reach the consumer', { timeout: 20_000 }, async () => {
  const worker = await pool.create({ rtcMinPort: 46100, rtcMaxPort: 46199 });
  const router = await worker.createRouter({ mediaCodecs: SEED_CODECS });
  const t1 = await router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] });
  const t2 = await router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] });
  for (let i = 0; i < 5; i++) {
    const paused = await t1.produce({ kind: 'audio', rtpParameters: opusRtpParameters(1000 + i, `p${i}`) });
    const consuming = t2.consume({ producerId: paused.id, rtpCapabilities: router.rtpCapabilities });
    const pausing = paused.pause();
    const consumer = await consuming;
    await pausing;
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(consumer.producerPaused, true, `run ${i}: the consumer knows its producer is paused`);

    const closing = await t1.produce({ kind: 'audio', rtpParameters: opusRtpParameters(2000 + i, `c${i}`) });
    const consuming2 = t2.consume({ producerId: closing.id, rtpCapabilities: router.rtpCapabilities });
    closing.close();
    const consumer2 = await consuming2;
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(consumer2.closed, true, `run ${i}: the consumer of a closed producer is closed`);
  }
});
