import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TypedEmitter } from './emitter.js';

type Events = { a: [number, string]; b: [] };

test('on/emit pass the arguments; off and the returned function remove the listener', () => {
  const e = new TypedEmitter<Events>();
  const seen: [number, string][] = [];
  const listener = (n: number, s: string): void => void seen.push([n, s]);
  const off = e.on('a', listener);
  assert.equal(e.emit('a', 1, 'x'), true);
  off();
  assert.equal(e.emit('a', 2, 'y'), false);
  e.on('a', listener);
  e.off('a', listener);
  e.emit('a', 3, 'z');
  assert.deepEqual(seen, [[1, 'x']]);
  assert.equal(e.listenerCount('a'), 0);
});

test('once fires a single time', () => {
  const e = new TypedEmitter<Events>();
  let count = 0;
  e.once('b', () => count++);
  e.emit('b');
  e.emit('b');
  assert.equal(count, 1);
});

test('a listener that throws is reported and the others still run', () => {
  const errors: [unknown, string][] = [];
  const e = new TypedEmitter<Events>((error, event) => errors.push([error, String(event)]));
  const order: string[] = [];
  e.on('b', () => order.push('first'));
  e.on('b', () => {
    throw new Error('boom');
  });
  e.on('b', () => order.push('third'));
  assert.doesNotThrow(() => e.emit('b'));
  assert.deepEqual(order, ['first', 'third']);
  assert.equal(errors.length, 1);
  assert.equal((errors[0]![0] as Error).message, 'boom');
  assert.equal(errors[0]![1], 'b');
});

test('a listener added during emit runs from the next emit; one removed during emit still runs this round', () => {
  const e = new TypedEmitter<Events>();
  const order: string[] = [];
  const late = (): void => void order.push('late');
  const second = (): void => void order.push('second');
  e.on('b', () => {
    order.push('first');
    e.on('b', late);
    e.off('b', second);
  });
  e.on('b', second);
  e.emit('b');
  e.emit('b');
  assert.deepEqual(order, ['first', 'second', 'first', 'late']);
});

test('an error reporter that throws does not escape emit', () => {
  const e = new TypedEmitter<Events>(() => {
    throw new Error('reporter');
  });
  e.on('b', () => {
    throw new Error('listener');
  });
  assert.doesNotThrow(() => e.emit('b'));
});
