/**
 * The media worker process: one event loop that owns its sockets. It takes
 * requests from the API process over the IPC channel and sends notifications
 * back. Started by api/worker.ts with child_process.fork().
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { ChannelRequest, WorkerSpawnSettings, WorkerToMain } from '../channel/messages.js';
import { WORKER_SETTINGS_ENV } from '../channel/messages.js';
import { generateDtlsCertificate, loadDtlsCertificate, type DtlsCertificate } from '../wire/dtls/certificate.js';
import type { RequestHandler, WorkerContext } from './context.js';
import { Logger } from './logger.js';
import { WorkerRouter } from './router.js';
import { WorkerWebRtcServer, type WebRtcServerInit } from './webrtc-server.js';

function send(msg: WorkerToMain): void {
  if (process.connected) process.send?.(msg);
}

function errorPayload(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

async function start(): Promise<void> {
  const raw = process.env[WORKER_SETTINGS_ENV];
  if (!raw) throw new Error(`missing ${WORKER_SETTINGS_ENV}`);
  const settings = JSON.parse(raw) as WorkerSpawnSettings;
  const logger = new Logger(settings.logLevel, settings.logTags, (level, message) => send({ kind: 'log', level, message }));

  let certificate: DtlsCertificate;
  if (settings.dtlsCertificateFile && settings.dtlsPrivateKeyFile) {
    // Read here once so a bad path fails the worker start with a clear error.
    readFileSync(settings.dtlsCertificateFile);
    certificate = await loadDtlsCertificate(settings.dtlsCertificateFile, settings.dtlsPrivateKeyFile);
  } else {
    certificate = await generateDtlsCertificate();
  }

  const handlers = new Map<string, RequestHandler>();
  const routers = new Map<string, WorkerRouter>();
  const webRtcServers = new Map<string, WorkerWebRtcServer>();
  const ctx: WorkerContext = {
    logger,
    certificate,
    portRange: { min: settings.rtcMinPort, max: settings.rtcMaxPort },
    register: (id, handler) => handlers.set(id, handler),
    unregister: (id) => handlers.delete(id),
    notify: (targetId, event, data) => send({ kind: 'notification', targetId, event, data }),
    now: () => performance.now(),
    getWebRtcServer: (id) => webRtcServers.get(id),
    wants: (tag) => logger.enabled('debug', tag),
  };

  const workerHandler: RequestHandler = {
    handleRequest(method: string, data: unknown): unknown {
      switch (method) {
        case 'worker.getResourceUsage':
          return resourceUsage();
        case 'worker.updateSettings': {
          const s = data as { logLevel?: WorkerSpawnSettings['logLevel']; logTags?: WorkerSpawnSettings['logTags'] };
          logger.update(s.logLevel, s.logTags);
          return undefined;
        }
        case 'worker.createRouter': {
          const { routerId } = data as { routerId: string };
          if (routers.has(routerId)) throw new Error(`router ${routerId} already exists`);
          const router = new WorkerRouter(routerId, ctx, () => routers.delete(routerId));
          routers.set(routerId, router);
          return undefined;
        }
        case 'worker.createWebRtcServer': {
          const init = data as WebRtcServerInit;
          if (webRtcServers.has(init.webRtcServerId)) throw new Error(`webRtcServer ${init.webRtcServerId} already exists`);
          return WorkerWebRtcServer.create(init, ctx, () => webRtcServers.delete(init.webRtcServerId)).then((server) => {
            webRtcServers.set(server.id, server);
            return { candidates: server.candidates };
          });
        }
        case 'worker.dump':
          return { pid: process.pid, routerIds: [...routers.keys()] };
        default:
          throw new TypeError(`unknown method '${method}'`);
      }
    },
  };

  process.on('message', (msg: ChannelRequest) => {
    if (msg?.kind !== 'request') return;
    const handler = msg.handlerId === '' ? workerHandler : handlers.get(msg.handlerId);
    // id 0: a fire-and-forget request; errors are logged, nothing is answered.
    const fail = (error: unknown): void => {
      if (msg.id === 0) logger.warn('message', `request failed [method:${msg.method}]: ${errorPayload(error).message}`);
      else send({ kind: 'response', id: msg.id, ok: false, error: errorPayload(error) });
    };
    if (!handler) {
      fail(new Error(`handler not found [method:${msg.method}, id:${msg.handlerId}]`));
      return;
    }
    let result: unknown;
    try {
      result = handler.handleRequest(msg.method, msg.data);
    } catch (error) {
      fail(error);
      return;
    }
    // Synchronous results are answered at once, so a reply never trails a
    // notification caused by a later request.
    if (msg.id === 0) {
      if (result instanceof Promise) result.catch(fail);
      return;
    }
    if (result instanceof Promise) result.then((data) => send({ kind: 'response', id: msg.id, ok: true, data }), fail);
    else send({ kind: 'response', id: msg.id, ok: true, data: result });
  });

  const shutdown = (): void => {
    for (const router of [...routers.values()]) router.close();
    for (const server of [...webRtcServers.values()]) server.close();
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  // The API process is gone: nothing can use this worker any more.
  process.on('disconnect', shutdown);

  send({ kind: 'ready' });
}

function resourceUsage(): Record<string, number> {
  const r = process.resourceUsage();
  return {
    ru_utime: r.userCPUTime / 1000,
    ru_stime: r.systemCPUTime / 1000,
    ru_maxrss: r.maxRSS,
    ru_ixrss: r.sharedMemorySize,
    ru_idrss: r.unsharedDataSize,
    ru_isrss: r.unsharedStackSize,
    ru_minflt: r.minorPageFault,
    ru_majflt: r.majorPageFault,
    ru_nswap: r.swappedOut,
    ru_inblock: r.fsRead,
    ru_oublock: r.fsWrite,
    ru_msgsnd: r.ipcSent,
    ru_msgrcv: r.ipcReceived,
    ru_nsignals: r.signalsCount,
    ru_nvcsw: r.voluntaryContextSwitches,
    ru_nivcsw: r.involuntaryContextSwitches,
  };
}

start().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`consomme worker failed to start: ${error instanceof Error ? error.stack : message}\n`);
  // Tell the API why before exiting, so createWorker() rejects with the reason.
  if (process.connected && process.send) process.send({ kind: 'startfailed', message } satisfies WorkerToMain, () => process.exit(42));
  else process.exit(42);
});
