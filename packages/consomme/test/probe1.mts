import * as mediasoup from 'consomme';
const w = await mediasoup.createWorker({ rtcMinPort: 26000, rtcMaxPort: 26999 });
const r = await w.createRouter();
for (const ip of ['192.0.2.55', 'not-an-ip', '::1']) {
  const t0 = Date.now();
  try {
    const t = await r.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip }] });
    console.log(ip, 'ok', t.iceCandidates, Date.now() - t0);
  } catch (e) { console.log(ip, 'rejected', (e as Error).name, (e as Error).message, Date.now() - t0, 'ms'); }
}
const w2 = await mediasoup.createWorker();
const r2 = await w2.createRouter();
const t0 = Date.now();
try { await r2.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '192.0.2.55' }] }); } catch (e) { console.log('default range rejected', (e as Error).message, Date.now() - t0, 'ms'); }
w.close(); w2.close();
