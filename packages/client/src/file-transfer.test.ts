import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { FILE_CHUNK_SIZE, FILE_MAX_SIZE, TRANSFER_ID_BYTES } from './constants.js';
import { cleanFileName, frameChunk, parseChunk, parseFileControl, sha256Hex } from './file-framing.js';
import { FileReceiver, type IncomingFile, type IncomingProgress } from './file-receiver.js';
import { HIGH_WATER, sendFileOver, type FileChannel } from './file-sender.js';
import { hexToBytes } from './random.js';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/**
 * An in-order channel with a send buffer that drains a fixed number of bytes
 * per tick into a FileReceiver, like an SCTP association on a slow path.
 */
class MemoryChannel implements FileChannel {
  buffered = 0;
  maxBuffered = 0;
  readonly #queue: (string | Uint8Array)[] = [];
  readonly #waiters: { threshold: number; resolve: () => void }[] = [];
  readonly #timer: ReturnType<typeof setInterval>;
  #busy = false;

  constructor(readonly receiver: FileReceiver, readonly bytesPerTick: number) {
    this.#timer = setInterval(() => void this.#tick(), 1);
  }

  send(data: string | Uint8Array): void {
    // Copy, as the browser does, so later changes to the sender's buffer cannot leak in.
    const copy = typeof data === 'string' ? data : data.slice();
    this.#queue.push(copy);
    this.buffered += size(copy);
    this.maxBuffered = Math.max(this.maxBuffered, this.buffered);
  }

  bufferedAmount(): number {
    return this.buffered;
  }

  waitBelow(threshold: number): Promise<void> {
    if (this.buffered <= threshold) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ threshold, resolve }));
  }

  close(): void {
    clearInterval(this.#timer);
  }

  async #tick(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    let budget = this.bytesPerTick;
    while (budget > 0 && this.#queue.length > 0) {
      const msg = this.#queue.shift()!;
      budget -= size(msg);
      this.buffered -= size(msg);
      await this.receiver.handle(typeof msg === 'string' ? msg : msg.buffer);
    }
    for (const w of [...this.#waiters]) {
      if (this.buffered <= w.threshold) {
        this.#waiters.splice(this.#waiters.indexOf(w), 1);
        w.resolve();
      }
    }
    this.#busy = false;
  }
}

function size(m: string | Uint8Array): number {
  return typeof m === 'string' ? m.length : m.byteLength;
}

function collect(): { files: IncomingFile[]; progress: IncomingProgress[]; drops: string[]; receiver: FileReceiver } {
  const files: IncomingFile[] = [];
  const progress: IncomingProgress[] = [];
  const drops: string[] = [];
  const receiver = new FileReceiver({ onFile: (f) => files.push(f), onProgress: (p) => progress.push(p), onDrop: (r) => drops.push(r) });
  return { files, progress, drops, receiver };
}

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('a file crosses the channel intact, verified, and the send buffer stays bounded', async () => {
  const { files, progress, receiver } = collect();
  const channel = new MemoryChannel(receiver, 256 * 1024);
  try {
    const data = new Uint8Array(randomBytes(3 * 1024 * 1024 + 123));
    const file = Object.assign(new Blob([data], { type: 'application/x-test' }), { name: 'big.bin' });
    const sentProgress: number[] = [];
    const sent = await sendFileOver(channel, file, (bytes) => sentProgress.push(bytes));
    // Resolved only after the buffer drained, so the receiver has it all.
    assert.equal(channel.buffered, 0);
    await until(() => files.length === 1);
    const got = files[0]!;
    assert.equal(got.name, 'big.bin');
    assert.equal(got.mimeType, 'application/x-test');
    assert.equal(got.size, data.byteLength);
    assert.equal(got.sha256, sha(data));
    assert.equal(sent.sha256, sha(data));
    assert.equal(got.transferId, sent.transferId);
    assert.equal(got.verified, true);
    assert.deepEqual(new Uint8Array(await got.blob.arrayBuffer()), data);
    assert.ok(channel.maxBuffered <= HIGH_WATER + TRANSFER_ID_BYTES + FILE_CHUNK_SIZE + 512, `buffered up to ${channel.maxBuffered}`);
    assert.equal(sentProgress.at(-1), data.byteLength);
    assert.ok(sentProgress.every((v, i) => i === 0 || v >= sentProgress[i - 1]!));
    assert.equal(progress.at(-1)!.received, data.byteLength);
    assert.ok(progress.length <= 102, `progress reported ${progress.length} times`);
    assert.equal(receiver.openTransfers, 0);
  } finally {
    channel.close();
  }
});

test('an empty file and a one-byte file arrive verified', async () => {
  for (const data of [new Uint8Array(0), new Uint8Array([7])]) {
    const { files, receiver } = collect();
    const channel = new MemoryChannel(receiver, 64 * 1024);
    try {
      await sendFileOver(channel, Object.assign(new Blob([data]), { name: 'x' }));
      await until(() => files.length === 1);
      assert.equal(files[0]!.verified, true);
      assert.equal(files[0]!.size, data.byteLength);
      assert.equal(files[0]!.sha256, sha(data));
    } finally {
      channel.close();
    }
  }
});

test('a larger file than the limit is refused with a typed error', async () => {
  const huge = { size: FILE_MAX_SIZE + 1, name: 'huge', type: '', arrayBuffer: () => Promise.reject(new Error('must not read')) };
  const channel: FileChannel = { send: () => assert.fail('sent'), bufferedAmount: () => 0, waitBelow: () => Promise.resolve() };
  await assert.rejects(sendFileOver(channel, huge as unknown as Blob & { name: string }), { name: 'RoomError', code: 'FILE_TOO_LARGE' });
});

/** Feeds a hand-made transfer to a receiver. */
async function feed(receiver: FileReceiver, data: Uint8Array, mutate: (chunks: Uint8Array[]) => Uint8Array[], declared = data.byteLength): Promise<void> {
  const id = 'ab'.repeat(16);
  const idBytes = hexToBytes(id)!;
  await receiver.handle(JSON.stringify({ type: 'file-start', transferId: id, name: 'f.txt', size: declared, mimeType: 'text/plain' }));
  const chunks: Uint8Array[] = [];
  for (let o = 0; o < data.byteLength; o += FILE_CHUNK_SIZE) chunks.push(frameChunk(idBytes, data.subarray(o, o + FILE_CHUNK_SIZE)));
  for (const c of mutate(chunks)) await receiver.handle(c);
  await receiver.handle(JSON.stringify({ type: 'file-end', transferId: id, sha256: sha(data) }));
}

test('corrupted, missing, extra and reordered chunks end unverified, never thrown', async () => {
  const data = new Uint8Array(randomBytes(FILE_CHUNK_SIZE * 3 + 10));
  const cases: [string, (c: Uint8Array[]) => Uint8Array[], number?][] = [
    ['intact', (c) => c],
    ['flipped bit', (c) => c.map((x, i) => (i === 1 ? Uint8Array.from(x, (b, j) => (j === 40 ? b ^ 1 : b)) : x))],
    ['missing chunk', (c) => c.filter((_, i) => i !== 2)],
    ['duplicated chunk', (c) => [...c.slice(0, 2), c[1]!, ...c.slice(2)]],
    ['reordered', (c) => [c[1]!, c[0]!, ...c.slice(2)]],
    ['declared smaller', (c) => c, data.byteLength - 1],
  ];
  for (const [name, mutate, declared] of cases) {
    const { files, receiver } = collect();
    await feed(receiver, data, mutate, declared);
    assert.equal(files.length, 1, name);
    assert.equal(files[0]!.verified, name === 'intact', name);
    assert.equal(receiver.openTransfers, 0, name);
  }
});

test('messages that do not belong to a transfer are dropped', async () => {
  const { files, drops, receiver } = collect();
  await receiver.handle(frameChunk(new Uint8Array(16), new Uint8Array(10)));
  await receiver.handle(new Uint8Array(5));
  await receiver.handle(new Uint8Array(TRANSFER_ID_BYTES + FILE_CHUNK_SIZE + 1));
  await receiver.handle(JSON.stringify({ type: 'file-end', transferId: 'cd'.repeat(16), sha256: 'a'.repeat(64) }));
  await receiver.handle('{not json');
  await receiver.handle(42);
  await receiver.handle(JSON.stringify({ type: 'file-start', transferId: 'ef'.repeat(16), name: 'x', size: FILE_MAX_SIZE + 1, mimeType: '' }));
  assert.equal(files.length, 0);
  assert.equal(drops.length, 7);
  assert.equal(receiver.openTransfers, 0);
});

test('a sender cannot open unbounded transfers', async () => {
  const { drops, receiver } = collect();
  for (let i = 0; i < 10; i++) {
    await receiver.handle(JSON.stringify({ type: 'file-start', transferId: i.toString(16).padStart(32, '0'), name: 'x', size: 1, mimeType: '' }));
  }
  assert.equal(receiver.openTransfers, 4);
  assert.equal(drops.filter((d) => d === 'too many open transfers').length, 6);
});

test('control messages are validated field by field', () => {
  const id = '0123456789abcdef0123456789abcdef';
  assert.deepEqual(parseFileControl(JSON.stringify({ type: 'file-start', transferId: id, name: 'a.txt', size: 3, mimeType: 'text/plain' })),
    { type: 'file-start', transferId: id, name: 'a.txt', size: 3, mimeType: 'text/plain' });
  assert.deepEqual(parseFileControl(JSON.stringify({ type: 'file-end', transferId: id, sha256: 'AB'.repeat(32) })),
    { type: 'file-end', transferId: id, sha256: 'ab'.repeat(32) });
  const bad = [
    { type: 'file-start', transferId: id.toUpperCase(), name: 'a', size: 1, mimeType: '' },
    { type: 'file-start', transferId: id.slice(1), name: 'a', size: 1, mimeType: '' },
    { type: 'file-start', transferId: id, name: 5, size: 1, mimeType: '' },
    { type: 'file-start', transferId: id, name: 'a', size: -1, mimeType: '' },
    { type: 'file-start', transferId: id, name: 'a', size: 1.5, mimeType: '' },
    { type: 'file-start', transferId: id, name: 'a', size: 1 },
    { type: 'file-end', transferId: id, sha256: 'xyz' },
    { type: 'file-chunk', transferId: id },
    [id],
  ];
  for (const b of bad) assert.equal(parseFileControl(JSON.stringify(b)), null, JSON.stringify(b));
  assert.equal(parseFileControl('x'.repeat(5000)), null);
});

test('received names cannot carry paths or control characters', () => {
  assert.equal(cleanFileName('../../etc/passwd'), 'passwd');
  assert.equal(cleanFileName('C:\\Users\\me\\evil.exe'), 'evil.exe');
  assert.equal(cleanFileName('a\u0000b\nc.txt'), 'abc.txt');
  assert.equal(cleanFileName('..'), 'file');
  assert.equal(cleanFileName(''), 'file');
  assert.equal(cleanFileName('x'.repeat(1000)).length, 255);
});

test('chunk framing round-trips and rejects short or oversized messages', () => {
  const id = new Uint8Array(16).map((_, i) => i);
  const payload = new Uint8Array([1, 2, 3]);
  const framed = frameChunk(id, payload);
  assert.equal(framed.byteLength, 19);
  const parsed = parseChunk(framed.buffer);
  assert.equal(parsed?.transferId, '000102030405060708090a0b0c0d0e0f');
  assert.deepEqual(parsed?.payload, payload);
  assert.equal(parseChunk(new ArrayBuffer(15)), null);
  assert.equal(parseChunk('text'), null);
});

test('sha256Hex matches node:crypto', async () => {
  const data = new Uint8Array(randomBytes(1000));
  assert.equal(await sha256Hex(data), sha(data));
});

test('the receiver never throws on arbitrary messages', async () => {
  const id = '00'.repeat(16);
  const message = fc.oneof(
    fc.string(),
    fc.uint8Array({ maxLength: 200 }),
    fc.record({ type: fc.constantFrom('file-start', 'file-end', 'x'), transferId: fc.constantFrom(id, 'zz', ''), name: fc.string(),
      size: fc.oneof(fc.integer(), fc.double()), mimeType: fc.string(), sha256: fc.string() }).map((v) => JSON.stringify(v)),
    fc.uint8Array({ maxLength: 64 }).map((b) => frameChunk(hexToBytes(id)!, b)),
  );
  await fc.assert(fc.asyncProperty(fc.array(message, { maxLength: 30 }), async (messages) => {
    const { receiver } = collect();
    for (const m of messages) await receiver.handle(m);
  }), { numRuns: 300, seed: 11 });
});
