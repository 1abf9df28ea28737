import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyFrameRequestThrottle } from './key-frame-request-throttle.js';

test('first request goes out, the rest within the interval are merged', () => {
  const k = new KeyFrameRequestThrottle({ minIntervalMs: 1000 });
  assert.equal(k.request('pli', 0), 'send-pli');
  assert.equal(k.waitingForKeyFrame, true);
  assert.equal(k.request('pli', 10), 'suppress');
  assert.equal(k.hasPending, true);
  assert.equal(k.nextTimerAt(), 1000);
  assert.equal(k.onTimer(999), 'suppress');
  assert.equal(k.onTimer(1000), 'send-pli'); // still no key frame: ask again
  assert.equal(k.hasPending, false);
  assert.equal(k.nextTimerAt(), 1400, 'an unanswered request is retried sooner than the interval');
  assert.equal(k.onTimer(1399), 'suppress');
  assert.equal(k.onTimer(1400), 'send-pli', 'still unanswered: asked again');
  k.onKeyFrame(2100);
  assert.equal(k.onTimer(5000), 'suppress', 'answered: nothing more');
  assert.equal(k.request('pli', 5000), 'send-pli');
});

test('an ignored request is repeated every 400 ms until a key frame comes', () => {
  const k = new KeyFrameRequestThrottle({ minIntervalMs: 1000 });
  assert.equal(k.request('fir', 0), 'send-fir');
  assert.equal(k.nextTimerAt(), 400);
  assert.equal(k.onTimer(399), 'suppress');
  assert.equal(k.onTimer(400), 'send-fir', 'the same kind again');
  assert.equal(k.firSeqNr, 1);
  assert.equal(k.onTimer(700), 'suppress');
  assert.equal(k.onTimer(800), 'send-fir');
  k.onKeyFrame(2500);
  assert.equal(k.waitingForKeyFrame, false);
  assert.equal(k.nextTimerAt(), undefined);
  assert.equal(k.onTimer(9000), 'suppress');
});

test('a key frame satisfies pending requests and reopens the gate', () => {
  const k = new KeyFrameRequestThrottle();
  assert.equal(k.request('pli', 0), 'send-pli');
  assert.equal(k.request('pli', 100), 'suppress');
  k.onKeyFrame(200);
  assert.equal(k.waitingForKeyFrame, false);
  assert.equal(k.hasPending, false);
  assert.equal(k.onTimer(1000), 'suppress');
  assert.equal(k.request('pli', 300), 'send-pli');
});

test('FIR wins over PLI when merged, and carries an incrementing seq nr', () => {
  const k = new KeyFrameRequestThrottle();
  assert.equal(k.request('fir', 0), 'send-fir');
  assert.equal(k.firSeqNr, 0);
  k.request('pli', 10);
  k.request('fir', 20);
  k.request('pli', 30);
  assert.equal(k.onTimer(1000), 'send-fir');
  assert.equal(k.firSeqNr, 1);
});

test('falls back to what the producer negotiated', () => {
  assert.equal(new KeyFrameRequestThrottle({ supportsFir: false }).request('fir', 0), 'send-pli');
  assert.equal(new KeyFrameRequestThrottle({ supportsPli: false }).request('pli', 0), 'send-fir');
  const none = new KeyFrameRequestThrottle({ supportsPli: false, supportsFir: false });
  assert.equal(none.request('pli', 0), 'suppress');
  assert.equal(none.hasPending, false);
});

test('FIR seq nr wraps at 256', () => {
  const k = new KeyFrameRequestThrottle({ minIntervalMs: 0 });
  for (let i = 0; i < 256; i++) k.request('fir', i);
  assert.equal(k.firSeqNr, 255);
  k.request('fir', 999);
  assert.equal(k.firSeqNr, 0);
});

test('force skips the interval and restarts it', () => {
  const k = new KeyFrameRequestThrottle({ minIntervalMs: 1000 });
  assert.equal(k.request('pli', 0), 'send-pli');
  assert.equal(k.request('pli', 100, true), 'send-pli');
  assert.equal(k.request('pli', 1050), 'suppress'); // interval now counts from 100
  assert.equal(k.onTimer(1100), 'send-pli');
});
