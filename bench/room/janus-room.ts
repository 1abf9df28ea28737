/**
 * Janus side of the room bench: Janus 1.1.2 (Debian) VideoRoom room 1234, driven over its
 * HTTP API (https://janus.conf.meetecho.com/docs/videoroom.html) by light participants.
 *
 * - Publishing: a session and a videoroom handle per participant; `join` as publisher with
 *   our SDP offer (sendonly Opus + VP8, one SSRC each, our one host candidate, DTLS active
 *   so that we stay the DTLS client); Janus answers in the `joined` event. Janus is ICE-lite
 *   in the bench config, so we control and nominate.
 * - Subscribing: a second session per participant, `join` as subscriber to every other
 *   feed at once (1.x multistream: one connection, one m-line per remote stream); Janus
 *   offers, the light viewer answers (remote.ts) with `start`.
 * The room allows 6 publishers in the shared config; `edit` raises that first.
 */
import { JanusServer } from '../fanout/janus.js';
import { pin } from '../fanout/proc.js';
import type { LightParticipant } from '../light-viewer/publisher.js';
import { RemoteDescriptionError, answerOffer } from '../light-viewer/remote.js';
import type { LightViewer, RemoteEndpoint } from '../light-viewer/viewer.js';
import { AUDIO_PT, VIDEO_PT } from './consomme-room.js';
import type { RoomSfu } from './sfu.js';
import { JANUS_API as API, janusApiAnswers as apiAnswers, janusPost as post, type JanusReply } from '../fanout/janus-http.js';

const ROOM = 1234;
const ROOM_SECRET = 'adminpwd';

/** A session with one videoroom handle, kept alive until close(). */
class Handle {
  readonly #timer: NodeJS.Timeout;

  private constructor(
    readonly session: number,
    readonly handle: number,
  ) {
    // session_timeout is 120 s in the bench config.
    this.#timer = setInterval(() => void post(`/${session}`, { janus: 'keepalive' }).catch(() => undefined), 30_000);
    this.#timer.unref();
  }

  static async attach(): Promise<Handle> {
    const session = (await post('', { janus: 'create' })).data!.id;
    const handle = (await post(`/${session}`, { janus: 'attach', plugin: 'janus.plugin.videoroom' })).data!.id;
    return new Handle(session, handle);
  }

  message(body: Record<string, unknown>, jsep?: { type: string; sdp: string }): Promise<JanusReply> {
    return post(`/${this.session}/${this.handle}`, { janus: 'message', body, ...(jsep ? { jsep } : {}) });
  }

  /** Long-polls the session until an event of the plugin carries a JSEP; throws on a plugin error. */
  async waitForJsep(timeoutMs = 10_000): Promise<{ data: Record<string, unknown>; jsep: { type: string; sdp: string } }> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const res = await fetch(`${API}/${this.session}?maxev=5`);
      const events = (await res.json()) as JanusReply | JanusReply[];
      for (const e of Array.isArray(events) ? events : [events]) {
        const data = e.plugindata?.data;
        if (data?.['error'] !== undefined) throw new Error(`janus videoroom: ${String(data['error'])}`);
        if (e.jsep && data) return { data, jsep: e.jsep };
      }
    }
    throw new Error(`janus sent no SDP within ${timeoutMs} ms`);
  }

  close(): void {
    clearInterval(this.#timer);
    void post(`/${this.session}`, { janus: 'destroy' }).catch(() => undefined);
  }
}

/** Our sendonly offer: Opus and VP8, one SSRC each, bundled on the sender's one socket. */
export function publisherOffer(p: LightParticipant): string {
  const v: LightViewer = p.sender;
  const fp = v.fingerprint;
  const lines = ['v=0', `o=- ${Date.now()} 2 IN IP4 127.0.0.1`, 's=light-participant', 't=0 0', 'a=group:BUNDLE 0 1', 'a=msid-semantic: WMS lp'];
  const media = [
    { mid: '0', kind: 'audio', pt: AUDIO_PT, rtpmap: 'opus/48000/2', ssrc: p.audioSsrc, fb: [] as string[] },
    { mid: '1', kind: 'video', pt: VIDEO_PT, rtpmap: 'VP8/90000', ssrc: p.videoSsrc, fb: ['nack', 'nack pli', 'ccm fir'] },
  ];
  for (const m of media) {
    lines.push(
      `m=${m.kind} 9 UDP/TLS/RTP/SAVPF ${m.pt}`,
      'c=IN IP4 127.0.0.1',
      `a=mid:${m.mid}`,
      'a=sendonly',
      'a=rtcp-mux',
      `a=ice-ufrag:${v.ice.localUfrag}`,
      `a=ice-pwd:${v.ice.localPassword}`,
      `a=fingerprint:${fp.algorithm} ${fp.value}`,
      // Offerers should say actpass; active keeps the light viewer the DTLS client, and Janus accepts it.
      'a=setup:active',
      `a=rtpmap:${m.pt} ${m.rtpmap}`,
      ...m.fb.map((f) => `a=rtcp-fb:${m.pt} ${f}`),
      `a=msid:lp${p.index} ${m.kind}${p.index}`,
      `a=ssrc:${m.ssrc} cname:lp${p.index}`,
      `a=ssrc:${m.ssrc} msid:lp${p.index} ${m.kind}${p.index}`,
      `a=candidate:1 1 udp 2130706431 127.0.0.1 ${v.localPort} typ host`,
      'a=end-of-candidates',
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** The remote endpoint in Janus's answer to our offer. */
export function remoteFromAnswer(sdp: string): RemoteEndpoint {
  let ufrag: string | undefined;
  let password: string | undefined;
  let fingerprint: { algorithm: string; value: string } | undefined;
  let candidate: { ip: string; port: number } | undefined;
  const lines = sdp.split(/\r?\n/);
  for (const line of lines) {
    if (line.startsWith('a=ice-ufrag:')) ufrag ??= line.slice(12).trim();
    else if (line.startsWith('a=ice-pwd:')) password ??= line.slice(10).trim();
    else if (line.startsWith('a=fingerprint:') && !fingerprint) {
      const [algorithm, value] = line.slice(14).trim().split(' ');
      if (algorithm && value) fingerprint = { algorithm, value };
    } else if (line.startsWith('a=candidate:') && !candidate) {
      const c = line.slice(12).split(' ');
      if (c[1] === '1' && c[2]?.toLowerCase() === 'udp' && c[4] && !c[4].includes(':')) candidate = { ip: c[4], port: Number(c[5]) };
    }
  }
  if (!ufrag || !password) throw new RemoteDescriptionError('answer without ICE credentials');
  if (!fingerprint) throw new RemoteDescriptionError('answer without a DTLS fingerprint');
  if (!candidate) throw new RemoteDescriptionError('answer without an IPv4 UDP candidate');
  // We offered: against a full agent we control as the offerer (RFC 8445 §6.1.1), and against a lite one always.
  return { ufrag, password, ip: candidate.ip, port: candidate.port, fingerprint, controlling: true };
}

/**
 * Janus's ports are fixed (8088, 5002, ...), so only one Janus can run on the machine. If
 * another one is up (another bench), ours would fail to bind and every request would go
 * to the other one: wait for it to go away, then check that ours is the one answering.
 */
async function startOwnJanus(logDir: string): Promise<JanusServer> {
  const deadline = Date.now() + 60_000;
  while (await apiAnswers()) {
    if (Date.now() > deadline) throw new Error('another Janus keeps 127.0.0.1:8088 busy');
    await new Promise((r) => setTimeout(r, 1000));
  }
  const janus = await JanusServer.start(logDir);
  await new Promise((r) => setTimeout(r, 300));
  try {
    process.kill(janus.pid, 0);
  } catch {
    throw new Error(`janus exited right after start (another Janus took its ports?); see ${logDir}/janus.log`);
  }
  return janus;
}

export async function startJanusRoom(logDir: string, options: { core?: number } = {}): Promise<RoomSfu> {
  const janus = await startOwnJanus(logDir);
  if (options.core !== undefined) pin(janus.pid, options.core);
  const handles: Handle[] = [];
  return {
    name: 'janus',
    pid: janus.pid,
    async join(participants) {
      const admin = await Handle.attach();
      handles.push(admin);
      await admin.message({ request: 'edit', room: ROOM, secret: ROOM_SECRET, new_publishers: Math.max(6, participants.length) });
      // Each participant has its own sessions, so all publish at once, then all subscribe at
      // once (one at a time, most of the join is waiting on round trips and DTLS timers).
      const feeds = await Promise.all(
        participants.map(async (p) => {
          const h = await Handle.attach();
          handles.push(h);
          await h.message({ request: 'join', ptype: 'publisher', room: ROOM, display: `lp${p.index}` }, { type: 'offer', sdp: publisherOffer(p) });
          const { data, jsep } = await h.waitForJsep();
          if (jsep.type !== 'answer' || typeof data['id'] !== 'number') throw new Error(`janus publisher join: unexpected reply ${JSON.stringify(data)}`);
          await p.sender.connect(remoteFromAnswer(jsep.sdp));
          return data['id'];
        }),
      );
      await Promise.all(
        participants.map(async (p, i) => {
          const others = feeds.filter((_, j) => j !== i);
          if (others.length === 0) return;
          const h = await Handle.attach();
          handles.push(h);
          await h.message({ request: 'join', ptype: 'subscriber', room: ROOM, streams: others.map((feed) => ({ feed })) });
          const { jsep } = await h.waitForJsep();
          const { remote, answer } = answerOffer(jsep.sdp, p.receiver);
          const connected = p.receiver.connect(remote);
          await h.message({ request: 'start' }, { type: 'answer', sdp: answer });
          await connected;
        }),
      );
    },
    async close() {
      for (const h of handles) h.close();
      // Restarted per run: Janus 1.1.2 leaks ports of removed remote publishers.
      await janus.stop();
    },
  };
}
