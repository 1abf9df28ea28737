import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createPair, sendWhenPossible, type Pair } from './test-pair.test.helper.js';
import { PPID } from './ppid.js';
import type { SctpAssociation } from './association.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

function collect(a: SctpAssociation): Array<{ streamId: number; ppid: number; data: Buffer }> {
  const out: Array<{ streamId: number; ppid: number; data: Buffer }> = [];
  a.on('message', (streamId, ppid, data) => out.push({ streamId, ppid, data }));
  return out;
}

function closePair(p: Pair): void {
  p.client.close();
  p.server.close();
}

test('handshake: client INIT, both sides connected', async () => {
  const p = createPair();
  const states: string[] = [];
  p.client.on('statechange', (s) => states.push(s));
  await p.connected;
  assert.equal(p.client.state, 'connected');
  assert.equal(p.server.state, 'connected');
  assert.deepEqual(states, ['connected']);
  closePair(p);
  assert.equal(p.client.state, 'closed');
});

test('ordered: 1000 messages arrive intact and in order', async () => {
  const p = createPair();
  await p.connected;
  const got = collect(p.server);
  for (let i = 0; i < 1000; i++) assert.equal(p.client.send(1, PPID.string, Buffer.from(`message ${i}`), { ordered: true }), 'ok');
  await until(() => got.length === 1000, 5000, '1000 messages');
  got.forEach((m, i) => {
    assert.equal(m.streamId, 1);
    assert.equal(m.ppid, PPID.string);
    assert.equal(m.data.toString(), `message ${i}`);
  });
  await until(() => p.client.bufferedAmount() === 0, 2000, 'send buffer to drain');
  closePair(p);
});

for (const ordered of [false, true]) {
  test(`${ordered ? 'ordered' : 'unordered'} maxRetransmits 0 over a 10% lossy link: nothing stalls`, async () => {
    const p = createPair({}, 7);
    await p.connected;
    const got = collect(p.server);
    p.toServer.loss = 0.1;
    p.toClient.loss = 0.1;
    for (let i = 0; i < 400; i++) {
      const payload = Buffer.from(`lossy ${i}`.padEnd(ordered ? 50 : 3000, '.'));
      while (p.client.send(2, PPID.binary, payload, { ordered, maxRetransmits: 0 }) === 'buffer-full') await sleep(2);
      if (i % 20 === 19) await sleep(2);
    }
    await sleep(200);
    p.toServer.loss = 0;
    p.toClient.loss = 0;
    const before = got.length;
    for (let i = 0; i < 50; i++) p.client.send(2, PPID.binary, Buffer.from(`after ${i}`), { ordered, maxRetransmits: 0 });
    // Abandoned chunks are skipped by FORWARD TSN after at most one T3 expiry (RTO ≥ 1 s).
    await until(() => got.filter((m) => m.data.toString().startsWith('after')).length === 50, 6000, 'messages sent after the loss');
    const lossy = got.slice(0, before).map((m) => Number(m.data.toString().split(' ')[1]!.replace(/\.+$/, '')));
    assert.ok(lossy.length > 200 && lossy.length < 400, `some lossy messages dropped, most delivered (${lossy.length})`);
    assert.equal(new Set(lossy).size, lossy.length, 'no duplicates');
    if (ordered) assert.deepEqual(lossy, [...lossy].sort((a, b) => a - b), 'ordered delivery stays in order');
    await until(() => p.client.bufferedAmount() === 0, 6000, 'abandoned messages to leave the buffer');
    closePair(p);
  });
}

test('maxPacketLifeTime: expired messages are abandoned, later ones arrive', async () => {
  const p = createPair({}, 3);
  await p.connected;
  const got = collect(p.server);
  p.toServer.loss = 0.3;
  for (let i = 0; i < 100; i++) p.client.send(4, PPID.string, Buffer.from(`timed ${i}`), { ordered: true, maxPacketLifeTime: 50 });
  await sleep(100);
  p.toServer.loss = 0;
  for (let i = 0; i < 20; i++) p.client.send(4, PPID.string, Buffer.from(`late ${i}`), { ordered: true, maxPacketLifeTime: 5000 });
  await until(() => got.filter((m) => m.data.toString().startsWith('late')).length === 20, 6000, 'late messages');
  assert.ok(got.length < 120, 'some timed messages were abandoned');
  closePair(p);
});

test('strings, binary and empty messages (PPID 56/57 delivered empty)', async () => {
  const p = createPair();
  await p.connected;
  const got = collect(p.server);
  p.client.send(1, PPID.string, Buffer.from('héllo'), { ordered: true });
  p.client.send(1, PPID.binary, Buffer.from([0, 1, 2]), { ordered: true });
  p.client.send(1, PPID.string, Buffer.alloc(0), { ordered: true });
  p.client.send(1, PPID.binary, Buffer.alloc(0), { ordered: true });
  p.client.send(1, PPID.stringEmpty, Buffer.from('ignored'), { ordered: true });
  await until(() => got.length === 5, 2000, '5 messages');
  assert.deepEqual(
    got.map((m) => [m.ppid, m.data.toString('hex')]),
    [
      [51, Buffer.from('héllo').toString('hex')],
      [53, '000102'],
      [56, ''],
      [57, ''],
      [56, ''],
    ],
  );
  closePair(p);
});

test('5 MiB in 16 KiB messages respecting bufferedAmount: SHA-256 equal', async () => {
  const p = createPair();
  await p.connected;
  const data = randomBytes(5 * 1024 * 1024);
  const rx = createHash('sha256');
  let received = 0;
  p.server.on('message', (_s, _p, d) => {
    rx.update(d);
    received += d.length;
  });
  let maxBuffered = 0;
  for (let off = 0; off < data.length; off += 16384) {
    await sendWhenPossible(p.client, 3, PPID.binary, data.subarray(off, off + 16384), { ordered: true });
    maxBuffered = Math.max(maxBuffered, p.client.bufferedAmount());
  }
  await until(() => received === data.length, 20000, '5 MiB');
  assert.equal(rx.digest('hex'), createHash('sha256').update(data).digest('hex'));
  assert.ok(maxBuffered <= p.client.sendBufferSize, `buffer bounded (${maxBuffered})`);
  closePair(p);
});

test("a message above maxMessageSize is refused with 'too-large', never truncated", async () => {
  const p = createPair({ maxMessageSize: 65536 });
  await p.connected;
  assert.equal(p.client.send(1, PPID.binary, Buffer.alloc(65537), { ordered: true }), 'too-large');
  assert.equal(p.client.send(1, PPID.binary, Buffer.alloc(65536), { ordered: true }), 'ok');
  assert.equal(p.client.send(5000, PPID.binary, Buffer.alloc(1), { ordered: true }), 'closed', 'stream beyond the negotiated count');
  closePair(p);
  assert.equal(p.client.send(1, PPID.binary, Buffer.alloc(1), { ordered: true }), 'closed');
});

test('stream reset both ways, then the stream id is reused from SSN 0', async () => {
  const p = createPair();
  await p.connected;
  const serverGot = collect(p.server);
  const clientGot = collect(p.client);
  const serverResets: number[][] = [];
  const clientResets: number[][] = [];
  p.server.on('streamreset', (ids) => serverResets.push(ids));
  p.client.on('streamreset', (ids) => clientResets.push(ids));
  for (let i = 0; i < 5; i++) p.client.send(7, PPID.string, Buffer.from(`a${i}`), { ordered: true });
  p.server.send(7, PPID.string, Buffer.from('b0'), { ordered: true });
  await until(() => serverGot.length === 5 && clientGot.length === 1, 2000, 'first messages');
  p.client.resetStreams([7]);
  // The server resets its own side of stream 7 in turn (RFC 8831 §6.7).
  await until(() => serverResets.length === 1 && clientResets.length === 1, 3000, 'both resets');
  assert.deepEqual(serverResets, [[7]]);
  assert.deepEqual(clientResets, [[7]]);
  await sleep(20);
  for (let i = 0; i < 3; i++) p.client.send(7, PPID.string, Buffer.from(`c${i}`), { ordered: true });
  p.server.send(7, PPID.string, Buffer.from('d0'), { ordered: true });
  await until(() => serverGot.length === 8 && clientGot.length === 2, 2000, 'messages on the reused stream');
  assert.deepEqual(serverGot.slice(5).map((m) => m.data.toString()), ['c0', 'c1', 'c2']);
  assert.equal(clientGot[1]!.data.toString(), 'd0');
  closePair(p);
});

test('an incoming reset waits for the data sent before it (RFC 6525 §5.2.2)', async () => {
  const p = createPair();
  await p.connected;
  const got = collect(p.server);
  let held: Buffer | undefined;
  let holding = true;
  p.toServer.filter = (packet) => {
    // DATA chunk (type 0) on stream 9 with payload "last": keep it back once.
    if (holding && packet[12] === 0 && packet.readUInt16BE(20) === 9 && packet.subarray(28, 32).toString() === 'last') {
      held = packet;
      holding = false;
      return true;
    }
    return false;
  };
  const resets: number[][] = [];
  p.server.on('streamreset', (ids) => resets.push(ids));
  p.client.send(9, PPID.string, Buffer.from('first'), { ordered: true });
  p.client.send(9, PPID.string, Buffer.from('last'), { ordered: true });
  p.client.resetStreams([9]);
  await sleep(50);
  assert.ok(held, 'the DATA packet was held back');
  assert.deepEqual(resets, [], 'reset deferred while "last" is missing');
  p.server.handlePacket(held);
  await until(() => resets.length === 1, 3000, 'deferred reset');
  assert.deepEqual(got.map((m) => m.data.toString()), ['first', 'last']);
  closePair(p);
});

test('close() clears every timer it armed and the process is left with none', async () => {
  const created: NodeJS.Timeout[] = [];
  const realSetTimeout = globalThis.setTimeout;
  globalThis.setTimeout = ((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const t = realSetTimeout(fn, ms, ...args);
    created.push(t);
    return t;
  }) as typeof setTimeout;
  let p: Pair;
  try {
    p = createPair();
    await p.connected;
    for (let i = 0; i < 50; i++) p.client.send(1, PPID.binary, Buffer.alloc(3000), { ordered: true });
    p.server.send(1, PPID.string, Buffer.from('x'), { ordered: true });
    p.client.resetStreams([1]);
  } finally {
    globalThis.setTimeout = realSetTimeout;
  }
  closePair(p);
  await sleep(20);
  assert.ok(created.length > 0, 'the engine armed timers');
  const alive = created.filter((t) => !(t as unknown as { _destroyed: boolean })._destroyed);
  assert.deepEqual(alive.length, 0, `${alive.length} timers left armed`);
  assert.ok(!process.getActiveResourcesInfo().includes('Timeout'), 'no ref’d timers');
});

test('a listener that throws does not break the association', async () => {
  const p = createPair();
  await p.connected;
  const got = collect(p.server);
  p.server.on('message', () => {
    throw new Error('listener bug');
  });
  for (let i = 0; i < 10; i++) p.client.send(1, PPID.string, Buffer.from(`m${i}`), { ordered: true });
  await until(() => got.length === 10, 2000, '10 messages');
  assert.equal(p.server.stats.listenerErrors, 10);
  closePair(p);
});

test('peer ABORT moves the other side to failed; graceful fields counted', async () => {
  const p = createPair();
  await p.connected;
  p.client.close();
  await until(() => p.server.state === 'failed', 2000, 'server to see the ABORT');
  assert.ok(p.client.stats.packetsSent > 0 && p.server.stats.packetsReceived > 0);
  p.server.close();
});

test('a sender waiting on bufferedamount never stalls (tiny send buffer, many tiny messages)', { timeout: 30_000 }, async () => {
  const p = createPair({ sendBufferSize: 4096 });
  try {
    await p.connected;
    let received = 0;
    p.server.on('message', () => received++);
    const total = 20_000;
    for (let i = 0; i < total; i++) {
      // Without an up-to-date per-stream count, the event this waits for was never emitted.
      await sendWhenPossible(p.client, 1, PPID.binary, Buffer.from([i & 0xff]), { ordered: true });
    }
    const deadline = Date.now() + 20_000;
    while (received < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(received, total);
  } finally {
    p.client.close();
    p.server.close();
  }
});
