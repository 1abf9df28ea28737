/**
 * RTP/RTCP mirroring of the rooms API (seed 002 `startMirroring`): a room
 * with one sender (alice) and one receiver (bob), both the unmodified
 * mediasoup-client 2.x on libwebrtc. Each flag in turn is switched on for both
 * of their server-side transports, and a UDP socket per transport must get
 * the selected traffic and nothing else, decrypted.
 */
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import { Server, type rooms } from 'consomme';
import { exitAfterWrtcTests, sleep, syntheticMedia, waitUntil } from '../lib/node-client.js';
import { V2NodeClient } from '../lib/v2-node-client.js';

exitAfterWrtcTests(after);

const server = Server({ numWorkers: 1, logLevel: 'warn', rtcIPv4: '127.0.0.1', rtcIPv6: false });
after(() => server.close());

type Flag = 'sendRtp' | 'sendRtcp' | 'recvRtp' | 'recvRtcp';

/** What one mirrored datagram is, seen from its transport. */
type Kind = 'rtp-media' | 'rtp-other' | 'rtcp-from-media-sender' | 'rtcp-from-media-receiver' | 'not-plain';

/** The SSRCs (media and RTX) of v2-shaped rtpParameters. */
function ssrcsOf(rtpParameters: Record<string, unknown>): number[] {
  const encodings = (rtpParameters['encodings'] ?? []) as { ssrc?: number; rtx?: { ssrc?: number } }[];
  return encodings.flatMap((e) => [e.ssrc, e.rtx?.ssrc]).filter((s): s is number => s !== undefined);
}

/**
 * RTP or RTCP by payload type (RFC 5761 §4). RTP is media when its SSRC is
 * one of `media` (the streams that transport carries); RTCP comes from the
 * media sender when its first packet's sender SSRC is one of them, else from
 * the receiving side. RTCP must be plain: its length fields add up to the
 * datagram (SRTCP would add an index and a tag).
 */
function classify(datagram: Buffer, media: ReadonlySet<number>): Kind {
  const pt = datagram[1]!;
  if (pt >= 192 && pt <= 223) {
    let pos = 0;
    while (pos + 4 <= datagram.length) pos += (datagram.readUInt16BE(pos + 2) + 1) * 4;
    if (pos !== datagram.length || datagram.length < 8) return 'not-plain';
    return media.has(datagram.readUInt32BE(4)) ? 'rtcp-from-media-sender' : 'rtcp-from-media-receiver';
  }
  return media.has(datagram.readUInt32BE(8)) ? 'rtp-media' : 'rtp-other';
}

/** An RTP packet's payload (header, CSRCs, extension and padding skipped). */
function rtpPayload(p: Buffer): Buffer {
  let pos = 12 + (p[0]! & 0x0f) * 4;
  if (p[0]! & 0x10) pos += 4 + p.readUInt16BE(pos + 2) * 4;
  const padding = p[0]! & 0x20 ? p[p.length - 1]! : 0;
  return p.subarray(pos, p.length - padding);
}

class Sink {
  readonly socket: Socket = createSocket('udp4');
  readonly datagrams: Buffer[] = [];
  readonly sources = new Set<string>();

  async open(): Promise<number> {
    this.socket.on('message', (msg, rinfo) => {
      this.datagrams.push(msg);
      this.sources.add(rinfo.address);
    });
    await new Promise<void>((resolve) => this.socket.bind(0, '127.0.0.1', resolve));
    return (this.socket.address() as AddressInfo).port;
  }

  counts(media: ReadonlySet<number>): Partial<Record<Kind, number>> {
    const out: Partial<Record<Kind, number>> = {};
    for (const d of this.datagrams) {
      const k = classify(d, media);
      out[k] = (out[k] ?? 0) + 1;
    }
    return out;
  }

  close(): void {
    this.socket.close();
  }
}

/** Mirrors `flags` of both transports to fresh sinks for `ms`, then stops and checks that nothing more comes. */
async function mirror(
  transports: { alice: rooms.WebRtcTransport; bob: rooms.WebRtcTransport },
  flags: Partial<Record<Flag, boolean>>,
  ms: number,
): Promise<{ alice: Sink; bob: Sink }> {
  const sinks = { alice: new Sink(), bob: new Sink() };
  try {
    // alice's names the local address; bob's uses the default, the transport's listening address.
    await transports.alice.startMirroring({ remoteIP: '127.0.0.1', remotePort: await sinks.alice.open(), localIP: '127.0.0.1', ...flags });
    await transports.bob.startMirroring({ remoteIP: '127.0.0.1', remotePort: await sinks.bob.open(), ...flags });
    await sleep(ms);
    await transports.alice.stopMirroring();
    await transports.bob.stopMirroring();
    await sleep(200);
    const n = sinks.alice.datagrams.length + sinks.bob.datagrams.length;
    await sleep(500);
    assert.equal(sinks.alice.datagrams.length + sinks.bob.datagrams.length, n, 'nothing arrives after stopMirroring()');
    return sinks;
  } finally {
    sinks.alice.close();
    sinks.bob.close();
  }
}

describe('rooms API: RTP/RTCP mirroring', { timeout: 90_000 }, () => {
  test('each flag mirrors exactly its traffic, decrypted', async () => {
    const room = server.Room([
      { kind: 'audio', name: 'opus', clockRate: 48000, channels: 2 },
      { kind: 'video', name: 'VP8', clockRate: 90000 },
    ]);
    const alice = new V2NodeClient(room, 'alice');
    const bob = new V2NodeClient(room, 'bob');
    const media = syntheticMedia();
    try {
      await alice.join();
      await bob.join();
      const send = alice.room.createTransport('send');
      await alice.room.createProducer(media.audioTrack).send(send);
      await alice.room.createProducer(media.videoTrack).send(send);
      const remoteAlice = bob.room.getPeerByName('alice');
      await waitUntil('two consumers at bob', 5000, () => remoteAlice.consumers.length === 2);
      const recv = bob.room.createTransport('recv');
      const counters: { frames: number; samples: number }[] = [];
      for (const consumer of remoteAlice.consumers) counters.push(bob.count(await consumer.receive(recv)));
      await waitUntil('bob decodes video', 20_000, () => counters.some((c) => c.frames >= 10));

      const serverAlice = room.getPeerByName('alice')!;
      const serverBob = room.getPeerByName('bob')!;
      const transports = { alice: serverAlice.transports.find((t) => t.direction === 'send')!, bob: serverBob.transports.find((t) => t.direction === 'recv')! };
      // The streams each transport carries: alice's producers in, bob's consumers out.
      const carried = {
        alice: new Set(serverAlice.producers.flatMap((p) => ssrcsOf(p.rtpParameters))),
        bob: new Set(serverBob.consumers.flatMap((c) => ssrcsOf(c.rtpParameters))),
      };
      assert.ok(carried.alice.size >= 2 && carried.bob.size >= 2);

      // Per flag: what each sink must get (at least `min` of one kind, and no other kind).
      const expected: Record<Flag, { alice?: Kind; bob?: Kind }> = {
        recvRtp: { alice: 'rtp-media' }, // bob sends no RTP
        sendRtp: { bob: 'rtp-media' }, // nothing is sent to alice as RTP
        recvRtcp: { alice: 'rtcp-from-media-sender', bob: 'rtcp-from-media-receiver' },
        sendRtcp: { alice: 'rtcp-from-media-receiver', bob: 'rtcp-from-media-sender' },
      };
      for (const flag of ['sendRtp', 'sendRtcp', 'recvRtp', 'recvRtcp'] as const) {
        // RTCP is sparser (libwebrtc reports about once a second): a longer window.
        const sinks = await mirror(transports, { [flag]: true }, flag.endsWith('Rtcp') ? 3500 : 2000);
        for (const name of ['alice', 'bob'] as const) {
          const counts = sinks[name].counts(carried[name]);
          const kind = expected[flag][name];
          const detail = `${flag} on ${name}'s transport: ${JSON.stringify(counts)}`;
          assert.deepEqual(Object.keys(counts), kind ? [kind] : [], detail);
          if (kind) assert.ok(counts[kind]! >= (kind === 'rtp-media' ? 50 : 2), detail);
          if (kind) assert.deepEqual([...sinks[name].sources], ['127.0.0.1']);
        }
        if (flag === 'sendRtcp') {
          // Among the server's RTCP to alice: transport-cc feedback (RTPFB, FMT 15) and receiver reports.
          const firstTypes = new Set(sinks.alice.datagrams.map((d) => `${d[1]}/${d[0]! & 0x1f}`));
          assert.ok(firstTypes.has('205/15'), `transport-cc among ${[...firstTypes].join(', ')}`);
          assert.ok(firstTypes.has('201/1'), `RR among ${[...firstTypes].join(', ')}`);
        }
      }

      // Decrypted RTP: alice's incoming and bob's outgoing video carry identical payloads,
      // which SRTP under two different keys would never give.
      const both = await mirror(transports, { recvRtp: true, sendRtp: true }, 1500);
      const fromAlice = new Set(both.alice.datagrams.map((d) => rtpPayload(d).toString('hex')).filter((h) => h.length > 200));
      const toBob = both.bob.datagrams.map((d) => rtpPayload(d).toString('hex')).filter((h) => h.length > 200);
      const same = toBob.filter((h) => fromAlice.has(h)).length;
      assert.ok(same >= 20, `payloads seen both in and out: ${same} of ${toBob.length}`);
    } finally {
      media.stop();
      alice.close();
      bob.close();
      room.close();
    }
  });

  test('bad options are TypeErrors and a closed transport refuses', async () => {
    const room = server.Room([{ kind: 'audio', name: 'opus', clockRate: 48000, channels: 2 }]);
    const alice = new V2NodeClient(room, 'alice');
    try {
      await alice.join();
      const media = syntheticMedia();
      try {
        await alice.room.createProducer(media.audioTrack).send(alice.room.createTransport('send'));
      } finally {
        media.stop();
      }
      const transport = room.getPeerByName('alice')!.transports[0]!;
      for (const bad of [undefined, {}, { remoteIP: 'example.com', remotePort: 5000 }, { remoteIP: '127.0.0.1', remotePort: 70000 }, { remoteIP: '::1', remotePort: 5000, localIP: '127.0.0.1' }, { remoteIP: '127.0.0.1', remotePort: 5000, sendRtp: 1 }]) {
        await assert.rejects(transport.startMirroring(bad as never), TypeError, JSON.stringify(bad));
      }
      // Stopping when nothing runs is fine; starting twice replaces.
      await transport.stopMirroring();
      await transport.startMirroring({ remoteIP: '127.0.0.1', remotePort: 9, recvRtp: true });
      await transport.startMirroring({ remoteIP: '127.0.0.1', remotePort: 9, recvRtcp: true });
      transport.close();
      await assert.rejects(transport.startMirroring({ remoteIP: '127.0.0.1', remotePort: 9 }), /closed/);
      await assert.rejects(transport.stopMirroring(), /closed/);
    } finally {
      alice.close();
      room.close();
    }
  });
});
