import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import {
  STUN_METHOD_BINDING,
  StunMessageBuilder,
  getErrorCode,
  getXorMappedAddress,
  parseStun,
  shortTermKey,
  verifyFingerprint,
  verifyMessageIntegrity,
} from '../stun/index.js';
import { IceLiteAgent } from './ice-lite-agent.js';
import type { IceCheckResult, IceRemote } from './ice-lite-agent.js';

const UFRAG = 'localUfrag123456';
const PWD = 'localPassword0123456789abcdefghi';

function setup(consentTimeoutMs?: number): { agent: IceLiteAgent; clock: { t: number } } {
  const clock = { t: 1000 };
  const agent = new IceLiteAgent({
    usernameFragment: UFRAG,
    password: PWD,
    now: () => clock.t,
    ...(consentTimeoutMs !== undefined ? { consentTimeoutMs } : {}),
  });
  return { agent, clock };
}

interface RequestOptions {
  username?: string | undefined;
  password?: string | undefined;
  useCandidate?: boolean;
  controlled?: boolean;
  noPriority?: boolean;
  noIntegrity?: boolean;
  fingerprint?: boolean;
  method?: number;
}

function request(o: RequestOptions = {}): Buffer {
  const b = new StunMessageBuilder('request', o.method ?? STUN_METHOD_BINDING, randomBytes(12));
  if (o.username !== '') b.username(o.username ?? `${UFRAG}:remoteUfrag`);
  if (o.noPriority !== true) b.priority(0x6e0001ff);
  if (o.controlled === true) b.iceControlled(7n);
  else b.iceControlling(7n);
  if (o.useCandidate === true) b.useCandidate();
  const fingerprint = o.fingerprint ?? true;
  return b.build(o.noIntegrity === true ? { fingerprint } : { integrityKey: shortTermKey(o.password ?? PWD), fingerprint });
}

interface Tuple extends IceRemote {
  readonly id: string;
}
const UDP1: Tuple = { id: 'udp:192.0.2.1:5000', address: '192.0.2.1', port: 5000, protocol: 'udp' };
const UDP2: Tuple = { id: 'udp:[2001:db8::2]:6000', address: '2001:db8::2', port: 6000, protocol: 'udp' };
const TCP1: Tuple = { id: 'tcp:conn7', address: '198.51.100.7', port: 40000, protocol: 'tcp' };

/** What the transport does: parse, then hand the message to the agent. */
function handle(agent: IceLiteAgent, raw: Buffer, tuple: Tuple): IceCheckResult {
  const msg = parseStun(raw);
  assert.ok(msg, 'test input must be STUN');
  return agent.handleStun(msg, raw, tuple.id, tuple);
}

test('first valid check: success response, new → connected, tuple selected', () => {
  const { agent } = setup();
  assert.equal(agent.state, 'new');
  const req = request();
  const r = handle(agent, req, UDP1);
  assert.equal(r.dropReason, undefined);
  assert.equal(r.valid, true);
  assert.deepEqual(r.events, [
    { type: 'selectedtuplechange', tupleId: UDP1.id },
    { type: 'statechange', state: 'connected' },
  ]);
  assert.ok(r.response);
  const res = parseStun(r.response);
  assert.ok(res);
  assert.equal(res.class, 'successResponse');
  assert.deepEqual(res.transactionId, req.subarray(8, 20));
  assert.deepEqual(getXorMappedAddress(res), { family: 'IPv4', address: '192.0.2.1', port: 5000 });
  assert.ok(verifyMessageIntegrity(r.response, shortTermKey(PWD)));
  assert.ok(verifyFingerprint(r.response));
  assert.equal(agent.state, 'connected');
  assert.equal(agent.selectedTupleId, UDP1.id);
  // A repeat check changes nothing.
  assert.deepEqual(handle(agent, request(), UDP1).events, []);
});

test('nomination: USE-CANDIDATE → completed; a non-nominated tuple does not steal the selection', () => {
  const { agent } = setup();
  handle(agent, request(), UDP1);
  const r = handle(agent, request({ useCandidate: true }), UDP1);
  assert.deepEqual(r.events, [{ type: 'statechange', state: 'completed' }]);
  const other = handle(agent, request(), UDP2);
  assert.equal(other.dropReason, undefined);
  assert.deepEqual(other.events, []);
  assert.equal(agent.selectedTupleId, UDP1.id);
  assert.deepEqual(agent.tupleIds, [UDP1.id, UDP2.id]);
  const res = parseStun(other.response!);
  assert.deepEqual(getXorMappedAddress(res!), { family: 'IPv6', address: '2001:db8::2', port: 6000 });
});

test('nominated first check goes straight new → completed', () => {
  const { agent } = setup();
  const r = handle(agent, request({ useCandidate: true }), TCP1);
  assert.deepEqual(r.events, [
    { type: 'selectedtuplechange', tupleId: TCP1.id },
    { type: 'statechange', state: 'completed' },
  ]);
});

test('a new nomination on another tuple switches the selected tuple', () => {
  const { agent } = setup();
  handle(agent, request({ useCandidate: true }), UDP1);
  handle(agent, request(), TCP1);
  const r = handle(agent, request({ useCandidate: true }), TCP1);
  assert.deepEqual(r.events, [{ type: 'selectedtuplechange', tupleId: TCP1.id }]);
  assert.equal(agent.state, 'completed');
  // And back, straight away with USE-CANDIDATE on a tuple not seen before.
  const back = handle(agent, request({ useCandidate: true }), UDP2);
  assert.deepEqual(back.events, [{ type: 'selectedtuplechange', tupleId: UDP2.id }]);
});

test('an IPv4-mapped IPv6 remote is answered as IPv4', () => {
  const { agent } = setup();
  const r = handle(agent, request(), { id: 'udp6', address: '::FFFF:192.0.2.9', port: 7, protocol: 'udp' });
  assert.deepEqual(getXorMappedAddress(parseStun(r.response!)!), { family: 'IPv4', address: '192.0.2.9', port: 7 });
});

test('wrong password → 401 without MESSAGE-INTEGRITY, nothing changes', () => {
  const { agent } = setup();
  const r = handle(agent, request({ password: 'notThePassword' }), UDP1);
  assert.equal(r.dropReason, 'badMessageIntegrity');
  assert.deepEqual(r.events, []);
  const res = parseStun(r.response!);
  assert.equal(res?.class, 'errorResponse');
  assert.deepEqual(getErrorCode(res!), { code: 401, reason: 'Unauthorized' });
  assert.equal(verifyMessageIntegrity(r.response!, shortTermKey(PWD)), false);
  assert.ok(verifyFingerprint(r.response!));
  assert.equal(agent.state, 'new');
  assert.equal(agent.selectedTupleId, undefined);
});

test('wrong ufrag → 401; a ufrag that is only a prefix of ours → 401', () => {
  const { agent } = setup();
  for (const username of ['otherUfrag:remote', `${UFRAG}x:remote`, UFRAG, `${UFRAG.slice(0, 8)}:remote`]) {
    const r = handle(agent, request({ username }), UDP1);
    assert.equal(r.dropReason, 'unknownUsername', username);
    assert.equal(getErrorCode(parseStun(r.response!)!)?.code, 401);
  }
  assert.equal(agent.state, 'new');
});

test('other rejections', () => {
  const { agent } = setup();
  const rows: [RequestOptions, string, number | undefined, boolean][] = [
    // options, rejection, error code, response signed with our password
    [{ username: '' }, 'missingCredentials', 400, false],
    [{ noIntegrity: true }, 'missingCredentials', 400, false],
    [{ noPriority: true }, 'missingPriority', 400, true],
    [{ controlled: true }, 'roleConflict', 487, true],
    [{ method: 0x003 }, 'unsupportedMethod', 400, false],
  ];
  for (const [opts, rejection, code, signed] of rows) {
    const r = handle(agent, request(opts), UDP1);
    assert.equal(r.dropReason, rejection);
    const res = parseStun(r.response!);
    assert.equal(getErrorCode(res!)?.code, code);
    assert.equal(verifyMessageIntegrity(r.response!, shortTermKey(PWD)), signed, rejection);
  }
  // Bad FINGERPRINT, indications, responses and garbage: silence.
  const bad = request();
  bad[bad.length - 1] = bad[bad.length - 1]! ^ 1;
  assert.deepEqual(handle(agent, bad, UDP1), { response: undefined, events: [], valid: false, dropReason: 'badFingerprint' });
  const indication = new StunMessageBuilder('indication', STUN_METHOD_BINDING, randomBytes(12)).build({ fingerprint: true });
  assert.equal(handle(agent, indication, UDP1).dropReason, 'notRequest');
  assert.equal(agent.state, 'new');
  // Without FINGERPRINT the check is still accepted.
  assert.equal(handle(agent, request({ fingerprint: false }), UDP1).dropReason, undefined);
  assert.equal(agent.state, 'connected');
});

test('consent timeout → disconnected, tuple dropped; a later check reconnects', () => {
  const { agent, clock } = setup(30_000);
  handle(agent, request({ useCandidate: true }), UDP1);
  clock.t += 20_000;
  handle(agent, request(), UDP1); // consent refreshed
  clock.t += 29_999;
  assert.deepEqual(agent.tick(clock.t), []);
  clock.t += 1;
  assert.deepEqual(agent.tick(clock.t), [
    { type: 'selectedtuplechange', tupleId: undefined },
    { type: 'statechange', state: 'disconnected' },
  ]);
  assert.equal(agent.selectedTupleId, undefined);
  assert.deepEqual(agent.tupleIds, []);
  assert.deepEqual(agent.tick(clock.t + 100_000), []);
  const r = handle(agent, request(), UDP1);
  assert.deepEqual(r.events, [
    { type: 'selectedtuplechange', tupleId: UDP1.id },
    { type: 'statechange', state: 'connected' },
  ]);
  assert.deepEqual(handle(agent, request({ useCandidate: true }), UDP1).events, [
    { type: 'statechange', state: 'completed' },
  ]);
});

test('consent: unselected stale tuples are dropped silently; the clock defaults to now()', () => {
  const { agent, clock } = setup(10_000);
  handle(agent, request({ useCandidate: true }), UDP1);
  handle(agent, request(), UDP2);
  clock.t += 5_000;
  handle(agent, request(), UDP1);
  clock.t += 5_000;
  assert.deepEqual(agent.tick(), []);
  assert.deepEqual(agent.tupleIds, [UDP1.id]);
  assert.equal(agent.state, 'completed');
});

test('consentTimeoutMs 0 disables expiry', () => {
  const { agent, clock } = setup(0);
  handle(agent, request(), UDP1);
  clock.t += 10 ** 9;
  assert.deepEqual(agent.tick(clock.t), []);
  assert.equal(agent.state, 'connected');
});

test('removeTuple: selection falls back to the freshest tuple, else disconnected', () => {
  const { agent, clock } = setup();
  handle(agent, request({ useCandidate: true }), TCP1);
  clock.t += 10;
  handle(agent, request(), UDP1);
  clock.t += 10;
  handle(agent, request(), UDP2);
  assert.deepEqual(agent.removeTuple('nope'), []);
  assert.deepEqual(agent.removeTuple(UDP1.id), []);
  assert.deepEqual(agent.removeTuple(TCP1.id), [{ type: 'selectedtuplechange', tupleId: UDP2.id }]);
  assert.equal(agent.state, 'completed');
  assert.deepEqual(agent.removeTuple(UDP2.id), [
    { type: 'selectedtuplechange', tupleId: undefined },
    { type: 'statechange', state: 'disconnected' },
  ]);
});

test('restart: selection kept, old credentials honoured until the new ones are used', () => {
  const { agent } = setup();
  handle(agent, request({ useCandidate: true }), UDP1);
  agent.restart('newUfrag', 'newPassword');
  assert.equal(agent.usernameFragment, 'newUfrag');
  assert.equal(agent.state, 'completed');
  assert.equal(agent.selectedTupleId, UDP1.id);
  // An in-flight consent check with the old credentials still works, answered with the old key.
  const old = handle(agent, request(), UDP1);
  assert.equal(old.dropReason, undefined);
  assert.ok(verifyMessageIntegrity(old.response!, shortTermKey(PWD)));
  // New credentials arrive: answered with the new key...
  const fresh = handle(agent, request({ username: 'newUfrag:r2', password: 'newPassword', useCandidate: true }), UDP2);
  assert.equal(fresh.dropReason, undefined);
  assert.ok(verifyMessageIntegrity(fresh.response!, shortTermKey('newPassword')));
  assert.deepEqual(fresh.events, [{ type: 'selectedtuplechange', tupleId: UDP2.id }]);
  // ...and from then on the old ones are refused.
  assert.equal(handle(agent, request(), UDP1).dropReason, 'unknownUsername');
  assert.equal(handle(agent, request({ username: 'newUfrag:r2' }), UDP1).dropReason, 'badMessageIntegrity');
});

test('close: everything is ignored afterwards', () => {
  const { agent } = setup();
  handle(agent, request(), UDP1);
  agent.close();
  assert.equal(agent.state, 'closed');
  assert.deepEqual(handle(agent, request(), UDP1), { response: undefined, events: [], valid: false, dropReason: 'closed' });
  assert.deepEqual(agent.tick(10 ** 9), []);
  assert.deepEqual(agent.removeTuple(UDP1.id), []);
});

test('tuples are capped; the stalest unselected one goes first', () => {
  const { agent, clock } = setup();
  handle(agent, request({ useCandidate: true }), UDP1);
  for (let i = 0; i < 20; i++) {
    clock.t += 1;
    handle(agent, request(), { id: `udp:x:${i}`, address: '203.0.113.1', port: i + 1, protocol: 'udp' });
  }
  const ids = agent.tupleIds;
  assert.equal(ids.length, 16);
  assert.ok(ids.includes(UDP1.id));
  assert.ok(ids.includes('udp:x:19'));
  assert.ok(!ids.includes('udp:x:0'));
});

test('fuzz: handleStun never throws on arbitrary or mutated input', () => {
  const { agent } = setup();
  const valid = request({ useCandidate: true });
  const input = fc.oneof(
    // A STUN header (request or not) with a consistent length in front of random attribute words.
    fc
      .record({ type: fc.constantFrom(0x0001, 0x0011, 0x0101, 0x0003), words: fc.uint8Array({ maxLength: 120 }) })
      .map(({ type, words }) => {
        const body = Buffer.from(words.subarray(0, words.length & ~3));
        const head = Buffer.alloc(20);
        head.writeUInt16BE(type, 0);
        head.writeUInt16BE(body.length, 2);
        head.writeUInt32BE(0x2112a442, 4);
        return Buffer.concat([head, body]);
      }),
    fc
      .record({ at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }), cut: fc.nat() })
      .map(({ at, xor, cut }) => {
        const b = Buffer.from(valid);
        b[at % b.length] = b[at % b.length]! ^ xor;
        return b.subarray(0, cut % 8 === 0 ? cut % b.length : b.length);
      }),
  );
  fc.assert(
    fc.property(input, (buf) => {
      const msg = parseStun(buf);
      if (msg === undefined) return;
      const r = agent.handleStun(msg, buf, UDP1.id, UDP1);
      assert.equal(r.valid, r.dropReason === undefined);
      if (r.response !== undefined) assert.ok(parseStun(r.response));
    }),
    { numRuns: 100_000 },
  );
});
