/**
 * Static files of the web app. URL paths are resolved inside the web root
 * only; a path that does not name a known file type gets index.html (the app
 * routes on the client, e.g. /room/abc).
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

export const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.wav': 'audio/wav',
};

export type StaticTarget =
  /** A file path inside the root (it may not exist). */
  | { kind: 'file'; path: string }
  /** Not a file name: serve index.html. */
  | { kind: 'app' }
  /** Malformed or escaping the root. */
  | { kind: 'bad' };

/** Where a URL path points inside `root`; pure (no file system access). */
export function resolveStaticPath(root: string, urlPath: string): StaticTarget {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0] ?? '');
  } catch {
    return { kind: 'bad' };
  }
  if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\')) return { kind: 'bad' };
  // Any ".." segment is refused outright rather than normalized away.
  if (decoded.split('/').some((segment) => segment === '..')) return { kind: 'bad' };
  const base = resolve(root);
  const full = resolve(base, `.${normalize(decoded)}`);
  if (full !== base && !full.startsWith(base + sep)) return { kind: 'bad' };
  const last = decoded.split('/').pop() ?? '';
  if (full === base || decoded.endsWith('/')) return { kind: 'app' };
  // Only known file types are files; anything else is an app route (room ids may contain dots).
  if (!Object.hasOwn(CONTENT_TYPES, extname(last).toLowerCase())) return { kind: 'app' };
  return { kind: 'file', path: full };
}

const MISSING_APP = `<!doctype html>
<html><head><meta charset="utf-8"><title>Consommé</title></head>
<body><h1>Consommé server</h1><p>The web app is not built. Run <code>npm run build</code> and reload.</p></body></html>
`;

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, head: boolean): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'x-content-type-options': 'nosniff' });
  res.end(head ? undefined : body);
}

function streamFile(res: ServerResponse, path: string, size: number, head: boolean, cache: string): void {
  const type = CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
  res.writeHead(200, { 'content-type': type, 'content-length': size, 'cache-control': cache, 'x-content-type-options': 'nosniff' });
  if (head) return void res.end();
  const stream = createReadStream(path);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

function fileSize(path: string): number | undefined {
  try {
    const stat = statSync(path);
    return stat.isFile() ? stat.size : undefined;
  } catch {
    return undefined;
  }
}

/** Serve a GET or HEAD for the web app from `root`. */
export function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): void {
  const head = req.method === 'HEAD';
  if (req.method !== 'GET' && !head) {
    res.setHeader('allow', 'GET, HEAD');
    return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n', head);
  }
  const target = resolveStaticPath(root, req.url ?? '/');
  if (target.kind === 'bad') return send(res, 400, 'text/plain; charset=utf-8', 'bad path\n', head);
  const index = join(root, 'index.html');
  if (target.kind === 'file') {
    const size = fileSize(target.path);
    // Vite names built assets by content hash: they can be cached for good.
    const cache = target.path.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache';
    if (size !== undefined) return streamFile(res, target.path, size, head, cache);
    return send(res, 404, 'text/plain; charset=utf-8', 'not found\n', head);
  }
  const indexSize = existsSync(index) ? fileSize(index) : undefined;
  if (indexSize === undefined) return send(res, 200, 'text/html; charset=utf-8', MISSING_APP, head);
  streamFile(res, index, indexSize, head, 'no-cache');
}
