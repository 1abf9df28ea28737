/**
 * Sending on a stream while our own outgoing SSN reset (RFC 6525 §5.1.2) is
 * unacknowledged. The receiver restarts the stream at the request's last TSN
 * and then expects SSN 0; a message sent before the response must not carry
 * the old SSN, or the receiver holds it (and everything after it on that
 * stream) forever. Found end to end: e2e/node/sctp-bad-input.test.ts, a
 * message on the stream of a closed DataProducer was neither delivered nor
 * counted, and the stream stalled.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPair, type LinkControl } from './test-pair.test.helper.js';
import { PPID } from './ppid.js';
import type { SctpAssociation } from './association.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const CHUNK_DATA = 0;
const CHUNK_RECONFIG = 130;
const PARAM_OUTGOING_RESET_REQUEST = 13;

async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

function texts(a: SctpAssociation, streamId: number): string[] {
  const out: string[] = [];
  a.on('message', (id, _ppid, data) => id === streamId && out.push(data.toString()));
  return out;
}

/**
 * Once `link` carries an outgoing SSN reset request, `send` runs; the next DATA packet is then
 * held 20 ms, as a separate UDP datagram can arrive after the request (the in-memory link would
 * otherwise hand both to the receiver in one batch and hide the problem).
 */
function afterOwnResetRequest(link: LinkControl, target: () => SctpAssociation, send: () => void): void {
  let phase = 0;
  link.filter = (packet) => {
    if (phase === 0 && packet[12] === CHUNK_RECONFIG && packet.readUInt16BE(16) === PARAM_OUTGOING_RESET_REQUEST) {
      phase = 1;
      queueMicrotask(send);
      return false;
    }
    if (phase === 1 && packet[12] === CHUNK_DATA) {
      phase = 2;
      setTimeout(() => target().handlePacket(packet), 20);
      return true;
    }
    return false;
  };
}

test('the peer closes a stream; a message we send while our answering reset is pending arrives, and the stream is usable after', async () => {
  const p = createPair({}, 11);
  await p.connected;
  try {
    const got = texts(p.server, 8);
    assert.equal(p.client.send(8, PPID.string, Buffer.from('open'), { ordered: true }), 'ok');
    await until(() => got.includes('open'), 2000, 'the first message');
    // The server resets its outgoing stream 8 (a DataProducer closed); the client answers with its own reset.
    let during: string | undefined;
    afterOwnResetRequest(p.toServer, () => p.server, () => (during = p.client.send(8, PPID.string, Buffer.from('during'), { ordered: true })));
    p.server.resetStreams([8]);
    await until(() => during !== undefined, 2000, 'the client reset request');
    assert.equal(during, 'ok');
    await until(() => got.includes('during'), 2000, 'the message sent during the reset');
    assert.equal(p.client.send(8, PPID.string, Buffer.from('after'), { ordered: true }), 'ok');
    await until(() => got.includes('after'), 2000, 'a message after the reset');
    assert.deepEqual(got, ['open', 'during', 'after']);
    assert.equal(p.client.bufferedAmount(), 0);
  } finally {
    p.client.close();
    p.server.close();
  }
});

test('we reset a stream and reuse it at once: the new messages wait for the reset, then arrive in order', async () => {
  const p = createPair({}, 12);
  await p.connected;
  try {
    const got = texts(p.client, 5);
    for (const m of ['a', 'b']) assert.equal(p.server.send(5, PPID.string, Buffer.from(m), { ordered: true }), 'ok');
    await until(() => got.length === 2, 2000, 'the first messages');
    // The peer's answer to our reset is 100 ms late; DATA we put on the wire meanwhile is recorded.
    const dataOnStream5: number[] = [];
    p.toClient.filter = (packet) => {
      if (packet[12] === CHUNK_DATA && packet.readUInt16BE(12 + 8) === 5) dataOnStream5.push(Date.now());
      return false;
    };
    let answered = false;
    p.toServer.filter = (packet) => {
      if (answered || packet[12] !== CHUNK_RECONFIG) return false;
      answered = true;
      setTimeout(() => p.server.handlePacket(packet), 100);
      return true;
    };
    // A data consumer closes (reset) and a new one takes the same stream before the peer answered.
    p.server.resetStreams([5]);
    for (const m of ['c', 'd']) assert.equal(p.server.send(5, PPID.string, Buffer.from(m), { ordered: true }), 'ok');
    await sleep(50);
    assert.deepEqual(dataOnStream5, [], 'nothing sent on the stream while its reset is pending');
    assert.equal(p.server.bufferedAmount(5), 2, 'the waiting messages count in bufferedAmount');
    await until(() => got.length === 4, 2000, 'the messages on the reused stream');
    assert.deepEqual(got, ['a', 'b', 'c', 'd']);
    await until(() => p.server.bufferedAmount() === 0, 2000, 'everything acknowledged');
  } finally {
    p.client.close();
    p.server.close();
  }
});
