/**
 * WebRtcServer: many WebRtcTransports on one UDP and one TCP port,
 * demultiplexed by ICE username fragment, with libwebrtc clients.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, describe, test } from 'node:test';
import type { types } from 'consomme';
import { exitAfterWrtcTests } from '../lib/node-client.js';
import { expectMediaFlowing, startCall, type Call } from './call-helpers.js';

exitAfterWrtcTests(after);

async function callOnServer(extra: Partial<types.WebRtcTransportOptions> = {}): Promise<{ call: Call; server: types.WebRtcServer }> {
  let server: types.WebRtcServer | undefined;
  const call = await startCall({}, (fixture, signal) => async (method, data) => {
    if (method === 'createWebRtcTransport') {
      server ??= await fixture.worker.createWebRtcServer({
        listenInfos: [
          { protocol: 'udp', ip: '127.0.0.1' },
          { protocol: 'tcp', ip: '127.0.0.1' },
        ],
      });
      return signal(method, { ...data, options: { webRtcServer: server, ...extra } });
    }
    return signal(method, data);
  });
  return { call, server: server! };
}

describe('WebRtcServer with libwebrtc clients', { timeout: 120_000 }, () => {
  test('all transports share one UDP port; media flows; restartIce works through the server', async () => {
    const { call, server } = await callOnServer();
    try {
      await expectMediaFlowing(call, 'via server');
      const transports = [...call.fixture.transports.values()];
      assert.equal(transports.length, 2);
      const udpPorts = new Set(transports.map((t) => t.iceCandidates.find((c) => c.protocol === 'udp')!.port));
      const tcpPorts = new Set(transports.map((t) => t.iceCandidates.find((c) => c.protocol === 'tcp')!.port));
      assert.equal(udpPorts.size, 1, 'one UDP port for every transport');
      assert.equal(tcpPorts.size, 1, 'one TCP port for every transport');
      for (const t of transports) assert.equal(t.iceSelectedTuple?.protocol, 'udp');
      const dump = (await server.dump()) as { usernameFragments: string[] };
      assert.equal(dump.usernameFragments.length, 2);

      const send = call.a.send!;
      const iceParameters = await call.fixture.transports.get(send.id)!.restartIce();
      await send.restartIce({ iceParameters });
      await expectMediaFlowing(call, 'after restartIce via server');
    } finally {
      call.close();
    }
  });

  test('TCP only through the server (enableUdp: false)', async () => {
    const { call } = await callOnServer({ enableUdp: false });
    try {
      for (const t of call.fixture.transports.values()) assert.deepEqual(t.iceCandidates.map((c) => c.protocol), ['tcp']);
      await expectMediaFlowing(call, 'tcp via server');
      for (const t of call.fixture.transports.values()) assert.equal(t.iceSelectedTuple?.protocol, 'tcp');
    } finally {
      call.close();
    }
  });

  test('closing the server closes its transports with listenserverclose', async () => {
    const { call, server } = await callOnServer();
    try {
      await expectMediaFlowing(call, 'before server close');
      const transport = [...call.fixture.transports.values()][0]!;
      const closed = once(transport, 'listenserverclose');
      server.close();
      await closed;
      assert.equal(transport.closed, true);
      assert.equal(server.closed, true);
    } finally {
      call.close();
    }
  });
});
