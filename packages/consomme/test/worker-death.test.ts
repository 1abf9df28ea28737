/**
 * A worker process killed from outside: its objects close with the
 * documented events, the application process carries on, and the other
 * workers are untouched (mediasoup v3: Worker 'died', Router 'workerclose',
 * Transport 'routerclose').
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import * as mediasoup from 'consomme';
import { SEED_CODECS, WorkerPool, countEvents, isAlive, opusRtpParameters, udpPortFree, waitEvent, waitUntil } from './helpers.js';

const pool = new WorkerPool();
after(() => pool.closeAll());

const PORTS = { rtcMinPort: 22000, rtcMaxPort: 22999 };
const LISTEN: mediasoup.types.TransportListenInfo[] = [{ protocol: 'udp', ip: '127.0.0.1' }];

describe('worker killed with SIGKILL', { timeout: 60_000 }, () => {
  test("'died', then every object of that worker is closed; the second worker keeps working", async () => {
    const first = await pool.create(PORTS);
    const second = await pool.create(PORTS);
    const router = await first.createRouter({ mediaCodecs: SEED_CODECS });
    const transport = await router.createWebRtcTransport({ listenInfos: LISTEN });
    const producer = await transport.produce({ kind: 'audio', rtpParameters: opusRtpParameters() });
    const recvTransport = await router.createWebRtcTransport({ listenInfos: LISTEN });
    const consumer = await recvTransport.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
    const port = transport.iceCandidates[0]!.port;

    const died = waitEvent(first, 'died', 10_000);
    const subprocessClose = waitEvent(first, 'subprocessclose', 10_000);
    const workerObserverClose = countEvents(first.observer, 'close');
    const workerClose = countEvents(router, 'workerclose');
    const routerObserverClose = countEvents(router.observer, 'close');
    const routerClose = countEvents(transport, 'routerclose');
    const recvRouterClose = countEvents(recvTransport, 'routerclose');
    const transportObserverClose = countEvents(transport.observer, 'close');
    const producerTransportClose = countEvents(producer, 'transportclose');
    const consumerTransportClose = countEvents(consumer, 'transportclose');
    const secondDied = countEvents(second, 'died');

    const pid = first.pid;
    process.kill(pid, 'SIGKILL');

    const [error] = await died;
    assert.ok(error instanceof Error, "'died' carries an Error");
    assert.match(error.message, /SIGKILL|died/);
    assert.equal(first.died, true);
    assert.equal(first.closed, true);
    assert.equal(workerObserverClose.count, 1);

    assert.equal(router.closed, true);
    assert.equal(workerClose.count, 1, "router 'workerclose' once");
    assert.equal(routerObserverClose.count, 1);

    for (const t of [transport, recvTransport]) {
      assert.equal(t.closed, true);
      assert.equal(t.iceState, 'closed');
      assert.equal(t.dtlsState, 'closed');
    }
    assert.equal(routerClose.count, 1, "transport 'routerclose' once");
    assert.equal(recvRouterClose.count, 1);
    assert.equal(transportObserverClose.count, 1);
    assert.equal(producer.closed, true);
    assert.equal(producerTransportClose.count, 1);
    assert.equal(consumer.closed, true);
    assert.equal(consumerTransportClose.count, 1);

    await subprocessClose;
    assert.equal(first.subprocessClosed, true);
    await waitUntil(() => !isAlive(pid), 5_000, 'the killed process is reaped');
    // Its sockets went with it.
    await waitUntil(() => udpPortFree(port), 5_000, `UDP port ${port} is free again`);

    // The dead worker refuses work; close() on it is a no-op.
    await assert.rejects(first.createRouter({ mediaCodecs: SEED_CODECS }), mediasoup.InvalidStateError);
    await assert.rejects(first.getResourceUsage(), mediasoup.InvalidStateError);
    await assert.rejects(router.createWebRtcTransport({ listenInfos: LISTEN }), mediasoup.InvalidStateError);
    await assert.rejects(transport.produce({ kind: 'audio', rtpParameters: opusRtpParameters(2222) }), mediasoup.InvalidStateError);
    first.close();
    transport.close();
    router.close();
    assert.equal(workerObserverClose.count, 1);
    assert.equal(routerObserverClose.count, 1);
    assert.equal(transportObserverClose.count, 1);

    // This process is still here, and the other worker is unaffected.
    assert.ok(isAlive(process.pid));
    assert.equal(second.closed, false);
    assert.equal(second.died, false);
    assert.equal(secondDied.count, 0);
    assert.ok(isAlive(second.pid));
    const router2 = await second.createRouter({ mediaCodecs: SEED_CODECS });
    const transport2 = await router2.createWebRtcTransport({ listenInfos: LISTEN });
    assert.equal(transport2.iceCandidates.length, 1);
    assert.equal(transport2.iceCandidates[0]!.address, '127.0.0.1');
    assert.equal(transport2.iceState, 'new');
    const producer2 = await transport2.produce({ kind: 'audio', rtpParameters: opusRtpParameters() });
    assert.equal(producer2.closed, false);
    await second.getResourceUsage();
    second.close();
  });

  test('a worker killed with no routers still emits died, once', async () => {
    const worker = await pool.create(PORTS);
    const died = countEvents(worker, 'died');
    const subprocessClose = waitEvent(worker, 'subprocessclose', 10_000);
    process.kill(worker.pid, 'SIGKILL');
    await subprocessClose;
    assert.equal(died.count, 1);
    assert.equal(worker.died, true);
    assert.equal(worker.closed, true);
  });

  test('SIGTERM from outside is a death too (the application did not close it)', async () => {
    const worker = await pool.create(PORTS);
    const router = await worker.createRouter({ mediaCodecs: SEED_CODECS });
    const died = waitEvent(worker, 'died', 10_000);
    process.kill(worker.pid, 'SIGTERM');
    const [error] = await died;
    assert.ok(error instanceof Error);
    assert.equal(worker.died, true);
    assert.equal(router.closed, true);
  });

  test("a throwing 'died' listener does not break the process or the other objects", async () => {
    const worker = await pool.create(PORTS);
    const router = await worker.createRouter({ mediaCodecs: SEED_CODECS });
    worker.on('died', () => {
      throw new Error('listener bug');
    });
    const listenerError = waitEvent(worker, 'listenererror', 10_000);
    process.kill(worker.pid, 'SIGKILL');
    const [eventName, error] = await listenerError;
    assert.equal(eventName, 'died');
    assert.ok(error instanceof Error);
    assert.equal(router.closed, true);
    assert.equal(worker.closed, true);
  });
});
