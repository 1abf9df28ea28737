import { SfuFixture } from './lib/sfu-fixture.js';
import { NodeClient, syntheticMedia, sleep } from './lib/node-client.js';
const fixture = await new SfuFixture().start();
const signal = (m: string, d?: any) => fixture.handle(m, d);
const a = new NodeClient(signal);
const b = new NodeClient(signal);
const media = syntheticMedia();
const send = await a.createSendTransport();
const ap = await send.produce({ track: media.audioTrack });
const vp = await send.produce({ track: media.videoTrack });
console.log('produced', ap.id, vp.id);
const v = await b.consume(vp.id);
const au = await b.consume(ap.id);
for (let i = 0; i < 8; i++) {
  await sleep(1000);
  const t = [...fixture.transports.values()];
  console.log('frames', v.counters.frames, 'samples', au.counters.samples, 'w', v.counters.lastWidth, t.map(x => x.iceState + '/' + x.dtlsState).join(' '));
}
for (const t of fixture.transports.values()) console.log(JSON.stringify((await t.getStats())[0]));
media.stop(); a.close(); b.close(); fixture.close();
setTimeout(() => process.exit(0), 200);
