import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mediaError, RoomError, toRoomError } from './errors.js';

function domError(name: string, message = ''): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

test('capture failures map to typed codes', () => {
  const cases: [string, string][] = [
    ['NotAllowedError', 'PERMISSION_DENIED'],
    ['SecurityError', 'PERMISSION_DENIED'],
    ['NotFoundError', 'NO_DEVICE'],
    ['OverconstrainedError', 'NO_DEVICE'],
    ['NotReadableError', 'DEVICE_IN_USE'],
    ['AbortError', 'DEVICE_IN_USE'],
    ['NotSupportedError', 'NOT_SUPPORTED'],
    ['SomethingElse', 'MEDIA_FAILED'],
  ];
  for (const [name, code] of cases) {
    const e = mediaError(domError(name, 'detail'), 'camera');
    assert.equal(e.code, code, name);
    assert.match(e.message, /camera/);
  }
  assert.equal(mediaError('a string', 'microphone').code, 'MEDIA_FAILED');
  assert.equal(mediaError(null, 'microphone').code, 'MEDIA_FAILED');
});

test('toRoomError keeps a RoomError and wraps anything else', () => {
  const original = new RoomError('ROOM_FULL', 'full');
  assert.equal(toRoomError(original), original);
  const wrapped = toRoomError(new Error('x'), 'TIMEOUT');
  assert.equal(wrapped.code, 'TIMEOUT');
  assert.equal(wrapped.message, 'x');
  assert.deepEqual(toRoomError(7).toInfo(), { code: 'INTERNAL', message: '7' });
});
