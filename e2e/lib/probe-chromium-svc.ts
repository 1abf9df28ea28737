/**
 * Diagnostic, not a test: what this machine's Chromium actually sends for
 * simulcast and SVC. Two RTCPeerConnections in one page talk to each other
 * over 127.0.0.1 (only loopback ICE candidates are exchanged), the fake camera
 * feeds them, and for each case we print the sender's outbound-rtp stats and
 * the negotiated SDP (extmaps, rids, a=simulcast).
 *
 * Run: node --import tsx e2e/lib/probe-chromium-svc.ts
 * Bounded: every case has its own deadline and the whole run stops after 110 s.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { generateRouterRtpCapabilities } from '../../packages/consomme/src/ortc/index.js';
import type { RtpCodecCapability } from '../../packages/consomme/src/ortc/types.js';
import { bundleMediasoupClient, CHROMIUM_PATH, launchChromium } from './browser.js';

const HARD_LIMIT_MS = 110_000;

// The page script is plain JavaScript in a string: functions handed to
// page.evaluate() from a tsx-compiled file may carry esbuild helpers (__name)
// that do not exist in the page.
const PAGE_SCRIPT = String.raw`
const DD = 'https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension';
const GFD = 'http://www.webrtc.org/experiments/rtp-hdrext/generic-frame-descriptor-00';
let stream;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function camera() {
  if (!stream) stream = await navigator.mediaDevices.getUserMedia({ video: { width: 1280, height: 720 } });
  return stream;
}

window.cameraInfo = async () => {
  const t = (await camera()).getVideoTracks()[0];
  return { label: t.label, settings: t.getSettings(), capabilities: t.getCapabilities ? t.getCapabilities() : null };
};

// The video m-section of an SDP, reduced to what matters here.
function videoSection(sdp) {
  const lines = sdp.split(/\r?\n/);
  const start = lines.findIndex((l) => l.startsWith('m=video'));
  if (start < 0) return null;
  let end = lines.findIndex((l, i) => i > start && l.startsWith('m='));
  if (end < 0) end = lines.length;
  const sec = lines.slice(start, end);
  const rtpmap = {};
  for (const l of sec) {
    const m = /^a=rtpmap:(\d+) (\S+)/.exec(l);
    if (m) rtpmap[m[1]] = m[2];
  }
  const pts = sec[0].split(' ').slice(3);
  return {
    mline: sec[0],
    codecs: pts.map((pt) => pt + ' ' + (rtpmap[pt] || '?')),
    fmtp: sec.filter((l) => l.startsWith('a=fmtp:')),
    extmap: sec.filter((l) => l.startsWith('a=extmap:')).map((l) => l.slice('a=extmap:'.length)),
    rid: sec.filter((l) => l.startsWith('a=rid:')),
    simulcast: sec.filter((l) => l.startsWith('a=simulcast:')),
    ssrcGroup: sec.filter((l) => l.startsWith('a=ssrc-group:')),
    ssrcs: [...new Set(sec.filter((l) => l.startsWith('a=ssrc:')).map((l) => Number(/^a=ssrc:(\d+)/.exec(l)[1])))],
    direction: sec.filter((l) => /^a=(sendonly|recvonly|sendrecv|inactive)$/.test(l)),
  };
}

// Chromium may answer a simulcast offer without a=simulcast (it cannot
// receive simulcast); then the sender would fall back to one stream. Adding
// the recv rids to the answer given to the sender keeps all three flowing.
function addSimulcastToAnswer(answerSdp, offerSdp) {
  const off = videoSection(offerSdp);
  const rids = off.rid.map((l) => /^a=rid:(\S+)/.exec(l)[1]);
  const lines = answerSdp.split('\r\n');
  const start = lines.findIndex((l) => l.startsWith('m=video'));
  let end = lines.findIndex((l, i) => i > start && l.startsWith('m='));
  if (end < 0) end = lines.length - 1; // trailing empty string
  const add = rids.map((r) => 'a=rid:' + r + ' recv');
  add.push('a=simulcast:recv ' + rids.join(';'));
  // rid/rrid extmaps must be accepted too, or the rids cannot be signalled in RTP.
  const ansExt = lines.slice(start, end).filter((l) => l.startsWith('a=extmap:')).join('\n');
  for (const e of off.extmap) {
    if (/sdes:rtp-stream-id|sdes:repaired-rtp-stream-id/.test(e) && !ansExt.includes(e.split(' ')[1])) add.push('a=extmap:' + e);
  }
  lines.splice(end, 0, ...add);
  return lines.join('\r\n');
}

function encSummary(encs) {
  return (encs || []).map((e) => {
    const o = {};
    for (const k of ['rid', 'active', 'scaleResolutionDownBy', 'maxBitrate', 'scalabilityMode', 'codec']) {
      if (e[k] !== undefined) o[k] = k === 'codec' ? e.codec.mimeType : e[k];
    }
    return o;
  });
}

async function outbound(pc) {
  const stats = await pc.getStats();
  const out = [];
  const inb = [];
  stats.forEach((s) => {
    if (s.type === 'outbound-rtp' && s.kind === 'video') {
      const codec = s.codecId ? stats.get(s.codecId) : undefined;
      out.push({
        rid: s.rid, ssrc: s.ssrc, codec: codec && codec.mimeType, w: s.frameWidth, h: s.frameHeight,
        fps: s.framesPerSecond, mode: s.scalabilityMode, impl: s.encoderImplementation,
        targetBitrate: s.targetBitrate, framesEncoded: s.framesEncoded, bytesSent: s.bytesSent,
        qlr: s.qualityLimitationReason, active: s.active, powerEfficient: s.powerEfficientEncoder,
      });
    }
  });
  out.sort((a, b) => String(a.rid).localeCompare(String(b.rid)));
  return out;
}

async function inbound(pc) {
  const stats = await pc.getStats();
  const rows = [];
  stats.forEach((s) => {
    if (s.type === 'inbound-rtp' && s.kind === 'video') {
      rows.push({ ssrc: s.ssrc, w: s.frameWidth, h: s.frameHeight, framesDecoded: s.framesDecoded, impl: s.decoderImplementation });
    }
  });
  return rows;
}

// Two samples one second apart: the second one plus the measured send rate.
async function sample(pc) {
  const a = await outbound(pc);
  await sleep(1000);
  const b = await outbound(pc);
  for (const row of b) {
    const prev = a.find((x) => x.ssrc === row.ssrc);
    row.kbps = prev ? Math.round(((row.bytesSent - prev.bytesSent) * 8) / 1000) : null;
    delete row.bytesSent;
  }
  return b;
}

function withDeadline(promise, ms, what) {
  return Promise.race([promise, sleep(ms).then(() => { throw new Error(what + ' timed out after ' + ms + ' ms'); })]);
}

function loopbackOnly(from, to) {
  from.onicecandidate = (e) => {
    if (e.candidate && / 127\.0\.0\.1 /.test(e.candidate.candidate)) to.addIceCandidate(e.candidate).catch(() => {});
  };
}

// o: { codec, sendEncodings?, enableExts?: [uri], waitMs, steps?: [{ label, encodings: [patch] }] }
async function probeCase(o) {
  const res = {};
  const track = (await camera()).getVideoTracks()[0];
  const pc1 = new RTCPeerConnection();
  const pc2 = new RTCPeerConnection();
  loopbackOnly(pc1, pc2);
  loopbackOnly(pc2, pc1);
  try {
    const caps = RTCRtpSender.getCapabilities('video');
    const prefs = caps.codecs.filter((c) => c.mimeType.toLowerCase() === o.codec.toLowerCase());
    if (prefs.length === 0) return { error: o.codec + ' not in RTCRtpSender.getCapabilities' };
    let tx;
    try {
      tx = pc1.addTransceiver(track, o.sendEncodings ? { direction: 'sendonly', sendEncodings: o.sendEncodings } : { direction: 'sendonly' });
    } catch (e) {
      return { addTransceiverError: String(e) };
    }
    res.paramsAfterAdd = encSummary(tx.sender.getParameters().encodings);
    // H264 has several profiles; keep them all, rtx too so NACK works as usual.
    tx.setCodecPreferences([...prefs, ...caps.codecs.filter((c) => c.mimeType === 'video/rtx')]);
    if (o.enableExts) res.extsToNegotiate1 = enableExts(tx, o.enableExts);
    const offer = await pc1.createOffer();
    await pc1.setLocalDescription(offer);
    await pc2.setRemoteDescription(offer);
    if (o.enableExts) res.extsToNegotiate2 = enableExts(pc2.getTransceivers()[0], o.enableExts);
    const answer = await pc2.createAnswer();
    await pc2.setLocalDescription(answer);
    let answerSdp = answer.sdp;
    res.answerHadSimulcast = /a=simulcast:/.test(answerSdp);
    if (/a=simulcast:/.test(offer.sdp) && !res.answerHadSimulcast) {
      answerSdp = addSimulcastToAnswer(answerSdp, offer.sdp);
      res.answerMunged = true;
    }
    await pc1.setRemoteDescription({ type: 'answer', sdp: answerSdp });
    res.offer = videoSection(offer.sdp);
    res.answer = videoSection(answerSdp);
    await withDeadline(new Promise((resolve) => {
      const check = () => { if (pc1.connectionState === 'connected') resolve(); };
      pc1.addEventListener('connectionstatechange', check);
      check();
    }), 8000, 'connect');
    res.paramsAfterNegotiation = encSummary(tx.sender.getParameters().encodings);
    await sleep(o.waitMs);
    res.stats = await sample(pc1);
    res.received = await inbound(pc2);
    for (const step of o.steps || []) {
      const r = { label: step.label };
      try {
        const p = tx.sender.getParameters();
        step.encodings.forEach((patch, i) => { if (p.encodings[i]) Object.assign(p.encodings[i], patch); });
        await tx.sender.setParameters(p);
        r.setParameters = 'ok';
      } catch (e) {
        r.setParameters = String(e);
      }
      r.params = encSummary(tx.sender.getParameters().encodings);
      await sleep(step.waitMs || 2000);
      r.stats = await sample(pc1);
      r.received = await inbound(pc2);
      (res.steps = res.steps || []).push(r);
    }
    return res;
  } catch (e) {
    res.error = String(e);
    return res;
  } finally {
    pc1.close();
    pc2.close();
  }
}

// setHeaderExtensionsToNegotiate: turn the given URIs on (they may be 'stopped' by default).
function enableExts(tx, uris) {
  if (typeof tx.getHeaderExtensionsToNegotiate !== 'function') return 'API missing';
  const exts = tx.getHeaderExtensionsToNegotiate();
  const before = exts.filter((e) => uris.includes(e.uri)).map((e) => e.uri + ' ' + e.direction);
  for (const e of exts) if (uris.includes(e.uri)) e.direction = 'sendrecv';
  try {
    tx.setHeaderExtensionsToNegotiate(exts);
    return { before, result: 'ok' };
  } catch (e) {
    return { before, result: String(e) };
  }
}

window.runCase = (o) => withDeadline(probeCase(o), 30000, 'case');

window.capabilities = async () => {
  const s = RTCRtpSender.getCapabilities('video');
  const r = RTCRtpReceiver.getCapabilities('video');
  const fmt = (c) => ({ mimeType: c.mimeType, sdpFmtpLine: c.sdpFmtpLine, scalabilityModes: c.scalabilityModes });
  // Which extmaps Chromium offers with and without a scalabilityMode (mediasoup-client
  // adds L3T3 when probing native capabilities "to retrieve" the DD extension).
  const offers = {};
  for (const [name, init] of [['plain', {}], ['L3T3', { sendEncodings: [{ scalabilityMode: 'L3T3' }] }]]) {
    const pc = new RTCPeerConnection();
    const tx = pc.addTransceiver('video', { direction: 'sendonly', ...init });
    offers[name] = videoSection((await pc.createOffer()).sdp).extmap;
    offers[name + ' headerExtensionsToNegotiate'] = typeof tx.getHeaderExtensionsToNegotiate === 'function'
      ? tx.getHeaderExtensionsToNegotiate().map((e) => e.direction + ' ' + e.uri) : 'API missing';
    pc.close();
  }
  return {
    userAgent: navigator.userAgent,
    senderCodecs: s.codecs.map(fmt),
    senderHeaderExtensions: s.headerExtensions.map((e) => e.uri),
    receiverCodecs: r.codecs.map((c) => c.mimeType + (c.sdpFmtpLine ? ' ' + c.sdpFmtpLine : '')),
    receiverHeaderExtensions: r.headerExtensions.map((e) => e.uri),
    offers,
  };
};
// The unmodified mediasoup-client (Chrome111 handler) against a router that
// exists only as its capabilities: the 'produce' event gives the exact
// rtpParameters a server would receive. ICE never connects (the remote
// candidate is 127.0.0.1:9, discard), which produce() does not wait for.
window.mediasoupProduce = async (routerRtpCapabilities, cases) => {
  const device = new mediasoupClient.Device({ handlerName: 'Chrome111' });
  await device.load({ routerRtpCapabilities });
  const results = [];
  for (const c of cases) {
    const transport = device.createSendTransport({
      id: 'probe',
      iceParameters: { usernameFragment: 'probeufrag', password: 'probepasswordprobepassword', iceLite: true },
      iceCandidates: [{ foundation: 'udpcandidate', priority: 1076302079, ip: '127.0.0.1', address: '127.0.0.1', protocol: 'udp', port: 9, type: 'host' }],
      dtlsParameters: { role: 'auto', fingerprints: [{ algorithm: 'sha-256', value: Array(32).fill('AB').join(':') }] },
    });
    let sent;
    transport.on('connect', (_p, cb) => cb());
    transport.on('produce', (p, cb) => { sent = p.rtpParameters; cb({ id: 'producer-' + results.length }); });
    const r = { name: c.name };
    try {
      const track = (await camera()).getVideoTracks()[0].clone();
      const codec = device.rtpCapabilities.codecs.find((k) => k.mimeType.toLowerCase() === c.codec.toLowerCase());
      const producer = await withDeadline(transport.produce({ track, encodings: c.encodings, codec }), 8000, 'produce');
      r.rtpParameters = JSON.parse(JSON.stringify(sent));
      r.senderEncodings = encSummary(producer.rtpSender.getParameters().encodings);
      const pc = transport.handler._pc;
      r.offer = videoSection(pc.localDescription.sdp);
      r.answer = videoSection(pc.remoteDescription.sdp);
      producer.close();
    } catch (e) {
      r.error = String(e);
    }
    transport.close();
    results.push(r);
  }
  return { deviceHeaderExtensions: device.rtpCapabilities.headerExtensions.map((e) => e.kind + ' ' + e.preferredId + ' ' + e.uri), results };
};
window.ready = true;
`;

const VP8_SIM = [
  { rid: 'r0', scaleResolutionDownBy: 4, scalabilityMode: 'L1T3' },
  { rid: 'r1', scaleResolutionDownBy: 2, scalabilityMode: 'L1T3' },
  { rid: 'r2', scaleResolutionDownBy: 1, scalabilityMode: 'L1T3' },
];
const DD = 'https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension';
const GFD = 'http://www.webrtc.org/experiments/rtp-hdrext/generic-frame-descriptor-00';

interface CaseSpec { name: string; codec: string; sendEncodings?: unknown[]; enableExts?: string[]; waitMs: number; steps?: unknown[] }

const CASES: CaseSpec[] = [
  { name: '1a VP8 simulcast L1T3 x3', codec: 'video/VP8', sendEncodings: VP8_SIM, waitMs: 4000 },
  {
    name: '1b VP8 simulcast L1T3 x3 + maxBitrate 100k/300k/900k', codec: 'video/VP8', waitMs: 4000,
    sendEncodings: VP8_SIM.map((e, i) => ({ ...e, maxBitrate: [100_000, 300_000, 900_000][i] })),
  },
  { name: '2a VP9 L3T3_KEY', codec: 'video/VP9', sendEncodings: [{ scalabilityMode: 'L3T3_KEY' }], waitMs: 3000 },
  { name: '2b VP9 L3T3', codec: 'video/VP9', sendEncodings: [{ scalabilityMode: 'L3T3' }], waitMs: 3000 },
  { name: '2c VP9 L1T3', codec: 'video/VP9', sendEncodings: [{ scalabilityMode: 'L1T3' }], waitMs: 5000 },
  { name: '2d VP9 S3T3', codec: 'video/VP9', sendEncodings: [{ scalabilityMode: 'S3T3' }], waitMs: 3000 },
  {
    name: '2e VP9 no mode, then live setParameters', codec: 'video/VP9', waitMs: 2000,
    steps: ['L3T3_KEY', 'L3T3', 'L1T3', 'S3T3'].map((m) => ({ label: 'setParameters ' + m, encodings: [{ scalabilityMode: m }], waitMs: 2000 })),
  },
  {
    name: '3 VP9 simulcast x3 L1T3', codec: 'video/VP9', waitMs: 3000,
    sendEncodings: VP8_SIM,
  },
  { name: '4a AV1 L3T3_KEY', codec: 'video/AV1', sendEncodings: [{ scalabilityMode: 'L3T3_KEY' }], waitMs: 3000 },
  { name: '4b AV1 L1T3', codec: 'video/AV1', sendEncodings: [{ scalabilityMode: 'L1T3' }], waitMs: 5000 },
  {
    name: '4c AV1 L3T3_KEY, DD+GFD forced via setHeaderExtensionsToNegotiate', codec: 'video/AV1',
    sendEncodings: [{ scalabilityMode: 'L3T3_KEY' }], enableExts: [DD, GFD], waitMs: 2000,
  },
  { name: '4d H264 L1T3', codec: 'video/H264', sendEncodings: [{ scalabilityMode: 'L1T3' }], waitMs: 2000 },
];

async function main(): Promise<void> {
  const started = Date.now();
  const bundle = readFileSync(await bundleMediasoupClient());
  const server = createServer((req, res) => {
    if (req.url === '/mediasoup-client.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' }).end(
      `<!doctype html><html><body><script src="/mediasoup-client.js"></script><script>${PAGE_SCRIPT}</script></body></html>`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  let browser: Browser | undefined;
  const stopAll = async (): Promise<void> => {
    await browser?.close().catch(() => {});
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  const hard = setTimeout(() => {
    console.error(`hard limit ${HARD_LIMIT_MS} ms reached, stopping`);
    void stopAll().finally(() => process.exit(1));
  }, HARD_LIMIT_MS);
  try {
    browser = await launchChromium();
    const page = await browser.newPage();
    page.on('pageerror', (error) => console.error('[page error]', error.message));
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);

    console.log(`# ${CHROMIUM_PATH}, browser.version() = ${browser.version()}`);
    const caps = await page.evaluate('window.capabilities()');
    console.log('## capabilities\n' + JSON.stringify(caps, null, 1));
    console.log('## camera\n' + JSON.stringify(await page.evaluate('window.cameraInfo()')));

    const table: string[] = [];
    for (const c of CASES) {
      const t0 = Date.now();
      const { name, ...spec } = c;
      const res = (await page.evaluate(`window.runCase(${JSON.stringify(spec)})`)) as Record<string, unknown>;
      console.log(`## ${name} (${Date.now() - t0} ms)\n` + JSON.stringify(res, null, 1));
      table.push(`${name}: ${summarize(res)}`);
    }
    const ms = (await page.evaluate(
      `window.mediasoupProduce(${JSON.stringify(generateRouterRtpCapabilities(ROUTER_CODECS))}, ${JSON.stringify(MEDIASOUP_CASES)})`,
    )) as { deviceHeaderExtensions: string[]; results: Record<string, unknown>[] };
    console.log('## mediasoup-client Chrome111 produce()\n' + JSON.stringify(ms, null, 1));
    for (const r of ms.results) table.push(`mediasoup-client ${String(r.name)}: ${summarizeProduce(r)}`);
    console.log('## summary');
    for (const line of table) console.log(line);
    console.log(`total ${Date.now() - started} ms`);
  } finally {
    clearTimeout(hard);
    await stopAll();
  }
}

const ROUTER_CODECS: RtpCodecCapability[] = [
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
  { kind: 'video', mimeType: 'video/VP9', clockRate: 90000, parameters: { 'profile-id': 0 } },
  { kind: 'video', mimeType: 'video/AV1', clockRate: 90000 },
  { kind: 'video', mimeType: 'video/H264', clockRate: 90000, parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 } },
];

const MEDIASOUP_CASES = [
  {
    name: 'VP8 x3 (scaleResolutionDownBy 4/2/1, no rid, no mode)', codec: 'video/VP8',
    encodings: [{ scaleResolutionDownBy: 4, maxBitrate: 100_000 }, { scaleResolutionDownBy: 2, maxBitrate: 300_000 }, { scaleResolutionDownBy: 1, maxBitrate: 900_000 }],
  },
  { name: 'VP9 [{scalabilityMode: L3T3_KEY}]', codec: 'video/VP9', encodings: [{ scalabilityMode: 'L3T3_KEY' }] },
  { name: 'AV1 [{scalabilityMode: L3T3_KEY}]', codec: 'video/AV1', encodings: [{ scalabilityMode: 'L3T3_KEY' }] },
  { name: 'VP8 no encodings', codec: 'video/VP8' },
];

function summarizeProduce(r: Record<string, unknown>): string {
  if (r.error !== undefined) return `ERROR ${String(r.error)}`;
  const p = r.rtpParameters as { encodings: unknown[]; headerExtensions: { uri: string; id: number }[] };
  const answer = r.answer as { extmap?: string[] } | undefined;
  const exts = p.headerExtensions.map((e) => `${e.id}:${e.uri.replace(/^.*[/#:]/, '')}`).join(',');
  const answered = (answer?.extmap ?? []).map((e) => e.replace(/ .*[/#:]/, ':')).join(',');
  return `encodings=${JSON.stringify(p.encodings)}
    producer exts=${exts}
    answer SDP exts=${answered}`;
}

interface Row { rid?: string; w?: number; h?: number; fps?: number; mode?: string; impl?: string; kbps?: number | null; qlr?: string }

function rows(stats: unknown): string {
  return ((stats ?? []) as Row[])
    .map((r) => `${r.rid ?? '-'} ${r.w ?? '?'}x${r.h ?? '?'}@${r.fps ?? '?'} ${r.mode ?? 'no-mode'} ${r.impl ?? ''} ${r.kbps ?? '?'}kbps q=${r.qlr ?? ''}`)
    .join(' | ');
}

function summarize(res: Record<string, unknown>): string {
  if (res.error !== undefined) return `ERROR ${String(res.error)}`;
  if (res.addTransceiverError !== undefined) return `addTransceiver threw ${String(res.addTransceiverError)}`;
  const answer = res.answer as { extmap?: string[] } | undefined;
  const dd = answer?.extmap?.some((e) => e.includes(DD)) ? 'DD' : 'noDD';
  const gfd = answer?.extmap?.some((e) => e.includes(GFD)) ? ' GFD' : '';
  let line = `[${dd}${gfd}${res.answerMunged === true ? ' munged-sim' : ''}] ${rows(res.stats)}`;
  for (const step of (res.steps ?? []) as { label: string; setParameters: string; stats: unknown }[]) {
    line += `\n    ${step.label}: ${step.setParameters} -> ${rows(step.stats)}`;
  }
  return line;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
