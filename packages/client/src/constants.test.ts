import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as protocol from '@consomme/protocol';
import { CHAT_LABEL, FILE_CHUNK_SIZE, FILE_LABEL } from './constants.js';

test('the mirrored constants equal the protocol package', () => {
  assert.equal(CHAT_LABEL, protocol.CHAT_LABEL);
  assert.equal(FILE_LABEL, protocol.FILE_LABEL);
  assert.equal(FILE_CHUNK_SIZE, protocol.FILE_CHUNK_SIZE);
});
