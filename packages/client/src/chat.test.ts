import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { createChatMessage, parseChatMessage } from './chat.js';
import { CHAT_MAX_LENGTH } from './constants.js';

test('a message made by createChatMessage parses back', () => {
  const m = createChatMessage('  hello there  ', 1234);
  assert.ok(m);
  assert.equal(m.text, 'hello there');
  assert.equal(m.sentAt, 1234);
  assert.match(m.id, /^[0-9a-f]{32}$/);
  assert.deepEqual(parseChatMessage(JSON.stringify(m)), m);
});

test('createChatMessage refuses blank text', () => {
  assert.equal(createChatMessage('   \n\t'), null);
});

test('malformed chat messages are dropped, not thrown', () => {
  const bad: unknown[] = [
    undefined, null, 42, new ArrayBuffer(8), new Uint8Array([123, 125]), '', 'not json', '{', '[]', 'null', '"chat"',
    '{"type":"chat"}',
    '{"type":"file-start","id":"a","text":"x","sentAt":1}',
    '{"type":"chat","id":"","text":"x","sentAt":1}',
    '{"type":"chat","id":"a","text":"","sentAt":1}',
    '{"type":"chat","id":"a","text":5,"sentAt":1}',
    '{"type":"chat","id":"a","text":"x","sentAt":"1"}',
    '{"type":"chat","id":"a","text":"x","sentAt":-1}',
    '{"type":"chat","id":"a","text":"x","sentAt":1e999}',
    JSON.stringify({ type: 'chat', id: 'a'.repeat(129), text: 'x', sentAt: 1 }),
    JSON.stringify({ type: 'chat', id: 'a', text: 'x'.repeat(CHAT_MAX_LENGTH + 1), sentAt: 1 }),
    'x'.repeat(10_000_000),
  ];
  for (const raw of bad) assert.equal(parseChatMessage(raw), null, `accepted ${String(raw).slice(0, 60)}`);
});

test('extra fields are stripped, so they never reach the UI', () => {
  const m = parseChatMessage('{"type":"chat","id":"a","text":"hi","sentAt":5,"__proto__":{"x":1},"html":"<b>"}');
  assert.deepEqual(m, { type: 'chat', id: 'a', text: 'hi', sentAt: 5 });
});

test('parseChatMessage never throws on arbitrary strings or JSON values', () => {
  fc.assert(fc.property(fc.oneof(fc.string(), fc.json(), fc.anything().map((v) => JSON.stringify(v) ?? '')), (raw) => {
    const m = parseChatMessage(raw);
    if (m !== null) assert.equal(m.type, 'chat');
  }), { numRuns: 2000, seed: 7 });
});
