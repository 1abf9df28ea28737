import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RoomError } from './errors.js';
import { parseNotification, parseReply } from './signaling.js';

test('parseReply returns data on ok and throws the typed error otherwise', () => {
  assert.deepEqual(parseReply('ready', { ok: true, data: { a: 1 } }), { a: 1 });
  assert.deepEqual(parseReply('ready', { ok: true }), {});
  assert.throws(() => parseReply('join', { ok: false, error: { code: 'ROOM_FULL', message: 'full' } }),
    (e: unknown) => e instanceof RoomError && e.code === 'ROOM_FULL' && e.message === 'full');
  for (const bad of [undefined, null, 'ok', { ok: 'yes' }, { ok: false }, { ok: false, error: { code: 3 } }]) {
    assert.throws(() => parseReply('join', bad), (e: unknown) => e instanceof RoomError && e.code === 'INTERNAL');
  }
});

test('parseNotification accepts known methods with object data only', () => {
  assert.deepEqual(parseNotification({ method: 'peerLeft', data: { peerId: 'p' } }), { method: 'peerLeft', data: { peerId: 'p' } });
  for (const bad of [null, 'x', {}, { method: 'nope', data: {} }, { method: 'peerLeft' }, { method: 'peerLeft', data: 'p' }, { method: 7, data: {} }]) {
    assert.equal(parseNotification(bad), null);
  }
});
