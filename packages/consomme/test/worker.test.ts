/**
 * Worker lifecycle and settings, as the mediasoup v3 API documents them:
 * https://mediasoup.org/documentation/v3/mediasoup/api/#Worker
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import * as mediasoup from 'consomme';
import { SEED_CODECS, WorkerPool, countEvents, isAlive, waitEvent, waitUntil } from './helpers.js';

const pool = new WorkerPool();
after(() => pool.closeAll());

// A range of its own so that other suites running at the same time do not collide.
const PORTS = { rtcMinPort: 21000, rtcMaxPort: 21999 };

describe('createWorker', { timeout: 60_000 }, () => {
  test('defaults: a live child process, open, empty appData', async () => {
    const worker = await pool.create(PORTS);
    assert.ok(Number.isInteger(worker.pid) && worker.pid > 0);
    assert.notEqual(worker.pid, process.pid);
    assert.ok(isAlive(worker.pid), 'the worker process exists');
    assert.equal(worker.closed, false);
    assert.equal(worker.died, false);
    assert.equal(worker.subprocessClosed, false);
    assert.deepEqual(worker.appData, {});
    worker.close();
  });

  test('with no settings at all', async () => {
    const worker = await pool.create();
    assert.equal(worker.closed, false);
    worker.close();
  });

  test('settings: logLevel, logTags, port range and appData are honoured', async () => {
    const appData = { room: 'r1', n: 1 };
    const worker = await pool.create({
      logLevel: 'warn',
      logTags: ['info', 'ice', 'dtls'],
      rtcMinPort: 21500,
      rtcMaxPort: 21509,
      appData,
    });
    assert.deepEqual(worker.appData, { room: 'r1', n: 1 });
    worker.appData = { other: true };
    assert.deepEqual(worker.appData, { other: true });

    // The port range shows in the candidates of transports that do not pick a port.
    const router = await worker.createRouter({ mediaCodecs: SEED_CODECS });
    for (let i = 0; i < 3; i++) {
      const transport = await router.createWebRtcTransport({
        listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }, { protocol: 'tcp', ip: '127.0.0.1' }],
      });
      for (const candidate of transport.iceCandidates) {
        assert.ok(candidate.port >= 21500 && candidate.port <= 21509, `port ${candidate.port} in [21500, 21509]`);
      }
    }
    worker.close();
  });

  test('a one-port range: the second transport finds no free port', async () => {
    const worker = await pool.create({ rtcMinPort: 21600, rtcMaxPort: 21600 });
    const router = await worker.createRouter({ mediaCodecs: SEED_CODECS });
    const first = await router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] });
    assert.equal(first.iceCandidates[0]!.port, 21600);
    await assert.rejects(router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] }), Error);
    // The failed attempt must not leave the router unusable.
    first.close();
    await waitUntil(async () => {
      try {
        const again = await router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] });
        return again.iceCandidates[0]!.port === 21600;
      } catch {
        return false;
      }
    }, 5_000, 'port 21600 is reusable');
    worker.close();
  });

  const invalid: [string, mediasoup.types.WorkerSettings][] = [
    ['unknown logLevel', { logLevel: 'chatty' as never }],
    ['unknown log tag', { logTags: ['info', 'nope' as never] }],
    ['logTags not an array', { logTags: 'ice' as never }],
    ['rtcMinPort > rtcMaxPort', { rtcMinPort: 30000, rtcMaxPort: 20000 }],
    ['rtcMinPort 0', { rtcMinPort: 0 }],
    ['rtcMaxPort above 65535', { rtcMaxPort: 70000 }],
    ['non-integer port', { rtcMinPort: 1000.5 }],
    ['certificate without key', { dtlsCertificateFile: '/tmp/c.pem' }],
    ['key without certificate', { dtlsPrivateKeyFile: '/tmp/k.pem' }],
    ['appData not an object', { appData: 'x' as never }],
  ];
  for (const [name, settings] of invalid) {
    test(`rejects with TypeError: ${name}, and starts no worker`, async () => {
      let started = 0;
      const onNewWorker = (): void => {
        started++;
      };
      mediasoup.observer.on('newworker', onNewWorker);
      try {
        await assert.rejects(mediasoup.createWorker(settings), TypeError);
        assert.equal(started, 0);
      } finally {
        mediasoup.observer.off('newworker', onNewWorker);
      }
    });
  }

  test("observer 'newworker' gets the worker createWorker resolves with", async () => {
    const seen: unknown[] = [];
    const onNewWorker = (w: unknown): void => {
      seen.push(w);
    };
    mediasoup.observer.on('newworker', onNewWorker);
    try {
      const worker = await pool.create(PORTS);
      assert.equal(seen.length, 1);
      assert.equal(seen[0], worker);
      worker.close();
    } finally {
      mediasoup.observer.off('newworker', onNewWorker);
    }
  });
});

describe('Worker methods', { timeout: 60_000 }, () => {
  test('getResourceUsage() returns the getrusage fields as numbers', async () => {
    const worker = await pool.create(PORTS);
    const usage = await worker.getResourceUsage();
    const fields = [
      'ru_utime', 'ru_stime', 'ru_maxrss', 'ru_ixrss', 'ru_idrss', 'ru_isrss', 'ru_minflt', 'ru_majflt',
      'ru_nswap', 'ru_inblock', 'ru_oublock', 'ru_msgsnd', 'ru_msgrcv', 'ru_nsignals', 'ru_nvcsw', 'ru_nivcsw',
    ] as const;
    for (const field of fields) {
      const value = usage[field];
      assert.equal(typeof value, 'number', field);
      assert.ok(Number.isFinite(value) && value >= 0, `${field} = ${value}`);
    }
    // Starting Node costs CPU time and memory: zeros would mean made-up numbers.
    assert.ok(usage.ru_utime + usage.ru_stime > 0, 'some CPU time was used');
    assert.ok(usage.ru_maxrss > 0, 'some memory is resident');
    worker.close();
  });

  test('updateSettings() accepts valid settings and rejects invalid ones with TypeError', async () => {
    const worker = await pool.create(PORTS);
    await worker.updateSettings({ logLevel: 'debug', logTags: ['ice', 'dtls'] });
    await worker.updateSettings({ logLevel: 'none' });
    await worker.updateSettings({ logTags: [] });
    await worker.updateSettings({});
    await worker.updateSettings();
    await assert.rejects(worker.updateSettings({ logLevel: 'loud' as never }), TypeError);
    await assert.rejects(worker.updateSettings({ logTags: ['bogus' as never] }), TypeError);
    await assert.rejects(worker.updateSettings({ logTags: 'ice' as never }), TypeError);
    // Still answering after the rejected calls.
    await worker.getResourceUsage();
    worker.close();
  });

  test('dump() answers while open', async () => {
    const worker = await pool.create(PORTS);
    assert.ok(await worker.dump());
    worker.close();
  });

  test("close(): idempotent, observer 'close' once, routers 'workerclose', then 'subprocessclose'", async () => {
    const worker = await pool.create(PORTS);
    const pid = worker.pid;
    const router = await worker.createRouter({ mediaCodecs: SEED_CODECS });
    const observerClose = countEvents(worker.observer, 'close');
    const died = countEvents(worker, 'died');
    const workerClose = countEvents(router, 'workerclose');
    const subprocessClose = waitEvent(worker, 'subprocessclose', 10_000);

    worker.close();
    assert.equal(worker.closed, true);
    assert.equal(worker.died, false);
    assert.equal(observerClose.count, 1);
    assert.equal(router.closed, true);
    assert.equal(workerClose.count, 1);

    worker.close();
    assert.equal(observerClose.count, 1, 'a second close() emits nothing');

    await subprocessClose;
    assert.equal(worker.subprocessClosed, true);
    assert.equal(died.count, 0, "close() is not a death: no 'died'");
    await waitUntil(() => !isAlive(pid), 5_000, 'the worker process is gone');
  });

  test('methods after close() fail with InvalidStateError', async () => {
    const worker = await pool.create(PORTS);
    worker.close();
    await assert.rejects(worker.createRouter({ mediaCodecs: SEED_CODECS }), mediasoup.InvalidStateError);
    await assert.rejects(worker.getResourceUsage(), mediasoup.InvalidStateError);
    await assert.rejects(worker.updateSettings({ logLevel: 'warn' }), mediasoup.InvalidStateError);
    await assert.rejects(worker.dump(), mediasoup.InvalidStateError);
  });

  test('close() rejects the requests still in flight with InvalidStateError', async () => {
    const worker = await pool.create(PORTS);
    const pending = [worker.createRouter({ mediaCodecs: SEED_CODECS }), worker.getResourceUsage(), worker.dump()];
    worker.close();
    for (const p of pending) await assert.rejects(p, mediasoup.InvalidStateError);
  });

  test("worker.observer 'newrouter' and createRouter appData", async () => {
    const worker = await pool.create(PORTS);
    const newRouter = waitEvent(worker.observer, 'newrouter');
    const router = await worker.createRouter({ mediaCodecs: SEED_CODECS, appData: { a: 1 } });
    const [announced] = await newRouter;
    assert.equal(announced, router);
    assert.deepEqual(router.appData, { a: 1 });
    await assert.rejects(worker.createRouter({ appData: 'nope' as never }), TypeError);
    worker.close();
  });
});

describe('module exports', () => {
  test('version is the package version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    assert.equal(typeof mediasoup.version, 'string');
    assert.equal(mediasoup.version, pkg.version);
  });

  test('getSupportedRtpCapabilities() returns a fresh deep copy on each call', () => {
    const a = mediasoup.getSupportedRtpCapabilities();
    const b = mediasoup.getSupportedRtpCapabilities();
    assert.notEqual(a, b);
    assert.deepEqual(a, b);
    assert.ok(a.codecs && a.codecs.length > 0);
    assert.ok(a.headerExtensions && a.headerExtensions.length > 0);
    assert.notEqual(a.codecs, b.codecs);
    assert.notEqual(a.codecs[0], b.codecs![0]);
    assert.ok(a.codecs.some((c) => c.mimeType.toLowerCase() === 'audio/opus'));
    assert.ok(a.codecs.some((c) => c.mimeType.toLowerCase() === 'video/vp8'));

    // Mutating a returned copy must not leak into the next one.
    a.codecs[0]!.mimeType = 'audio/mutated';
    a.codecs[0]!.parameters = { mutated: 1 };
    a.codecs.pop();
    a.headerExtensions.length = 0;
    const c = mediasoup.getSupportedRtpCapabilities();
    assert.deepEqual(c, b);
  });

  test('error classes are exported', () => {
    const unsupported = new mediasoup.UnsupportedError('x');
    const invalid = new mediasoup.InvalidStateError('y');
    assert.ok(unsupported instanceof Error);
    assert.ok(invalid instanceof Error);
    assert.equal(unsupported.name, 'UnsupportedError');
    assert.equal(invalid.name, 'InvalidStateError');
  });
});
