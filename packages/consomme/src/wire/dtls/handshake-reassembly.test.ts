import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  HandshakeReassembler,
  clientHelloCookieLength,
  hasHandshakeRecord,
  parseHandshakeFragments,
  serializeHandshakeFragment,
  serializeHandshakeMessage,
} from './handshake-reassembly.js';
import type { HandshakeFragment, HandshakeMessage } from './handshake-reassembly.js';

const hex = (...parts: string[]): Buffer => Buffer.from(parts.join('').replace(/\s+/g, ''), 'hex');

function fragmentsOf(m: HandshakeMessage, size: number): HandshakeFragment[] {
  const out: HandshakeFragment[] = [];
  for (let at = 0; at < m.body.length || at === 0; at += size) {
    out.push({ msgType: m.msgType, length: m.body.length, seq: m.seq, offset: at, body: m.body.subarray(at, at + size) });
    if (m.body.length === 0) break;
  }
  return out;
}

describe('handshake fragment framing', () => {
  it('parses and re-serializes a record of two fragments', () => {
    const record = hex(
      '0b', '000006', '0002', '000000', '000004', 'aabbccdd', // Certificate, seq 2, bytes 0..3 of 6
      '10', '000002', '0003', '000000', '000002', '0102', // ClientKeyExchange, seq 3, whole
    );
    const fragments = parseHandshakeFragments(record);
    assert.ok(fragments);
    assert.deepEqual(
      fragments.map((f) => [f.msgType, f.length, f.seq, f.offset, f.body.toString('hex')]),
      [
        [11, 6, 2, 0, 'aabbccdd'],
        [16, 2, 3, 0, '0102'],
      ],
    );
    assert.deepEqual(Buffer.concat(fragments.map(serializeHandshakeFragment)), record);
    assert.deepEqual(serializeHandshakeMessage({ msgType: 16, seq: 3, body: hex('0102') }), record.subarray(16));
  });

  it('refuses truncated headers, bodies past the record, and fragments past the message', () => {
    assert.equal(parseHandshakeFragments(hex('0b000006000200')), undefined);
    assert.equal(parseHandshakeFragments(hex('0b', '000006', '0002', '000000', '000006', 'aabb')), undefined);
    assert.equal(parseHandshakeFragments(hex('0b', '000002', '0002', '000001', '000002', 'aabb')), undefined);
  });

  it('finds handshake records of any epoch in a datagram', () => {
    const ccs = hex('14', 'fefd', '0000', '000000000001', '0001', '01');
    const epoch1 = hex('16', 'fefd', '0001', '000000000000', '0002', 'abcd');
    assert.equal(hasHandshakeRecord(ccs), false);
    assert.equal(hasHandshakeRecord(Buffer.concat([ccs, epoch1])), true);
  });

  it('reads the cookie length of a ClientHello', () => {
    const body = (sessionId: number, cookie: number) =>
      Buffer.concat([hex('fefd'), Buffer.alloc(32), Buffer.from([sessionId]), Buffer.alloc(sessionId), Buffer.from([cookie]), Buffer.alloc(cookie + 4)]);
    const f = (b: Buffer, offset = 0): HandshakeFragment => ({ msgType: 1, length: b.length, seq: 0, offset, body: b });
    assert.equal(clientHelloCookieLength(f(body(0, 0))), 0);
    assert.equal(clientHelloCookieLength(f(body(4, 20))), 20);
    assert.equal(clientHelloCookieLength(f(body(0, 0).subarray(0, 30))), undefined);
    assert.equal(clientHelloCookieLength(f(body(0, 0), 8)), undefined);
  });
});

describe('HandshakeReassembler', () => {
  const cert: HandshakeMessage = { msgType: 11, seq: 2, body: Buffer.from('certificate bytes') };
  const cke: HandshakeMessage = { msgType: 16, seq: 3, body: Buffer.from('key') };
  const cv: HandshakeMessage = { msgType: 15, seq: 4, body: Buffer.from('signature') };
  const whole = (m: HandshakeMessage): HandshakeFragment => ({ ...m, length: m.body.length, offset: 0 });

  it('holds messages behind a gap and releases them in order once it fills', () => {
    const r = new HandshakeReassembler();
    r.start(2);
    assert.equal(r.add(whole(cke)), 'accepted');
    assert.equal(r.add(whole(cv)), 'accepted');
    assert.deepEqual(r.take(), [], 'the Certificate is missing');
    assert.equal(r.add(whole(cert)), 'accepted');
    assert.deepEqual(r.take().map((m) => m.msgType), [11, 16, 15]);
    assert.equal(r.next, 5);
    assert.deepEqual(r.take(), [], 'each message once');
  });

  it('calls a message at or below the last one passed on a duplicate', () => {
    const r = new HandshakeReassembler();
    r.start(2);
    r.add(whole(cert));
    r.take();
    assert.equal(r.add(whole(cert)), 'duplicate');
    assert.equal(r.add({ ...whole(cert), body: cert.body.subarray(0, 4), length: cert.body.length }), 'duplicate');
  });

  it('reassembles fragments in any order, overlapping, fragmented differently on retransmission', () => {
    const r = new HandshakeReassembler();
    r.start(2);
    const [a, , c] = fragmentsOf(cert, 7);
    r.add(c!);
    r.add(a!);
    assert.deepEqual(r.take(), []);
    // The retransmission cuts at other places: bytes 5..13 complete the middle.
    r.add({ ...whole(cert), offset: 5, body: cert.body.subarray(5, 14) });
    const [m] = r.take();
    assert.deepEqual(m?.body, cert.body);
  });

  it('waits for start() before passing anything on, and never moves backwards', () => {
    const r = new HandshakeReassembler();
    assert.equal(r.add(whole(cke)), 'accepted');
    assert.deepEqual(r.take(), []);
    r.start(3);
    r.start(1);
    assert.equal(r.next, 3);
    assert.deepEqual(r.take().map((m) => m.seq), [3]);
  });

  it('passes a message that arrives by another way only when it is next', () => {
    const r = new HandshakeReassembler();
    r.start(5);
    assert.equal(r.consume(6), false);
    assert.equal(r.consume(5), true);
    assert.equal(r.next, 6);
    assert.equal(r.consume(5), false);
  });

  it('refuses far-ahead messages, oversized lengths and a second message under one message_seq', () => {
    const r = new HandshakeReassembler();
    r.start(0);
    assert.equal(r.add({ ...whole(cke), seq: 100 }), 'refused');
    assert.equal(r.add({ msgType: 11, seq: 1, length: 1 << 20, offset: 0, body: Buffer.alloc(4) }), 'refused');
    assert.equal(r.add({ ...whole(cke), seq: 0 }), 'accepted');
    assert.equal(r.add({ ...whole(cv), seq: 0 }), 'refused');
    assert.deepEqual(r.take().map((m) => m.msgType), [16]);
  });

  it('property: any fragmentation, order and duplication yields each message once, whole, in order', () => {
    const flight = fc.array(fc.uint8Array({ minLength: 0, maxLength: 60 }), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(flight, fc.integer({ min: 1, max: 16 }), fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 3 }), (bodies, size, shuffleSeed, dupEvery) => {
        const messages = bodies.map((b, i): HandshakeMessage => ({ msgType: 11 + i, seq: 7 + i, body: Buffer.from(b) }));
        let pieces = messages.flatMap((m) => fragmentsOf(m, size));
        if (dupEvery > 0) pieces = pieces.concat(pieces.filter((_, i) => i % dupEvery === 0));
        // A seeded Fisher–Yates shuffle.
        let s = shuffleSeed + 1;
        for (let i = pieces.length - 1; i > 0; i--) {
          s = (s * 48271) % 0x7fffffff;
          const j = s % (i + 1);
          [pieces[i], pieces[j]] = [pieces[j]!, pieces[i]!];
        }
        const r = new HandshakeReassembler();
        r.start(7);
        const out: HandshakeMessage[] = [];
        for (const p of pieces) {
          r.add(p);
          out.push(...r.take());
        }
        assert.deepEqual(
          out.map((m) => [m.msgType, m.seq, m.body.toString('hex')]),
          messages.map((m) => [m.msgType, m.seq, m.body.toString('hex')]),
        );
      }),
      { seed: 6347, numRuns: 300 },
    );
  });
});
