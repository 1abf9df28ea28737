import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { createRoomToken, verifyRoomToken } from './tokens.js';

const secret = 'a-test-secret-of-reasonable-length';

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('room tokens', () => {
  test('a valid token for the room, and a "*" token for any room', async () => {
    assert.deepEqual(await verifyRoomToken(secret, await createRoomToken(secret, 'standup', 60), 'standup'), { ok: true });
    const any = await createRoomToken(secret, '*', 60);
    assert.deepEqual(await verifyRoomToken(secret, any, 'other-room'), { ok: true });
  });

  test('the name claim is returned', async () => {
    const token = await createRoomToken(secret, 'r1', 60, 'Ada');
    assert.deepEqual(await verifyRoomToken(secret, token, 'r1'), { ok: true, name: 'Ada' });
  });

  test('wrong room', async () => {
    const token = await createRoomToken(secret, 'r1', 60);
    assert.deepEqual(await verifyRoomToken(secret, token, 'r2'), { ok: false, reason: 'token is for another room' });
  });

  test('expired', async () => {
    const token = await new SignJWT({ room: 'r1' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(Math.floor(Date.now() / 1000) - 120)
      .sign(new TextEncoder().encode(secret));
    assert.deepEqual(await verifyRoomToken(secret, token, 'r1'), { ok: false, reason: 'token expired' });
  });

  test('bad signature (another secret, or a tampered payload)', async () => {
    const other = await createRoomToken('another-secret', 'r1', 60);
    assert.deepEqual(await verifyRoomToken(secret, other, 'r1'), { ok: false, reason: 'invalid token' });
    const [header, , signature] = (await createRoomToken(secret, 'r1', 60)).split('.');
    const tampered = `${header}.${b64url({ room: '*', exp: Math.floor(Date.now() / 1000) + 60 })}.${signature}`;
    assert.deepEqual(await verifyRoomToken(secret, tampered, 'r1'), { ok: false, reason: 'invalid token' });
  });

  test('garbage', async () => {
    for (const garbage of ['', 'abc', 'a.b.c', '....', 'x'.repeat(4096), `${b64url({ alg: 'HS256' })}.%%%.###`]) {
      assert.equal((await verifyRoomToken(secret, garbage, 'r1')).ok, false, JSON.stringify(garbage.slice(0, 20)));
    }
  });

  test('alg none and other algorithms are refused', async () => {
    const payload = b64url({ room: 'r1', exp: Math.floor(Date.now() / 1000) + 60 });
    assert.equal((await verifyRoomToken(secret, `${b64url({ alg: 'none', typ: 'JWT' })}.${payload}.`, 'r1')).ok, false);
    const hs512 = await new SignJWT({ room: 'r1' }).setProtectedHeader({ alg: 'HS512' }).sign(new TextEncoder().encode(secret));
    assert.equal((await verifyRoomToken(secret, hs512, 'r1')).ok, false);
  });

  test('a token without a room claim', async () => {
    const token = await new SignJWT({ name: 'x' }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));
    assert.deepEqual(await verifyRoomToken(secret, token, 'r1'), { ok: false, reason: 'token has no room claim' });
  });

  test('createRoomToken refuses an empty secret or a bad ttl', async () => {
    await assert.rejects(createRoomToken('', 'r1', 60), TypeError);
    await assert.rejects(createRoomToken(secret, 'r1', 0), TypeError);
  });
});
