/**
 * DtlsSession against garbage and fuzzed handshake records: nothing throws, noise completes no
 * handshake, and werift's handshake parser is exercised.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FragmentedHandshake } from 'werift-dtls/lib/dtls/src/record/message/fragment.js';
import { DtlsSession } from './session.js';
import { parseDtlsRecords } from './records.js';
import { parseHandshakeFragments } from './handshake-reassembly.js';
import { certificates, handshake, makePair, settled, TEST_TIMEOUT, until, useSessionCertificates, watch } from './session-test-pair.js';
import type { Tap } from './session-test-pair.js';

const hex = (...parts: string[]): Buffer => Buffer.from(parts.join('').replace(/\s+/g, ''), 'hex');

useSessionCertificates();

/** Handshake messages werift decoded (FragmentedHandshake.deSerialize returned), counted by a wrapper. */
const weriftHandshakes = { parsed: 0 };
const originalDeSerialize = FragmentedHandshake.deSerialize.bind(FragmentedHandshake);

/** Datagrams for werift's handshake parser; about 75% hold a message that reaches it. */
const HANDSHAKE_RUNS = 120_000;

/**
 * One handshake message (RFC 6347 §4.2.2,
 * https://www.rfc-editor.org/rfc/rfc6347#section-4.2.2):
 *   msg_type(1) length(3) message_seq(2) fragment_offset(3) fragment_length(3) fragment
 * Mostly whole and self-consistent, so werift decodes it and hands it to its
 * flight handlers; sometimes a fragment, sometimes with lengths that lie.
 */
const handshakeMessage = fc
  .record({
    msgType: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(1, 2, 3, 11, 12, 13, 14, 15, 16, 20) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) },
    ),
    seq: fc.integer({ min: 0, max: 8 }),
    body: fc.uint8Array({ maxLength: 48 }),
    shape: fc.constantFrom('whole', 'whole', 'whole', 'whole', 'whole', 'whole', 'fragment', 'lying'),
    extra: fc.integer({ min: 0, max: 0xffff }),
  })
  .map(({ msgType, seq, body, shape, extra }) => {
    const h = Buffer.alloc(12);
    h[0] = msgType;
    const n = body.length;
    const [length, offset, fragmentLength] =
      shape === 'whole' ? [n, 0, n] : shape === 'fragment' ? [n + (extra % 64), extra % 16, n] : [extra, extra >> 4, (extra * 7) & 0xffff];
    h.writeUIntBE(length & 0xffffff, 1, 3);
    h.writeUInt16BE(seq, 4);
    h.writeUIntBE(offset, 6, 3);
    h.writeUIntBE(fragmentLength, 9, 3);
    return Buffer.concat([h, body]);
  });

/** One DTLS 1.2 record (RFC 6347 §4.1): mostly epoch-0 handshake records, the rest of every other type. */
const handshakeRecord = fc
  .record({
    type: fc.oneof({ weight: 9, arbitrary: fc.constant(22) }, { weight: 1, arbitrary: fc.constantFrom(20, 21, 23) }),
    epoch: fc.oneof({ weight: 19, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constant(1) }),
    version: fc.constantFrom(0xfefd, 0xfefd, 0xfefd, 0xfeff),
    sequenceNumber: fc.integer({ min: 0, max: 2 ** 32 }),
    messages: fc.array(handshakeMessage, { minLength: 1, maxLength: 3 }),
    raw: fc.uint8Array({ maxLength: 40 }),
  })
  .map(({ type, epoch, version, sequenceNumber, messages, raw }) => {
    const fragment = type === 22 ? Buffer.concat(messages) : Buffer.from(raw);
    const b = Buffer.alloc(13);
    b[0] = type;
    b.writeUInt16BE(version, 1);
    b.writeUInt16BE(epoch, 3);
    b.writeUIntBE(sequenceNumber, 5, 6);
    b.writeUInt16BE(fragment.length, 11);
    return Buffer.concat([b, fragment]);
  });

const handshakeDatagram = fc.array(handshakeRecord, { minLength: 1, maxLength: 3 }).map((records) => Buffer.concat(records));

describe('DtlsSession garbage input', TEST_TIMEOUT, () => {
  it('never throws for random datagrams in any state and keeps working', async (t) => {
    const { client, server } = makePair();
    const c = watch(client);
    const s = watch(server);
    const fresh = new DtlsSession({ role: 'server', certificate: certificates.server, srtpProfiles: [1], send: () => undefined });
    const garbage = fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a));
    fc.assert(
      fc.property(garbage, (buf) => {
        fresh.handleDatagram(buf);
        client.handleDatagram(buf); // state 'new' for a client: dropped
      }),
      { numRuns: 20_000 },
    );
    server.start();
    client.start();
    await until(() => settled(c) && settled(s));
    assert.ok(c.connected && s.connected);
    fc.assert(
      fc.property(garbage, (buf) => {
        client.handleDatagram(buf);
        server.handleDatagram(buf);
      }),
      { numRuns: 20_000 },
    );
    assert.equal(client.state, 'connected');
    assert.equal(server.state, 'connected');
    assert.ok(client.stats.datagramsDropped > 0);
    // Record-shaped input, mostly plaintext handshake records: once connected,
    // each of those must be dropped before werift (which would renegotiate on a
    // ClientHello anywhere in one), and the rest must leave the keys alone.
    const droppedBefore = server.stats.datagramsDropped;
    let plainHandshakes = 0;
    fc.assert(
      fc.property(handshakeDatagram, (buf) => {
        plainHandshakes += parseDtlsRecords(buf)?.filter((r) => r.contentType === 'handshake' && r.epoch === 0).length ?? 0;
        client.handleDatagram(buf);
        server.handleDatagram(buf);
      }),
      { numRuns: 20_000 },
    );
    t.diagnostic(`${plainHandshakes} plaintext handshake records to connected sessions, all dropped`);
    assert.ok(plainHandshakes > 20_000, `${plainHandshakes} plaintext handshake records generated`);
    assert.ok(server.stats.datagramsDropped - droppedBefore >= plainHandshakes, 'every plaintext handshake record dropped');
    // Let werift's async handlers run before checking the sessions.
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(client.state, 'connected');
    assert.equal(server.state, 'connected');
    // Both directions still carry data: werift's record cipher was not replaced.
    const atServer: string[] = [];
    const atClient: string[] = [];
    server.on('data', (d) => atServer.push(d.toString()));
    client.on('data', (d) => atClient.push(d.toString()));
    assert.equal(client.sendApplicationData(Buffer.from('still alive')), true);
    assert.equal(server.sendApplicationData(Buffer.from('still alive too')), true);
    await until(() => atServer.includes('still alive') && atClient.includes('still alive too'), 2000);
    client.close();
    server.close();
    fresh.close();
  });

  // Found by the fuzz below: werift renegotiates (new keys, connected = false)
  // on a ClientHello anywhere in a plaintext handshake record, and the check
  // for one looked only at the record's first message.
  it('drops a ClientHello behind another message in a plaintext record once connected', async () => {
    const { client, server } = await handshake({}, { startServer: true });
    const record = hex(
      '16 fefd 0000 000000000063 0027', //              handshake, DTLS 1.2, epoch 0, seq 99, 39 bytes
      '10 000005 0000 000000 000005 0000000000', //      ClientKeyExchange, 5 bytes
      '01 00000a 0000 000000 00000a 07070707070707070707', // ClientHello, 10 bytes
    );
    const dropped = server.stats.datagramsDropped;
    server.handleDatagram(record);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(server.stats.datagramsDropped, dropped + 1);
    assert.equal(server.state, 'connected');
    const got: string[] = [];
    client.on('data', (d) => got.push(d.toString()));
    assert.equal(server.sendApplicationData(Buffer.from('same keys')), true);
    await until(() => got.includes('same keys'), 2000);
    client.close();
    server.close();
  });
});

// Well over 100,000 datagrams (about 12 s here), hence a suite of its own.
/**
 * Sets each whole epoch-0 handshake message's message_seq to the one the
 * session awaits next, since the session passes messages to werift only in
 * message_seq order (handshake-reassembly.ts). ClientHello and
 * HelloVerifyRequest bypass that order, so they take none.
 */
function resequence(buf: Buffer, next: { seq: number }): Buffer {
  const out = Buffer.from(buf);
  for (let off = 0; off + 13 <= out.length; off += 13 + out.readUInt16BE(off + 11)) {
    if (out[off] !== 22 || out.readUInt16BE(off + 3) !== 0) continue;
    const end = Math.min(out.length, off + 13 + out.readUInt16BE(off + 11));
    // A record that does not split into messages is dropped whole, so it takes no numbers.
    const wellFormed = parseHandshakeFragments(out.subarray(off + 13, end)) !== undefined;
    for (let m = off + 13; m + 12 <= end; m += 12 + out.readUIntBE(m + 9, 3)) {
      const hello = out[m] === 1 || out[m] === 3;
      const whole = out.readUIntBE(m + 6, 3) === 0 && out.readUIntBE(m + 1, 3) === out.readUIntBE(m + 9, 3);
      out.writeUInt16BE(wellFormed && whole && !hello ? next.seq++ : Math.max(next.seq - 1, 0), m + 4);
    }
  }
  return out;
}

describe('werift handshake parser fuzz', { timeout: 90_000 }, () => {
  // Real first messages that open each role's handshake: a ClientHello for a
  // server session, a ServerHello for a client session.
  const openers: { server?: Buffer; client?: Buffer } = {};
  before(async () => {
    const tap: Tap = (from, buf) => {
      if (from === 'client') openers.server ??= buf;
      else if (buf[0] === 22 && buf[13] === 2) openers.client ??= buf;
      return buf;
    };
    const { client, server } = await handshake({ tap });
    client.close();
    server.close();
    FragmentedHandshake.deSerialize = (buf: Buffer): FragmentedHandshake => {
      const h = originalDeSerialize(buf);
      weriftHandshakes.parsed++;
      return h;
    };
  });
  after(() => {
    FragmentedHandshake.deSerialize = originalDeSerialize;
  });

  it('record-shaped datagrams into handshaking sessions never throw or complete a handshake', async (t) => {
    // Before the handshake completes, plaintext handshake records go to werift,
    // which decodes each message and runs its flight handlers. A session takes
    // datagrams until garbage fails it; then a fresh one takes over.
    let reached = 0;
    let sessions = 0;
    let session: DtlsSession | undefined;
    const next = { seq: 0 };
    const retired: DtlsSession[] = [];
    const feed = fc.property(handshakeDatagram, (buf) => {
      if (session === undefined || session.state !== 'connecting') {
        if (session !== undefined) retired.push(session);
        // Alternate roles: a started client is waiting for the server's flights.
        const role = sessions++ % 2 === 0 ? 'server' : 'client';
        session = new DtlsSession({ role, certificate: role === 'server' ? certificates.server : certificates.client, srtpProfiles: [1], send: () => undefined });
        session.start();
        const opener = openers[role] as Buffer;
        session.handleDatagram(Buffer.from(opener));
        next.seq = opener.readUInt16BE(13 + 4) + 1;
      }
      const before = weriftHandshakes.parsed;
      session.handleDatagram(resequence(buf, next));
      if (weriftHandshakes.parsed > before) reached++;
    });
    // werift fails a session from its async handlers, so they run between rounds.
    for (let round = 0; round < HANDSHAKE_RUNS / 25; round++) {
      fc.assert(feed, { numRuns: 25 });
      await new Promise((r) => setImmediate(r));
    }
    await new Promise((r) => setImmediate(r));
    // Garbage can fail a handshake but never complete one.
    for (const s of [...retired, session]) {
      assert.ok(s?.state === 'connecting' || s?.state === 'failed', s?.state);
      s?.close();
    }
    t.diagnostic(`${reached} of ${HANDSHAKE_RUNS} datagrams reached werift's handshake parser (${weriftHandshakes.parsed} messages, ${sessions} sessions)`);
    assert.ok(sessions > 100, `${sessions} sessions`);
    // A floor, so that a generator which drifts into malformed input fails here. About
    // three in four reach werift: the session drops hellos meant for the other role or
    // without a readable cookie field, and records that do not split into messages.
    assert.ok(reached >= 85_000, `${reached} of ${HANDSHAKE_RUNS} datagrams had a handshake message decoded by werift`);
  });
});
