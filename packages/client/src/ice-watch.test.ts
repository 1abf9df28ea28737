import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { types } from 'mediasoup-client';
import { TypedEmitter } from './emitter.js';
import { IceWatch } from './ice-watch.js';

/** The part of a mediasoup-client Transport IceWatch uses: its state and state events. */
class TransportState extends TypedEmitter<{ connectionstatechange: [string] }> {
  connectionState = 'new';

  set(state: string): void {
    this.connectionState = state;
    this.emit('connectionstatechange', state);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function watch(t: TransportState, restart: () => Promise<void>, options = { disconnectedGraceMs: 40, retryMs: 40, maxAttempts: 3 }) {
  const health: boolean[] = [];
  let gaveUp = 0;
  const w = new IceWatch(t as unknown as types.Transport, restart, (h) => health.push(h), () => gaveUp++, options);
  return { w, health, gaveUp: () => gaveUp };
}

test('failed restarts ICE at once; connected stops the retries', async () => {
  const t = new TransportState();
  let restarts = 0;
  const { w, health } = watch(t, async () => {
    restarts++;
  });
  t.set('connected');
  t.set('failed');
  await sleep(5);
  assert.equal(restarts, 1);
  t.set('connected');
  await sleep(120);
  assert.equal(restarts, 1);
  assert.deepEqual(health, [true, false, true]);
  w.close();
});

test('a short disconnect heals without a restart; a long one restarts', async () => {
  const t = new TransportState();
  let restarts = 0;
  const { w } = watch(t, async () => {
    restarts++;
    t.set('connected');
  });
  t.set('disconnected');
  await sleep(10);
  t.set('connected');
  await sleep(80);
  assert.equal(restarts, 0);
  t.set('disconnected');
  await sleep(80);
  assert.equal(restarts, 1);
  w.close();
});

test('restarts repeat while the transport stays down, then it gives up', async () => {
  const t = new TransportState();
  let restarts = 0;
  const { w, gaveUp } = watch(t, async () => {
    restarts++;
    if (restarts === 2) throw new Error('signaling failed');
  });
  t.set('failed');
  await sleep(300);
  assert.equal(restarts, 3);
  assert.equal(gaveUp(), 1);
  w.close();
});

test('a restart that leaves the state connected (no event) still reports healthy', async () => {
  const t = new TransportState();
  let restarts = 0;
  const { w, health } = watch(t, async () => {
    restarts++;
    // The path recovered without a state change event, as an ICE restart of a working path does.
    t.connectionState = 'connected';
  });
  t.set('connected');
  t.set('disconnected');
  await sleep(150);
  assert.equal(restarts, 1);
  assert.deepEqual(health, [true, false, true]);
  w.close();
});

test('close stops everything', async () => {
  const t = new TransportState();
  let restarts = 0;
  const { w } = watch(t, async () => {
    restarts++;
  });
  t.set('disconnected');
  w.close();
  await sleep(100);
  t.set('failed');
  assert.equal(restarts, 0);
});
