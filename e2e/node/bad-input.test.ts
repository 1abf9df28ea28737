/**
 * Bad input in mid-call: garbage and malformed STUN, RTP, RTCP and DTLS
 * datagrams (and TCP frames) sent to a live transport's ports. Each is
 * dropped and counted in getStats().dropped; the worker stays up and the
 * call goes on.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { connect } from 'node:net';
import { after, describe, test } from 'node:test';
import { StunAttributeType, StunMessageBuilder, parseStun, shortTermKey } from '../../packages/consomme/src/wire/stun/index.js';
import { exitAfterWrtcTests, sleep } from '../lib/node-client.js';
import { expectMediaFlowing, startCall } from './call-helpers.js';

exitAfterWrtcTests(after);

function send(socket: Socket, port: number, buf: Buffer): Promise<void> {
  return new Promise((resolve) => socket.send(buf, port, '127.0.0.1', () => resolve()));
}

function bindingRequest(username: string, password: string, useCandidate = false): Buffer {
  const b = new StunMessageBuilder('request', 0x001, randomBytes(12)).username(username).priority(1862270975).iceControlling(12345n);
  if (useCandidate) b.useCandidate();
  return b.build({ integrityKey: shortTermKey(password), fingerprint: true });
}

/** A deterministic stream of mutated and random datagrams of every class. */
function* garbage(count: number): Generator<Buffer> {
  let seed = 0x9e3779b9;
  const rnd = (n: number): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  const firstBytes = [0x00, 0x01, 0x16, 0x17, 0x15, 0x80, 0x90, 0xbf, 0xff, 0x40];
  for (let i = 0; i < count; i++) {
    const length = rnd(300);
    const buf = randomBytes(length);
    if (length > 0) buf[0] = firstBytes[rnd(firstBytes.length)]!;
    if (length > 1 && buf[0] === 0x80) buf[1] = rnd(2) ? 0xc8 + rnd(8) : rnd(128); // RTCP or RTP
    yield buf;
  }
}

type Drops = Record<string, number>;

/** The transport's drop counters once they stop moving (datagrams already sent may still be in the worker's queue). */
async function settledDrops(transport: { getStats(): Promise<{ dropped: Drops }[]> }): Promise<Drops> {
  let last = '';
  for (let i = 0; i < 50; i++) {
    const dropped = (await transport.getStats())[0]!.dropped;
    const now = JSON.stringify(dropped);
    if (now === last) return dropped;
    last = now;
    await sleep(200);
  }
  throw new Error(`drop counters never settled: ${last}`);
}

describe('bad input to a live transport', { timeout: 120_000 }, () => {
  test('garbage, malformed and unauthenticated datagrams are dropped and counted; the call continues', async () => {
    const call = await startCall();
    const attacker = createSocket('udp4');
    await new Promise<void>((resolve) => attacker.bind(0, '127.0.0.1', resolve));
    try {
      await expectMediaFlowing(call, 'before the attack');
      const server = call.fixture.transports.get(call.b.recv!.id)!;
      const udpPort = server.iceCandidates.find((c) => c.protocol === 'udp')!.port;
      const tcpPort = server.iceCandidates.find((c) => c.protocol === 'tcp')!.port;
      const selectedBefore = server.iceSelectedTuple;

      // 1. From an unknown tuple: STUN with bad credentials gets a 401, the rest is dropped.
      const replies: Buffer[] = [];
      attacker.on('message', (msg) => replies.push(msg));
      await send(attacker, udpPort, bindingRequest(`wrongufrag:x`, 'nopassword'));
      await send(attacker, udpPort, Buffer.from('000100002112a442', 'hex')); // truncated STUN
      await send(attacker, udpPort, Buffer.concat([Buffer.from([0x80, 0x60, 0, 1]), randomBytes(200)])); // RTP-shaped
      await send(attacker, udpPort, Buffer.concat([Buffer.from([0x80, 0xc8, 0, 6]), randomBytes(24)])); // RTCP-shaped
      await send(attacker, udpPort, Buffer.concat([Buffer.from([0x16, 0xfe, 0xfd]), randomBytes(60)])); // DTLS-shaped
      await send(attacker, udpPort, Buffer.from([0xff, 0xff, 0xff]));
      await send(attacker, udpPort, Buffer.alloc(0));
      await sleep(300);
      const errorReply = replies.map((r) => parseStun(r)).find((m) => m?.class === 'errorResponse');
      assert.ok(errorReply, 'bad credentials got a STUN error response');
      const code = errorReply!.attributes.find((a) => a.type === StunAttributeType.ErrorCode)!.value;
      assert.equal(code[2]! * 100 + code[3]!, 401);

      // 2. The attacker proves the ICE password (as a peer on another path could), without
      //    nomination: its tuple is valid but not selected; then it sends forged SRTP, SRTCP, DTLS.
      replies.length = 0;
      const { usernameFragment, password } = server.iceParameters;
      await send(attacker, udpPort, bindingRequest(`${usernameFragment}:attacker`, password));
      await sleep(200);
      assert.equal(replies.map((r) => parseStun(r)).find(Boolean)?.class, 'successResponse');
      for (const datagram of garbage(3000)) await send(attacker, udpPort, datagram);

      // 3. TCP: an RTP-shaped garbage frame, an empty frame, STUN-shaped junk, then a frame cut short.
      //    The UDP flood above must be fully counted first, so that what grows next is the TCP junk.
      const before = await settledDrops(server);
      await new Promise<void>((resolve, reject) => {
        const socket = connect(tcpPort, '127.0.0.1', () => {
          const junk = randomBytes(100);
          junk[0] = 0x80;
          junk[1] = 0x60; // payload type 96: RTP, not RTCP (RFC 5761 §4)
          socket.write(Buffer.concat([Buffer.from([0, 100]), junk, Buffer.from([0, 0]), Buffer.from([0, 4, 0, 1, 0, 0]), Buffer.from([0x01, 0x00, 0xaa])]));
          setTimeout(() => {
            socket.destroy();
            resolve();
          }, 300);
        });
        socket.on('error', reject);
      });
      const afterTcp = await settledDrops(server);
      const grew = (reason: string): number => (afterTcp[reason] ?? 0) - (before[reason] ?? 0);
      // The TCP connection is an unknown tuple (it never passed a binding check): its RTP frame and
      // its malformed STUN frame are each dropped and counted once.
      assert.equal(grew('rtp-from-unknown-tuple'), 1, `TCP RTP frame counted: ${JSON.stringify({ before, afterTcp })}`);
      assert.equal(grew('stun-malformed'), 1, `TCP STUN junk counted: ${JSON.stringify({ before, afterTcp })}`);
      assert.equal(grew('tcp-empty-frame'), 1, `the empty TCP frame counted: ${JSON.stringify({ before, afterTcp })}`);

      const [stats] = await server.getStats();
      const dropped = stats!.dropped;
      const total = Object.values(dropped).reduce((a, b) => a + b, 0);
      assert.ok(total > 2000, `drops counted: ${JSON.stringify(dropped)}`);
      for (const reason of ['stun-malformed', 'rtp-from-unknown-tuple', 'rtcp-from-unknown-tuple', 'dtls-from-unknown-tuple', 'unknown-datagram', 'srtp-auth']) {
        assert.ok((dropped[reason] ?? 0) > 0, `counted ${reason}: ${JSON.stringify(dropped)}`);
      }
      assert.ok(Object.keys(dropped).some((k) => k.startsWith('stun-') && k !== 'stun-malformed'), `STUN rejections counted: ${JSON.stringify(dropped)}`);
      assert.ok(Object.keys(dropped).some((k) => k.startsWith('srtcp-')), `SRTCP drops counted: ${JSON.stringify(dropped)}`);

      // The call goes on: same selected tuple, worker alive, media flowing both ways through it.
      assert.deepEqual(server.iceSelectedTuple, selectedBefore);
      assert.equal(call.fixture.worker.died, false);
      await expectMediaFlowing(call, 'after the attack');
    } finally {
      attacker.close();
      call.close();
    }
  });
});
