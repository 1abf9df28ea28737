/**
 * The smallest useful app on Consommé: one room, everyone who opens the page
 * publishes camera and microphone and sees everyone else. Requests are HTTP
 * POSTs, server notifications are Server-Sent Events. The full conferencing
 * app (socket.io, rooms, chat, UI) is its own package later; this demo shows
 * the library with the unmodified mediasoup-client.
 *
 *   npm start            → http://127.0.0.1:3000
 *   HOST=0.0.0.0 ANNOUNCED_IP=192.168.1.10 RTC_PORT=44444 npm start   (other machines need HTTPS for the camera)
 *
 * All participants share one UDP and one TCP media port (a WebRtcServer).
 */
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as mediasoup from 'consomme';
import type { types } from 'consomme';

const here = dirname(fileURLToPath(import.meta.url));
const HOST = process.env.HOST ?? '127.0.0.1';
const PORT = Number(process.env.PORT ?? 3000);
const LISTEN_IP = process.env.LISTEN_IP ?? (HOST === '0.0.0.0' ? '0.0.0.0' : '127.0.0.1');
const ANNOUNCED_IP = process.env.ANNOUNCED_IP;

interface Peer {
  id: string;
  transports: Map<string, types.WebRtcTransport>;
  producers: Map<string, types.Producer>;
  consumers: Map<string, types.Consumer>;
  events: ServerResponse | undefined;
}

const worker = await mediasoup.createWorker({ logLevel: 'warn' });
worker.on('died', (error) => {
  console.error('media worker died:', error.message);
  process.exit(1);
});
const router = await worker.createRouter({
  mediaCodecs: [
    { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
    { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: { 'x-google-start-bitrate': 1000 } },
  ],
});
// One UDP and one TCP port for every participant (RTC_PORT, default: any free port in the worker's range).
const rtcPort = process.env.RTC_PORT ? Number(process.env.RTC_PORT) : undefined;
const rtcListen = { ip: LISTEN_IP, ...(ANNOUNCED_IP ? { announcedAddress: ANNOUNCED_IP } : {}), ...(rtcPort ? { port: rtcPort } : {}) };
const webRtcServer = await worker.createWebRtcServer({
  listenInfos: [
    { protocol: 'udp', ...rtcListen },
    { protocol: 'tcp', ...rtcListen },
  ],
});
const peers = new Map<string, Peer>();

const bundle = await build({
  entryPoints: [join(here, '..', 'node_modules', 'mediasoup-client', 'lib', 'index.js')],
  bundle: true,
  format: 'iife',
  globalName: 'mediasoupClient',
  platform: 'browser',
  target: 'es2020',
  write: false,
  logLevel: 'silent',
});
const clientJs = bundle.outputFiles[0]!.contents;
const pageHtml = readFileSync(join(here, 'index.html'));

function notify(peer: Peer, event: string, data: unknown): void {
  peer.events?.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

function leave(peer: Peer): void {
  for (const transport of peer.transports.values()) transport.close();
  peers.delete(peer.id);
  for (const other of peers.values()) notify(other, 'peerleft', { peerId: peer.id });
}

async function handle(peer: Peer, method: string, data: any): Promise<unknown> {
  switch (method) {
    case 'routerRtpCapabilities':
      return router.rtpCapabilities;
    case 'createTransport': {
      const transport = await router.createWebRtcTransport({ webRtcServer });
      peer.transports.set(transport.id, transport);
      return { id: transport.id, iceParameters: transport.iceParameters, iceCandidates: transport.iceCandidates, dtlsParameters: transport.dtlsParameters };
    }
    case 'connectTransport':
      await peer.transports.get(data.transportId)?.connect({ dtlsParameters: data.dtlsParameters });
      return {};
    case 'produce': {
      const transport = peer.transports.get(data.transportId);
      if (!transport) throw new Error('no such transport');
      const producer = await transport.produce({ kind: data.kind, rtpParameters: data.rtpParameters });
      peer.producers.set(producer.id, producer);
      for (const other of peers.values()) if (other !== peer) notify(other, 'newproducer', { peerId: peer.id, producerId: producer.id });
      return { id: producer.id };
    }
    case 'existingProducers':
      return [...peers.values()].filter((p) => p !== peer).flatMap((p) => [...p.producers.keys()].map((producerId) => ({ peerId: p.id, producerId })));
    case 'consume': {
      const transport = peer.transports.get(data.transportId);
      if (!transport) throw new Error('no such transport');
      if (!router.canConsume({ producerId: data.producerId, rtpCapabilities: data.rtpCapabilities })) throw new Error('cannot consume');
      const consumer = await transport.consume({ producerId: data.producerId, rtpCapabilities: data.rtpCapabilities, paused: true });
      peer.consumers.set(consumer.id, consumer);
      consumer.on('producerclose', () => notify(peer, 'consumerclosed', { consumerId: consumer.id }));
      return { id: consumer.id, producerId: consumer.producerId, kind: consumer.kind, rtpParameters: consumer.rtpParameters };
    }
    case 'resumeConsumer':
      await peer.consumers.get(data.consumerId)?.resume();
      return {};
    default:
      throw new Error(`unknown method ${method}`);
  }
}

function readJson(req: IncomingMessage): Promise<any> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
      if (body.length > 1_000_000) req.destroy();
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(body || '{}'));
      } catch (error) {
        reject(error);
      }
    });
  });
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/mediasoup-client.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(clientJs);
  if (url.pathname === '/events') {
    const peer: Peer = { id: crypto.randomUUID(), transports: new Map(), producers: new Map(), consumers: new Map(), events: res };
    peers.set(peer.id, peer);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    notify(peer, 'welcome', { peerId: peer.id });
    req.on('close', () => leave(peer));
    return;
  }
  if (url.pathname.startsWith('/api/') && req.method === 'POST') {
    const peer = peers.get(url.searchParams.get('peerId') ?? '');
    if (!peer) return void res.writeHead(404).end(JSON.stringify({ error: 'unknown peer' }));
    try {
      const result = await handle(peer, url.pathname.slice(5), await readJson(req));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
    } catch (error) {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(error) }));
    }
    return;
  }
  res.writeHead(200, { 'content-type': 'text/html' }).end(pageHtml);
});

server.listen(PORT, HOST, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : PORT;
  console.log(`Consommé demo on http://${HOST}:${port} (worker pid ${worker.pid})`);
});
const stop = (): void => {
  server.close();
  worker.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
