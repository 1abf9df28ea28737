import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { resolveStaticPath, serveStatic } from './static.js';

const root = resolve('/srv/web');

function rawGet(base: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const url = new URL(base);
    const req = request({ host: url.hostname, port: url.port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('resolveStaticPath', () => {
  test('files inside the root', () => {
    assert.deepEqual(resolveStaticPath(root, '/index.html'), { kind: 'file', path: join(root, 'index.html') });
    assert.deepEqual(resolveStaticPath(root, '/assets/app-1234.js?v=2'), { kind: 'file', path: join(root, 'assets', 'app-1234.js') });
    assert.deepEqual(resolveStaticPath(root, '/assets/a%20b.css'), { kind: 'file', path: join(root, 'assets', 'a b.css') });
    assert.deepEqual(resolveStaticPath(root, '//favicon.ico'), { kind: 'file', path: join(root, 'favicon.ico') });
  });

  test('app routes get index.html', () => {
    for (const url of ['/', '/room/abc', '/room/my.room', '/assets/', '/a/b/c/']) assert.deepEqual(resolveStaticPath(root, url), { kind: 'app' }, url);
  });

  test('traversal and malformed paths are refused', () => {
    for (const url of [
      '/../etc/passwd',
      '/assets/../../etc/passwd',
      '/%2e%2e/etc/passwd.txt',
      '/%2e%2e%2fetc%2fpasswd.txt',
      '/..%5c..%5cwindows.ini',
      '/a\\..\\b.js',
      '/x.js%00.html',
      '/%E0%A4%A',
      'index.html',
      'http://evil/x.js',
      '/..',
    ]) {
      assert.deepEqual(resolveStaticPath(root, url), { kind: 'bad' }, url);
    }
  });
});

describe('serveStatic', () => {
  // The web root sits in a parent holding a secret that traversal must not reach.
  const parent = mkdtempSync(join(tmpdir(), 'consomme-web-'));
  const dir = join(parent, 'web');
  let server: Server;
  let base = '';

  before(async () => {
    mkdirSync(join(dir, 'assets'), { recursive: true });
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>app</title>');
    writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(dir, 'style.css'), 'body{}');
    writeFileSync(join(parent, 'consomme-secret.txt'), 'secret');
    server = createServer((req, res) => serveStatic(dir, req, res));
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  after(async () => {
    await new Promise((done) => server.close(done));
    rmSync(parent, { recursive: true, force: true });
  });

  test('content types, fallback, 404, 405, traversal', async () => {
    let r = await fetch(`${base}/assets/app.js`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(await r.text(), 'console.log(1)');
    r = await fetch(`${base}/style.css`);
    assert.equal(r.headers.get('content-type'), 'text/css; charset=utf-8');
    await r.text();
    r = await fetch(`${base}/room/standup`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(await r.text(), '<!doctype html><title>app</title>');
    r = await fetch(`${base}/missing.js`);
    assert.equal(r.status, 404);
    await r.text();
    r = await fetch(`${base}/`, { method: 'POST' });
    assert.equal(r.status, 405);
    await r.text();
    // fetch() would normalize the dots away; send the raw path.
    for (const path of ['/%2e%2e/consomme-secret.txt', '/../consomme-secret.txt', '/assets/..%2f..%2fconsomme-secret.txt']) {
      const raw = await rawGet(base, path);
      assert.equal(raw.status, 400, path);
      assert.doesNotMatch(raw.body, /secret/);
    }
  });

  test('without a built app, a page says to build it', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'consomme-empty-'));
    const s = createServer((req, res) => serveStatic(empty, req, res));
    await new Promise<void>((done) => s.listen(0, '127.0.0.1', done));
    try {
      const address = s.address();
      const r = await fetch(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`);
      assert.equal(r.status, 200);
      assert.match(await r.text(), /npm run build/);
    } finally {
      await new Promise((done) => s.close(done));
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
