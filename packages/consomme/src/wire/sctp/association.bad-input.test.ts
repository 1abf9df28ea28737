import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createPair, seededRandom, type Pair } from './test-pair.test.helper.js';
import { writeSctpChecksum } from './crc32c.js';
import { CHUNK_ABORT, CHUNK_INIT, CHUNK_SHUTDOWN, inspectSctpPacket } from './packet.js';
import { PPID } from './ppid.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** A client→server packet: ports 5000/5000, the server's tag, given chunks, valid checksum. */
function packet(tag: number, ...chunks: Buffer[]): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(5000, 0);
  header.writeUInt16BE(5000, 2);
  header.writeUInt32BE(tag, 4);
  const out = Buffer.concat([header, ...chunks]);
  writeSctpChecksum(out);
  return out;
}

function chunk(type: number, flags: number, body: Buffer, length = body.length + 4): Buffer {
  const head = Buffer.from([type, flags, length >> 8, length & 0xff]);
  const padded = Buffer.concat([head, body]);
  return Buffer.concat([padded, Buffer.alloc((4 - (padded.length % 4)) % 4)]);
}

function data(tsn: number, streamId: number, ssn: number, payload: Buffer, flags = 0x03): Buffer {
  const body = Buffer.alloc(12);
  body.writeUInt32BE(tsn >>> 0, 0);
  body.writeUInt16BE(streamId, 4);
  body.writeUInt16BE(ssn, 6);
  body.writeUInt32BE(PPID.string, 8);
  return chunk(0, flags, Buffer.concat([body, payload]));
}

function init(tag: number, os: number, mis: number, params = Buffer.alloc(0)): Buffer {
  const body = Buffer.alloc(16);
  body.writeUInt32BE(tag, 0);
  body.writeUInt32BE(131072, 4);
  body.writeUInt16BE(os, 8);
  body.writeUInt16BE(mis, 10);
  body.writeUInt32BE(1, 12);
  return chunk(1, 0, Buffer.concat([body, params]));
}

interface Wire {
  pair: Pair;
  /** The server's verification tag (what client packets carry). */
  tag: number;
  /** The TSN of the client's last DATA chunk. */
  lastTsn: number;
  got: string[];
}

async function connected(): Promise<Wire> {
  const pair = createPair();
  const wire: Wire = { pair, tag: 0, lastTsn: 0, got: [] };
  pair.toServer.filter = (p) => {
    if (p.readUInt32BE(4) !== 0) wire.tag = p.readUInt32BE(4);
    if (p[12] === 0) wire.lastTsn = p.readUInt32BE(16);
    return false;
  };
  pair.server.on('message', (_s, _p, d) => wire.got.push(d.toString()));
  await pair.connected;
  pair.client.send(1, PPID.string, Buffer.from('hello'), { ordered: true });
  await until(() => wire.got.length === 1, 2000, 'first message');
  return wire;
}

/** After the garbage, the association still delivers. */
async function stillDelivers(w: Wire, label: string): Promise<void> {
  const n = w.got.length;
  assert.equal(w.pair.server.state, 'connected', `${label}: still connected`);
  assert.equal(w.pair.client.send(1, PPID.string, Buffer.from(`after ${label}`), { ordered: true }), 'ok');
  await until(() => w.got.length > n && w.got.at(-1) === `after ${label}`, 3000, `delivery after ${label}`);
}

test('random bytes are dropped and counted; the association survives', async () => {
  const w = await connected();
  for (let i = 0; i < 2000; i++) w.pair.server.handlePacket(randomBytes(i % 300));
  const s = w.pair.server.stats;
  assert.equal(s.droppedTotal, 2000);
  assert.equal(s.engineErrors, 0);
  await stillDelivers(w, 'random bytes');
  w.pair.client.close();
  w.pair.server.close();
});

test('each malformed packet is dropped with its reason', async () => {
  const w = await connected();
  const next = (w.lastTsn + 1) >>> 0;
  const good = packet(w.tag, data(next + 100, 1, 50, Buffer.from('x')));
  const badCrc = Buffer.from(good);
  badCrc[8]! ^= 1;
  const truncated = packet(w.tag, data(next, 1, 1, Buffer.from('abcdef'))).subarray(0, 30);
  writeSctpChecksum(truncated);
  const overrun = packet(w.tag, chunk(0, 3, Buffer.alloc(16), 200));
  const zeroLength = packet(w.tag, chunk(3, 0, Buffer.alloc(12), 0)); // werift loops forever on this
  const sackOverrun = Buffer.alloc(12);
  sackOverrun.writeUInt16BE(1000, 8); // 1000 gap blocks announced, none present
  const hugeGaps = Buffer.alloc(20);
  hugeGaps.writeUInt16BE(2, 8); //       2 gap blocks, 0 duplicates
  hugeGaps.writeUInt16BE(1, 12); //      block 1: 1..65535
  hugeGaps.writeUInt16BE(0xffff, 14);
  hugeGaps.writeUInt16BE(1, 16); //      block 2: 1..65535 again (overlaps)
  hugeGaps.writeUInt16BE(0xffff, 18);
  const emptyData = packet(w.tag, chunk(0, 3, Buffer.alloc(12)));
  const zeroParam = Buffer.from('0007000000000000', 'hex');
  const reconfigShort = packet(w.tag, chunk(130, 0, Buffer.from('000d000800000001', 'hex')));
  const rows: Array<[string, Buffer, string]> = [
    ['too short', Buffer.alloc(10), 'too-short'],
    ['bad CRC', badCrc, 'bad-checksum'],
    ['truncated chunk', truncated, 'bad-chunk-length'],
    ['chunk length beyond the packet', overrun, 'bad-chunk-length'],
    ['zero chunk length', zeroLength, 'bad-chunk-length'],
    ['SACK announcing more blocks than it has', packet(w.tag, chunk(3, 0, sackOverrun)), 'bad-sack'],
    ['SACK with overlapping 65535-wide gap blocks', packet(w.tag, chunk(3, 0, hugeGaps)), 'bad-sack'],
    ['DATA without user data', emptyData, 'bad-chunk'],
    ['INIT with a zero initiate tag', packet(0, init(0, 10, 10)), 'bad-init'],
    ['INIT with zero outbound streams', packet(0, init(1234, 0, 10)), 'bad-init'],
    ['INIT with a zero-length parameter', packet(0, init(1234, 10, 10, zeroParam)), 'bad-params'],
    ['INIT bundled with DATA', packet(0, init(1234, 10, 10), data(next, 1, 1, Buffer.from('x'))), 'bad-init'],
    ['a valid INIT once connected (no restart)', packet(0, init(1234, 10, 10)), 'unexpected-init'],
    ['unknown chunk type 0x0d (stop and discard)', packet(w.tag, chunk(0x0d, 0, Buffer.alloc(4))), 'unknown-chunk'],
    ['RE-CONFIG with a short reset request', reconfigShort, 'bad-params'],
    ['SHUTDOWN of the wrong length', packet(w.tag, chunk(7, 0, Buffer.alloc(8))), 'bad-chunk'],
    ['FORWARD TSN with a ragged stream list', packet(w.tag, chunk(192, 0, Buffer.alloc(6))), 'bad-chunk'],
    ['DATA 2^20 TSNs ahead', packet(w.tag, data(next + (1 << 20), 1, 9, Buffer.from('x'))), 'tsn-out-of-window'],
    ['DATA on a stream beyond the negotiated count', packet(w.tag, data(w.lastTsn, 2000, 0, Buffer.from('x'))), 'invalid-stream'],
  ];
  for (const [name, bytes, reason] of rows) {
    const before = w.pair.server.stats.dropped[reason as keyof typeof w.pair.server.stats.dropped] ?? 0;
    w.pair.server.handlePacket(bytes);
    await sleep(1);
    const after = w.pair.server.stats.dropped[reason as keyof typeof w.pair.server.stats.dropped] ?? 0;
    assert.equal(after, before + 1, `${name}: counted as ${reason} (${JSON.stringify(w.pair.server.stats.dropped)})`);
  }
  assert.equal(w.pair.server.stats.engineErrors, 0);
  await stillDelivers(w, 'malformed packets');
  w.pair.client.close();
  w.pair.server.close();
});

test('a skippable unknown chunk (type 0x84) is cut out and the rest processed', async () => {
  const w = await connected();
  // Hand-made DATA from the "client" with the next TSN, behind an unknown 10xxxxxx chunk.
  w.pair.toServer.filter = () => false;
  const next = (w.lastTsn + 1) >>> 0;
  w.pair.server.handlePacket(packet(w.tag, chunk(0x84, 0, Buffer.alloc(4)), data(next, 5, 0, Buffer.from('forged'))));
  await until(() => w.got.includes('forged'), 2000, 'the DATA behind the unknown chunk');
  w.pair.client.close();
  w.pair.server.close();
});

test('DATA on a reset stream from before the reset is acknowledged but not delivered', async () => {
  const w = await connected();
  const resets: number[][] = [];
  w.pair.server.on('streamreset', (ids) => resets.push(ids));
  w.pair.client.send(3, PPID.string, Buffer.from('before reset'), { ordered: true });
  await until(() => w.got.includes('before reset'), 2000, 'message on stream 3');
  const oldTsn = w.lastTsn;
  w.pair.client.resetStreams([3]);
  await until(() => resets.length === 1, 2000, 'reset of stream 3');
  // A late copy of the old stream's DATA (its TSN is at or before the reset point).
  w.pair.server.handlePacket(packet(w.tag, data(oldTsn, 3, 0, Buffer.from('stale'))));
  await sleep(20);
  assert.equal(w.pair.server.stats.dropped['data-on-reset-stream'], 1);
  assert.ok(!w.got.includes('stale'));
  w.pair.client.send(3, PPID.string, Buffer.from('reopened'), { ordered: true });
  await until(() => w.got.includes('reopened'), 2000, 'message on the reused stream');
  await stillDelivers(w, 'stale data');
  w.pair.client.close();
  w.pair.server.close();
});

const FUZZ_PACKETS = 100_000;
const ABORT_OR_SHUTDOWN = (1 << CHUNK_ABORT) | (1 << CHUNK_SHUTDOWN);

test('fuzz: 100,000 mutated captured packets into a live association never throw, never stall it', async (t) => {
  const w = await connected();
  const captured: Buffer[] = [];
  w.pair.toServer.filter = (p) => {
    captured.push(Buffer.from(p));
    return false;
  };
  for (let i = 0; i < 20; i++) w.pair.client.send(1, PPID.binary, Buffer.alloc(i * 200 + 1, i), { ordered: i % 2 === 0 });
  await sleep(50);
  delete w.pair.toServer.filter;
  const random = seededRandom(42);
  // A mutated packet that passes the checks and carries ABORT or SHUTDOWN
  // ends the association, as it must (the tag is the real one); those are
  // kept for the end so the rest of the run still meets a live association.
  const enders: Buffer[] = [];
  let reachedEngine = 0;
  for (let i = 0; i < FUZZ_PACKETS; i++) {
    const whole = Buffer.from(captured[i % captured.length]!);
    const flips = 1 + Math.floor(random() * 3);
    for (let k = 0; k < flips; k++) whole[12 + Math.floor(random() * (whole.length - 12))] = Math.floor(random() * 256);
    const p = random() < 0.2 ? whole.subarray(0, Math.floor(random() * whole.length)) : whole;
    if (p.length >= 12 && random() < 0.9) writeSctpChecksum(p); // most reach the chunk checks
    const info = inspectSctpPacket(p);
    if (info.ok && info.typeMask & ABORT_OR_SHUTDOWN) {
      enders.push(p);
      continue;
    }
    if (info.ok && (info.typeMask & (1 << CHUNK_INIT)) === 0) reachedEngine++;
    w.pair.server.handlePacket(p);
    // Let the engine's async processing and SACKs run, as between datagrams.
    if (i % 256 === 255) await new Promise((r) => setImmediate(r));
  }
  await sleep(20);
  const stats = w.pair.server.stats;
  t.diagnostic(`${reachedEngine} of ${FUZZ_PACKETS} passed the checks into werift; ${enders.length} held ABORT/SHUTDOWN; dropped ${JSON.stringify(stats.dropped)}`);
  assert.equal(stats.engineErrors, 0, JSON.stringify(stats));
  assert.ok(reachedEngine >= FUZZ_PACKETS / 2, `${reachedEngine} reached werift`);
  // Nothing but ABORT or SHUTDOWN may end the association.
  assert.equal(w.pair.server.state, 'connected', JSON.stringify(stats));
  // A mutated packet that still has a valid tag and checksum is, to SCTP, a
  // real peer packet: it may take a TSN ahead (the real chunk with that TSN is
  // then a duplicate) or hold a future SSN on an ordered stream. A flipped low
  // byte of a TSN lands within 255 of the captured ones, so this many packets
  // take most of those TSNs: 300 unordered messages first move the cumulative
  // TSN past them. Then, of ten fresh unordered sends, at least half arrive.
  for (let i = 0; i < 300; i++) w.pair.client.send(9, PPID.string, Buffer.from(`filler ${i}`), { ordered: false });
  await until(() => w.pair.client.bufferedAmount() === 0, 5000, 'the fillers acknowledged');
  const before = w.got.length;
  for (let i = 0; i < 10; i++) {
    assert.equal(w.pair.client.send(9, PPID.string, Buffer.from(`after fuzz ${i}`), { ordered: false }), 'ok');
  }
  const ours = (): number => w.got.slice(before).filter((m) => m.startsWith('after fuzz ')).length;
  await until(() => ours() >= 5, 3000, 'delivery after mutated packets');
  // And a packet that does end it (one the fuzz made, or a plain ABORT) does.
  w.pair.server.handlePacket(enders[0] ?? packet(w.tag, chunk(CHUNK_ABORT, 0, Buffer.alloc(0))));
  await until(() => w.pair.server.state !== 'connected', 1000, 'ABORT or SHUTDOWN to end the association');
  const ended: string = w.pair.server.state; // a plain string: the assertion above narrowed the getter's type
  assert.ok(ended === 'failed' || ended === 'closed', ended);
  w.pair.client.close();
  w.pair.server.close();
});
