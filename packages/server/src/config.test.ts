import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ConfigError, loadConfig, resolveConfig } from './config.js';

const dir = mkdtempSync(join(tmpdir(), 'consomme-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

function throwsNaming(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    assert.match(error.message, pattern);
    return true;
  });
}

describe('config', () => {
  test('defaults', () => {
    const c = loadConfig({});
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.port, 3000);
    assert.equal(c.tls, undefined);
    assert.equal(c.numWorkers, availableParallelism());
    assert.deepEqual(c.rtc, {
      listenIp: '127.0.0.1',
      useWebRtcServer: true,
      webRtcServerPort: 40000,
      minPort: 40100,
      maxPort: 49999,
      initialAvailableOutgoingBitrate: 1_000_000,
    });
    assert.deepEqual(c.iceServers, []);
    assert.equal(c.roomSecret, undefined);
    assert.deepEqual(c.limits, { maxPeersPerRoom: 16, maxMessageBytes: 65536, requestsPerSecond: 40, reconnectGraceMs: 15000 });
    assert.equal(c.logLevel, 'info');
    assert.match(c.webRoot, /packages[/\\]web[/\\]dist$/);
  });

  test('environment variables override defaults, with type conversion', () => {
    const c = loadConfig({
      HOST: '0.0.0.0',
      PORT: '0',
      NUM_WORKERS: '3',
      RTC_LISTEN_IP: '0.0.0.0',
      RTC_ANNOUNCED_IP: '203.0.113.10',
      RTC_USE_WEBRTC_SERVER: 'false',
      RTC_PORT: '44444',
      RTC_MIN_PORT: '50000',
      RTC_MAX_PORT: '50100',
      ICE_SERVERS: '[{"urls":"turn:turn.example.org","username":"u","credential":"p"}]',
      ROOM_SECRET: 's3cret',
      MAX_PEERS_PER_ROOM: '4',
      MAX_MESSAGE_BYTES: '1024',
      MAX_REQUESTS_PER_SECOND: '2.5',
      RECONNECT_GRACE_MS: '100',
      LOG_LEVEL: 'warn',
      WEB_ROOT: '/srv/web',
    });
    assert.equal(c.host, '0.0.0.0');
    assert.equal(c.port, 0);
    assert.equal(c.numWorkers, 3);
    assert.deepEqual(c.rtc, {
      listenIp: '0.0.0.0',
      announcedAddress: '203.0.113.10',
      useWebRtcServer: false,
      webRtcServerPort: 44444,
      minPort: 50000,
      maxPort: 50100,
      initialAvailableOutgoingBitrate: 1_000_000,
    });
    assert.deepEqual(c.iceServers, [{ urls: 'turn:turn.example.org', username: 'u', credential: 'p' }]);
    assert.equal(c.roomSecret, 's3cret');
    assert.deepEqual(c.limits, { maxPeersPerRoom: 4, maxMessageBytes: 1024, requestsPerSecond: 2.5, reconnectGraceMs: 100 });
    assert.equal(c.logLevel, 'warn');
    assert.equal(c.webRoot, '/srv/web');
  });

  test('a JSON file named by CONSOMME_CONFIG, with env winning over it', () => {
    const path = file('a.json', { port: 4000, rtc: { webRtcServerPort: 41000, minPort: 41100 }, limits: { maxPeersPerRoom: 8 }, roomSecret: 'file' });
    const c = loadConfig({ CONSOMME_CONFIG: path, PORT: '5000', MAX_PEERS_PER_ROOM: '9' });
    assert.equal(c.port, 5000);
    assert.equal(c.rtc.webRtcServerPort, 41000);
    assert.equal(c.rtc.minPort, 41100);
    assert.equal(c.rtc.maxPort, 49999);
    assert.equal(c.limits.maxPeersPerRoom, 9);
    assert.equal(c.limits.maxMessageBytes, 65536);
    assert.equal(c.roomSecret, 'file');
  });

  test('overrides in code win over env; resolveConfig ignores the environment', () => {
    assert.equal(loadConfig({ PORT: '5000' }, { port: 0 }).port, 0);
    const c = resolveConfig({ port: 0, rtc: { webRtcServerPort: 0 }, numWorkers: 1 });
    assert.equal(c.port, 0);
    assert.equal(c.rtc.webRtcServerPort, 0);
    assert.equal(c.rtc.listenIp, '127.0.0.1');
    assert.equal(c.numWorkers, 1);
  });

  test('bad values fail with the variable named', () => {
    throwsNaming(() => loadConfig({ PORT: 'abc' }), /^PORT: expected an integer/);
    throwsNaming(() => loadConfig({ PORT: '70000' }), /PORT: .*65535/);
    throwsNaming(() => loadConfig({ NUM_WORKERS: '0' }), /NUM_WORKERS: /);
    throwsNaming(() => loadConfig({ NUM_WORKERS: '1.5' }), /NUM_WORKERS: expected an integer/);
    throwsNaming(() => loadConfig({ RTC_USE_WEBRTC_SERVER: 'maybe' }), /RTC_USE_WEBRTC_SERVER: expected true or false/);
    throwsNaming(() => loadConfig({ RTC_LISTEN_IP: 'localhost' }), /RTC_LISTEN_IP: /);
    throwsNaming(() => loadConfig({ ICE_SERVERS: '[{' }), /ICE_SERVERS: expected JSON/);
    throwsNaming(() => loadConfig({ ICE_SERVERS: '[{"username":"x"}]' }), /ICE_SERVERS \(iceServers\.0\.urls\): /);
    throwsNaming(() => loadConfig({ LOG_LEVEL: 'loud' }), /LOG_LEVEL: /);
    throwsNaming(() => loadConfig({ RTC_MIN_PORT: '45000', RTC_MAX_PORT: '44000' }), /RTC_MIN_PORT: minPort must not exceed maxPort/);
    throwsNaming(() => loadConfig({ TLS_CERT: '/x/cert.pem' }), /TLS_CERT and TLS_KEY must be set together/);
    throwsNaming(() => loadConfig({ TLS_CERT: '/nonexistent/c.pem', TLS_KEY: '/nonexistent/k.pem' }), /TLS_CERT\/TLS_KEY: file not found/);
  });

  test('bad files fail with the file named', () => {
    throwsNaming(() => loadConfig({ CONSOMME_CONFIG: join(dir, 'missing.json') }), /CONSOMME_CONFIG: cannot read/);
    throwsNaming(() => loadConfig({ CONSOMME_CONFIG: file('bad.json', '{ nope') }), /CONSOMME_CONFIG: .* is not valid JSON/);
    throwsNaming(() => loadConfig({ CONSOMME_CONFIG: file('array.json', [1]) }), /must hold a JSON object/);
    const path = file('wrong.json', { limits: { maxPeersPerRoom: 'many' } });
    throwsNaming(() => loadConfig({ CONSOMME_CONFIG: path }), new RegExp(`limits\\.maxPeersPerRoom in ${path.replace(/[.\\/]/g, '\\$&')}: `));
  });
});
