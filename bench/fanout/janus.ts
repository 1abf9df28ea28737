/**
 * Janus side of the fan-out bench: starts Janus (../shared/bench/janus/start-janus.sh,
 * 127.0.0.1 only), and attaches light viewers to streaming mountpoint 1 through the HTTP
 * API (https://janus.conf.meetecho.com/docs/rest.html): create a session, attach
 * janus.plugin.streaming, `watch` id 1, long-poll for the offer, answer with `start`.
 */
import { ensureCommand } from '../apt.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { answerOffer } from '../light-viewer/remote.js';
import type { LightViewer } from '../light-viewer/viewer.js';
import { JANUS_API as API, janusPost as post, type JanusReply } from './janus-http.js';

const START_SCRIPT = fileURLToPath(new URL('../../../shared/bench/janus/start-janus.sh', import.meta.url));

/** Installs Janus with apt-get when it is missing (the bench's one setup step besides ffmpeg). */
export function ensureJanusInstalled(): void {
  ensureCommand('janus', 'janus');
}

export class JanusServer {
  readonly #child: ChildProcess;

  private constructor(child: ChildProcess) {
    this.#child = child;
  }

  get pid(): number {
    return this.#child.pid ?? -1;
  }

  /** Starts Janus in the foreground of a child process and waits for its HTTP API. */
  static async start(logDir: string): Promise<JanusServer> {
    ensureJanusInstalled();
    if (!existsSync(START_SCRIPT)) throw new Error(`missing ${START_SCRIPT}`);
    const child = spawn('sh', [START_SCRIPT, logDir], { stdio: ['ignore', 'ignore', 'inherit'] });
    const server = new JanusServer(child);
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        const res = await fetch(`${API}/info`);
        if (res.ok) return server;
      } catch {
        // not listening yet
      }
      if (child.exitCode !== null || Date.now() > deadline) {
        server.stop();
        throw new Error(`janus did not come up (exit ${child.exitCode}); see ${logDir}/janus.log`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** `sh` execs janus, so the child's pid is Janus's own. */
  stop(): Promise<void> {
    if (this.#child.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.#child.once('exit', () => resolve());
      this.#child.kill('SIGTERM');
      setTimeout(() => this.#child.kill('SIGKILL'), 3000).unref();
    });
  }
}

/** One viewer's Janus session; kept alive by keepalives until close(). */
export class JanusViewerSession {
  readonly #session: number;
  readonly #timer: NodeJS.Timeout;

  private constructor(session: number) {
    this.#session = session;
    // session_timeout is 120 s in the bench config; a keepalive every 30 s leaves room.
    this.#timer = setInterval(() => void post(`/${session}`, { janus: 'keepalive' }).catch(() => undefined), 30_000);
    this.#timer.unref();
  }

  /** Session, handle, watch mountpoint 1, answer, then ICE/DTLS to completion. */
  static async attach(viewer: LightViewer, mountpoint = 1): Promise<JanusViewerSession> {
    const { session, start } = await JanusViewerSession.prepare(viewer, mountpoint);
    try {
      await start();
      return session;
    } catch (err) {
      session.close();
      throw err;
    }
  }

  /**
   * The signaling half of attach(): session, handle, watch, offer. `start()` sends the answer
   * and runs ICE/DTLS to completion (the join-storm bench times the two halves apart).
   */
  static async prepare(viewer: LightViewer, mountpoint = 1): Promise<{ session: JanusViewerSession; start: () => Promise<void> }> {
    const session = (await post('', { janus: 'create' })).data!.id;
    const s = new JanusViewerSession(session);
    try {
      const handle = (await post(`/${session}`, { janus: 'attach', plugin: 'janus.plugin.streaming' })).data!.id;
      await post(`/${session}/${handle}`, { janus: 'message', body: { request: 'watch', id: mountpoint } });
      const offer = await s.#waitForJsep();
      const { remote, answer } = answerOffer(offer, viewer);
      const start = async (): Promise<void> => {
        const connected = viewer.connect(remote);
        await post(`/${session}/${handle}`, { janus: 'message', body: { request: 'start' }, jsep: { type: 'answer', sdp: answer } });
        await connected;
      };
      return { session: s, start };
    } catch (err) {
      s.close();
      throw err;
    }
  }

  async #waitForJsep(): Promise<string> {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const res = await fetch(`${API}/${this.#session}?maxev=5`);
      const events = (await res.json()) as JanusReply | JanusReply[];
      for (const e of Array.isArray(events) ? events : [events]) {
        if (e.jsep?.type === 'offer') return e.jsep.sdp;
        const error = e.plugindata?.data['error'];
        if (error !== undefined) throw new Error(`janus streaming: ${String(error)}`);
      }
    }
    throw new Error('janus sent no offer within 10 s');
  }

  close(): void {
    clearInterval(this.#timer);
    void post(`/${this.#session}`, { janus: 'destroy' }).catch(() => undefined);
  }
}
