/**
 * The Janus HTTP API (https://janus.conf.meetecho.com/docs/rest.html) as the benches use it:
 * one POST helper that turns Janus and plugin errors into exceptions, for the streaming
 * mountpoint (fan-out) and the VideoRoom (room) alike.
 */

export const JANUS_API = 'http://127.0.0.1:8088/janus';

export interface JanusReply {
  janus: string;
  sender?: number;
  data?: { id: number };
  jsep?: { type: string; sdp: string };
  plugindata?: { data: Record<string, unknown> };
  error?: { code: number; reason: string };
}

let transactions = 0;

/** POSTs `body` (with a fresh transaction id) to `JANUS_API + path`; throws on a Janus or plugin error. */
export async function janusPost(path: string, body: Record<string, unknown>): Promise<JanusReply> {
  const res = await fetch(`${JANUS_API}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...body, transaction: `t${++transactions}` }),
  });
  const reply = (await res.json()) as JanusReply;
  if (reply.janus === 'error') throw new Error(`janus ${String(body['janus'])}: ${reply.error?.code} ${reply.error?.reason}`);
  const pluginError = reply.plugindata?.data['error'];
  if (pluginError !== undefined) throw new Error(`janus plugin: ${String(pluginError)}`);
  return reply;
}

/** Whether some Janus answers on 127.0.0.1:8088. */
export async function janusApiAnswers(): Promise<boolean> {
  try {
    return (await fetch(`${JANUS_API}/info`)).ok;
  } catch {
    return false;
  }
}
