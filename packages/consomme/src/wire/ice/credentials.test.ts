import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateIcePassword, generateIceUsernameFragment, isIceString } from './credentials.js';

test('generated credentials are ice-chars of the promised lengths, and differ', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const u = generateIceUsernameFragment();
    const p = generateIcePassword();
    assert.equal(u.length, 16);
    assert.equal(p.length, 32);
    assert.ok(isIceString(u) && isIceString(p));
    seen.add(u);
  }
  assert.equal(seen.size, 200);
  assert.ok(!isIceString('') && !isIceString('a:b') && !isIceString('a b') && isIceString('aZ9+/'));
});
