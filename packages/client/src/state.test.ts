import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connectionStateFor, type Phase } from './state.js';

test('connection state for every phase, socket and ICE condition', () => {
  const rows: [Phase, boolean, boolean, string][] = [
    ['idle', false, true, 'disconnected'],
    ['joining', true, true, 'connecting'],
    ['joined', true, true, 'connected'],
    ['joined', false, true, 'reconnecting'],
    ['joined', true, false, 'reconnecting'],
    ['rejoining', true, true, 'reconnecting'],
    ['left', true, true, 'disconnected'],
    ['failed', false, false, 'failed'],
  ];
  for (const [phase, socket, ice, expected] of rows) {
    assert.equal(connectionStateFor(phase, socket, ice), expected, `${phase} socket=${socket} ice=${ice}`);
  }
});
