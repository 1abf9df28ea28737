import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TokenBucket } from './rate-limit.js';

describe('TokenBucket', () => {
  test('allows a burst, then the sustained rate', () => {
    let now = 1000;
    const bucket = new TokenBucket(10, 20, () => now);
    for (let i = 0; i < 20; i++) assert.equal(bucket.take(), true, `burst request ${i}`);
    assert.equal(bucket.take(), false);
    now += 100; // 10/s: one token per 100 ms
    assert.equal(bucket.take(), true);
    assert.equal(bucket.take(), false);
    now += 1000;
    let granted = 0;
    while (bucket.take()) granted++;
    assert.equal(granted, 10);
  });

  test('never holds more than the burst', () => {
    let now = 0;
    const bucket = new TokenBucket(5, 10, () => now);
    now += 3_600_000;
    assert.equal(bucket.available, 10);
  });

  test('a failed take takes nothing; multi-token takes', () => {
    let now = 0;
    const bucket = new TokenBucket(1, 3, () => now);
    assert.equal(bucket.take(4), false);
    assert.equal(bucket.available, 3);
    assert.equal(bucket.take(3), true);
    now += 500;
    assert.ok(Math.abs(bucket.available - 0.5) < 1e-9);
  });

  test('a clock stepping back does not drain or overfill', () => {
    let now = 10_000;
    const bucket = new TokenBucket(1, 2, () => now);
    assert.equal(bucket.take(2), true);
    now = 5_000;
    assert.equal(bucket.available, 0);
    now = 6_000;
    assert.equal(bucket.available, 1);
  });

  test('refuses nonsense settings', () => {
    assert.throws(() => new TokenBucket(0, 1), TypeError);
    assert.throws(() => new TokenBucket(1, 0), TypeError);
    assert.throws(() => new TokenBucket(Number.NaN, 1), TypeError);
  });
});
