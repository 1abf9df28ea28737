/**
 * Acceptance: with a room secret configured, join needs a valid room token
 * (JWT HS256): missing, garbage, wrongly signed, for another room or expired
 * tokens get UNAUTHORIZED and create no room; a valid one joins.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { createRoomToken, startServer, type RunningServer } from '@consomme/server';
import { exitAfterWrtcTests } from '../lib/node-client.js';
import { AppClient } from './app-client.js';

// app-client.ts loads @roamhq/wrtc, whose teardown at exit can crash.
exitAfterWrtcTests(after);

const SECRET = 'tokens-test-secret';

describe('app server: room tokens', { timeout: 30_000 }, () => {
  let server: RunningServer;
  const clients: AppClient[] = [];

  async function client(): Promise<AppClient> {
    const c = await AppClient.connect(server.url);
    clients.push(c);
    return c;
  }

  before(async () => {
    server = await startServer({ port: 0, numWorkers: 1, rtc: { webRtcServerPort: 0 }, logLevel: 'silent', roomSecret: SECRET });
  });

  after(async () => {
    for (const c of clients) c.close();
    await server?.close();
  });

  test('missing, garbage, wrongly signed, wrong-room and expired tokens are UNAUTHORIZED', async () => {
    const c = await client();
    const expired = await new SignJWT({ room: 'standup' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(SECRET));
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"room":"standup"}').toString('base64url')}.`;
    const cases: [string, string | undefined][] = [
      ['no token', undefined],
      ['garbage', 'not-a-jwt'],
      ['alg none', unsigned],
      ['another secret', await createRoomToken('some-other-secret', 'standup', 60)],
      ['another room', await createRoomToken(SECRET, 'retro', 60)],
      ['expired', expired],
    ];
    for (const [name, token] of cases) {
      const data = { roomId: 'standup', displayName: 'Eve', ...(token !== undefined ? { token } : {}) };
      assert.equal(await c.failure('join', data), 'UNAUTHORIZED', name);
    }
    assert.equal(server.rooms.size, 0, 'no room was created');
    assert.equal(c.socket.connected, true);
  });

  test('a valid token joins; a "*" token joins any room; the name claim names the peer', async () => {
    const a = await client();
    const joined = await a.join('standup', 'Alice', { token: await createRoomToken(SECRET, 'standup', 60) });
    assert.equal(joined.roomId, 'standup');
    assert.equal(joined.resumed, false);

    const b = await client();
    await b.join('standup', 'typed name', { token: await createRoomToken(SECRET, '*', 60, 'Bob from the token') });
    const announced = await a.waitFor('peerJoined');
    assert.equal(announced.displayName, 'Bob from the token');
    assert.deepEqual(server.rooms.get('standup')?.peers.length, 2);
  });
});
