/** seed 002: Server (settings, Room placement, updateSettings, close, events). */
import assert from 'node:assert/strict';
import { cpus } from 'node:os';
import { after, describe, test } from 'node:test';
import { Server, errors, observer, rooms, type types } from 'consomme';
import { SEED_CODECS, join, loopbackServer, waitFor } from './helpers.js';

const servers: rooms.RoomsServer[] = [];
const track = (s: rooms.RoomsServer): rooms.RoomsServer => (servers.push(s), s);
after(() => {
  for (const s of servers) s.close();
});

/** Workers started while fn runs (the core's observer announces each one). */
async function workersStartedBy(fn: () => void, count: number): Promise<types.Worker[]> {
  const workers: types.Worker[] = [];
  const listener = (w: unknown): void => void workers.push(w as types.Worker);
  observer.on('newworker', listener);
  try {
    fn();
    const deadline = Date.now() + 15_000;
    while (workers.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300)); // and no more than that
    return workers;
  } finally {
    observer.off('newworker', listener);
  }
}

describe('Server', { timeout: 60_000 }, () => {
  test('Server(settings) works with and without new and returns a Server', async () => {
    const a = track(Server({ numWorkers: 1, logLevel: 'error', rtcIPv4: '127.0.0.1', rtcIPv6: false }));
    const b = track(new Server({ numWorkers: 1, logLevel: 'error', rtcIPv4: '127.0.0.1', rtcIPv6: false }));
    assert.ok(a instanceof Server);
    assert.ok(b instanceof Server);
    assert.ok(a instanceof rooms.RoomsServer);
    assert.equal(a.closed, false);
    // Both usable (and their workers started before the next test counts workers).
    await a.Room(SEED_CODECS).receiveRequest({ method: 'queryRoom', target: 'room' });
    await b.Room(SEED_CODECS).receiveRequest({ method: 'queryRoom', target: 'room' });
  });

  test('numWorkers defaults to the number of CPU cores', async () => {
    const workers = await workersStartedBy(() => track(Server({ logLevel: 'error', rtcIPv4: '127.0.0.1', rtcIPv6: false })), cpus().length);
    assert.equal(workers.length, cpus().length);
  });

  test('numWorkers: 2 starts two workers and places rooms on both', async () => {
    let server!: rooms.RoomsServer;
    const workers = await workersStartedBy(() => (server = track(loopbackServer({ numWorkers: 2 }))), 2);
    assert.equal(workers.length, 2);
    const routersPerWorker = workers.map(() => 0);
    workers.forEach((w, i) => w.observer.on('newrouter', () => routersPerWorker[i]!++));
    const roomA = server.Room(SEED_CODECS);
    const roomB = server.Room(SEED_CODECS);
    await roomA.receiveRequest({ method: 'queryRoom', target: 'room' });
    await roomB.receiveRequest({ method: 'queryRoom', target: 'room' });
    assert.deepEqual(routersPerWorker, [1, 1]);
  });

  test("a room keeps working when another room's worker is killed", async () => {
    let server!: rooms.RoomsServer;
    const workers = await workersStartedBy(() => (server = track(loopbackServer({ numWorkers: 2 }))), 2);
    const roomA = server.Room(SEED_CODECS);
    const roomB = server.Room(SEED_CODECS);
    await join(roomA, 'a1');
    await join(roomB, 'b1');
    const closedRooms: rooms.Room[] = [];
    roomA.on('close', () => closedRooms.push(roomA));
    roomB.on('close', () => closedRooms.push(roomB));
    process.kill(workers[0]!.pid, 'SIGKILL');
    const deadline = Date.now() + 5000;
    while (closedRooms.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(closedRooms.length, 1, 'exactly the room of the killed worker closed');
    const survivor = closedRooms[0] === roomA ? roomB : roomA;
    assert.equal(survivor.closed, false);
    const { peer } = await join(survivor, 'late');
    assert.equal(peer.closed, false);
    assert.equal(survivor.peers.length, 2);
    // New rooms still get a worker (the dead one is replaced).
    const fresh = server.Room(SEED_CODECS);
    const { peer: p } = await join(fresh, 'x');
    assert.equal(p.name, 'x');
  });

  test('invalid settings are TypeErrors', () => {
    const base = { rtcIPv4: '127.0.0.1', rtcIPv6: false } as const;
    assert.throws(() => Server({ ...base, numWorkers: 0 }), TypeError);
    assert.throws(() => Server({ ...base, numWorkers: 1.5 }), TypeError);
    assert.throws(() => Server({ ...base, logLevel: 'info' as 'warn' }), TypeError);
    assert.throws(() => Server({ ...base, logTags: ['nope' as 'ice'] }), TypeError);
    assert.throws(() => Server({ rtcIPv4: '::1', rtcIPv6: false }), TypeError);
    assert.throws(() => Server({ rtcIPv4: false, rtcIPv6: false }), TypeError);
    assert.throws(() => Server({ ...base, rtcAnnouncedIPv4: 'not-an-ip' }), TypeError);
    assert.throws(() => Server({ ...base, rtcMinPort: 50000, rtcMaxPort: 40000 }), TypeError);
    assert.throws(() => Server({ ...base, dtlsCertificateFile: '/nonexistent/cert.pem', dtlsPrivateKeyFile: '/nonexistent/key.pem' }), TypeError);
  });

  test('rtcMinPort/rtcMaxPort bound the ports and rtcAnnouncedIPv4 is announced', async () => {
    const server = track(loopbackServer({ rtcMinPort: 42000, rtcMaxPort: 42099, rtcAnnouncedIPv4: '203.0.113.7' }));
    const room = server.Room(SEED_CODECS);
    const { peer } = await join(room, 'p');
    const response = (await peer.receiveRequest({ method: 'createTransport', target: 'peer', id: 1, direction: 'recv', options: {} })) as any;
    assert.ok(response.iceCandidates.length >= 1);
    for (const c of response.iceCandidates) {
      assert.equal(c.ip, '203.0.113.7');
      assert.ok(c.port >= 42000 && c.port <= 42099, `port ${c.port}`);
    }
    const udpOnly = (await peer.receiveRequest({ method: 'createTransport', target: 'peer', id: 2, direction: 'recv', options: { tcp: false } })) as any;
    assert.deepEqual(new Set(udpOnly.iceCandidates.map((c: any) => c.protocol)), new Set(['udp']));
  });

  test("Room(mediaCodecs) emits 'newroom' and gives each room its own integer id", async () => {
    const server = track(loopbackServer());
    const seen: rooms.Room[] = [];
    server.on('newroom', (room) => seen.push(room));
    const a = server.Room(SEED_CODECS);
    const b = server.Room(SEED_CODECS);
    assert.deepEqual(seen, [a, b]);
    assert.ok(Number.isInteger(a.id) && Number.isInteger(b.id));
    assert.notEqual(a.id, b.id);
  });

  test('RTX or FEC in mediaCodecs is a TypeError, as is a malformed codec', () => {
    const server = track(loopbackServer());
    for (const name of ['rtx', 'RTX', 'ulpfec', 'red', 'flexfec-03']) {
      assert.throws(() => server.Room([...SEED_CODECS, { kind: 'video', name, clockRate: 90000 }]), TypeError, name);
    }
    assert.throws(() => server.Room('opus'), TypeError);
    assert.throws(() => server.Room([{ kind: 'text', name: 'x', clockRate: 1 }]), TypeError);
    assert.throws(() => server.Room([{ kind: 'audio', name: 'opus' }]), TypeError);
  });

  test('updateSettings() changes logLevel and logTags and validates them', async () => {
    const server = track(loopbackServer());
    await server.updateSettings({ logLevel: 'error', logTags: ['ice', 'dtls'] });
    await assert.rejects(server.updateSettings({ logLevel: 'loud' as 'warn' }), TypeError);
    await assert.rejects(server.updateSettings({ logTags: ['x' as 'ice'] }), TypeError);
  });

  test("close() closes its rooms, emits 'close' once, and later calls are InvalidStateError", async () => {
    const server = track(loopbackServer());
    const room = server.Room(SEED_CODECS);
    await join(room, 'p');
    let closes = 0;
    server.on('close', () => closes++);
    server.close();
    server.close();
    assert.equal(closes, 1);
    assert.equal(server.closed, true);
    assert.equal(room.closed, true);
    assert.throws(() => server.Room(SEED_CODECS), errors.InvalidStateError);
    await assert.rejects(server.updateSettings({ logLevel: 'warn' }), errors.InvalidStateError);
    await waitFor(server, 'nothing', 1).catch(() => undefined);
  });
});
