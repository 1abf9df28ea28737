/**
 * Recovery in the web app, with real failures:
 * - the server drops one participant's signaling socket at the transport
 *   level (as a broken network does): the client reconnects, rejoins as the
 *   same peer, and media resumes within 10 s with no duplicate tiles;
 * - a real ICE failure: an nftables rule drops every packet of one
 *   participant's send-transport flow (its UDP port, and the server's TCP
 *   media port so ICE cannot slide over to TCP). The SDK restarts ICE on the
 *   same transport and the video resumes once the path is back.
 * nft changes only a table of its own, removed afterwards; under
 * `npm run test:isolated` it lives in the test's private network namespace.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startServer, type RunningServer } from '@consomme/server';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, sleep } from '../lib/browser.js';
import { joinFromLobby, openLobby, ownPeerId, remoteTiles, waitFor } from '../lib/app-ui.js';

const TABLE = `consomme_test_${process.pid}`;

function nft(...args: string[]): void {
  execFileSync('nft', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Drops, on every interface, UDP to or from `udpPort` and TCP to or from `tcpPort`. */
function cutFlows(udpPort: number, tcpPort: number | undefined): void {
  nft('add', 'table', 'inet', TABLE);
  for (const hook of ['input', 'output']) {
    nft('add', 'chain', 'inet', TABLE, hook, `{ type filter hook ${hook} priority 0; policy accept; }`);
    nft('add', 'rule', 'inet', TABLE, hook, 'udp', 'sport', String(udpPort), 'drop');
    nft('add', 'rule', 'inet', TABLE, hook, 'udp', 'dport', String(udpPort), 'drop');
    if (tcpPort !== undefined) {
      nft('add', 'rule', 'inet', TABLE, hook, 'tcp', 'sport', String(tcpPort), 'drop');
      nft('add', 'rule', 'inet', TABLE, hook, 'tcp', 'dport', String(tcpPort), 'drop');
    }
  }
}

function restoreFlows(): void {
  try {
    nft('delete', 'table', 'inet', TABLE);
  } catch {
    // not there
  }
}

/** framesDecoded of this page's consumer of `peerId`'s camera, from the SDK's stats. */
function cameraFrames(page: Page, peerId: string): Promise<number> {
  return page.evaluate(async (id) => {
    const stats = await window.__consomme!.room.getStats();
    return stats.consumers.filter((c) => c.peerId === id && c.source === 'webcam').reduce((n, c) => n + c.framesDecoded, 0);
  }, peerId);
}

function connection(page: Page): Promise<string | null> {
  return page.getByTestId('room').getAttribute('data-connection');
}

describe('recovery in the web app', { timeout: 180_000 }, () => {
  let server: RunningServer;
  let browser: Browser;
  const room = `recovery-${randomBytes(3).toString('hex')}`;
  let alice: Page;
  let bob: Page;
  let aliceId: string;
  let bobId: string;

  before(async () => {
    execFileSync('nft', ['--version']); // fails clearly when nftables is missing (.ci/run installs it)
    server = await startServer({ host: '127.0.0.1', port: 0, numWorkers: 1, rtc: { webRtcServerPort: 0 }, logLevel: 'warn' });
    browser = await launchChromium();
    alice = await openLobby(browser, server.url, 'Alice');
    await joinFromLobby(alice, 'Alice', room);
    bob = await openLobby(browser, server.url, 'Bob');
    await joinFromLobby(bob, 'Bob', room);
    aliceId = await ownPeerId(alice);
    bobId = await ownPeerId(bob);
    await waitFor('Bob decodes Alice', () => cameraFrames(bob, aliceId), (n) => n > 10);
    await waitFor('Alice decodes Bob', () => cameraFrames(alice, bobId), (n) => n > 10);
  });

  after(async () => {
    restoreFlows();
    await browser?.close();
    await server?.close();
  });

  test('a dropped signaling socket: Bob reconnects, media resumes within 10 s, no duplicate tiles', async () => {
    const sendBefore = await bob.evaluate(() => window.__consomme!.room.sendTransport?.id);
    assert.ok(server.rooms.dropSignaling(room, bobId), "Bob's socket was open");
    const dropped = Date.now();
    const left = (): number => Math.max(1, 10_000 - (Date.now() - dropped));
    await waitFor('Bob reconnecting', () => connection(bob), (s) => s !== 'connected', left());
    await waitFor('Bob connected again', () => connection(bob), (s) => s === 'connected', left());
    assert.equal(await ownPeerId(bob), bobId, 'Bob keeps his peer id');
    assert.notEqual(await bob.evaluate(() => window.__consomme!.room.sendTransport?.id), sendBefore, 'fresh transports');
    // Media both ways on the new transports, before the 10 s are up.
    const aliceSeesBob = await cameraFrames(alice, bobId);
    await waitFor('Alice decodes Bob again', () => cameraFrames(alice, bobId), (n) => n > aliceSeesBob + 10 || n > 10, left());
    await waitFor('Bob decodes Alice again', () => cameraFrames(bob, aliceId), (n) => n > 10, left());
    const seconds = (Date.now() - dropped) / 1000;
    console.log(`signaling drop to media both ways: ${seconds.toFixed(1)} s`);
    for (const [page, other] of [[alice, bobId], [bob, aliceId]] as const) {
      const tiles = await remoteTiles(page);
      assert.deepEqual(tiles.map((t) => t.peerId), [other], 'exactly one tile for the other person');
    }
    assert.equal(server.rooms.get(room)?.peers.length, 2);
  });

  test('a real ICE failure on a send transport: ICE restart on the same transport, and video resumes', async () => {
    const [send] = server.rooms.transports(room, aliceId).filter((t) => t.direction === 'send');
    assert.ok(send?.tuple, "Alice's send transport has a selected tuple");
    assert.equal(send.tuple.protocol, 'udp');
    const tcpPort = send.iceCandidates.find((c) => c.protocol === 'tcp')?.port;
    await alice.evaluate(() => {
      const w = window as unknown as { restarts: number; states: string[] };
      const room = window.__consomme!.room;
      w.restarts = 0;
      w.states = [];
      room.on('connectionState', (s) => w.states.push(s));
      // Count the restarts (the real method still runs).
      const transport = room.sendTransport!;
      const restart = transport.restartIce.bind(transport);
      transport.restartIce = async (p) => {
        w.restarts++;
        return restart(p);
      };
    });
    const sendId = await alice.evaluate(() => window.__consomme!.room.sendTransport!.id);
    cutFlows(send.tuple.remotePort!, tcpPort);
    try {
      await waitFor("Alice's media path reported broken", () => connection(alice), (s) => s === 'reconnecting', 20_000);
      const stalled = await cameraFrames(bob, aliceId);
      await sleep(1500);
      assert.ok((await cameraFrames(bob, aliceId)) - stalled < 5, "Bob's view of Alice stalls while the path is cut");
      await waitFor('an ICE restart', () => alice.evaluate(() => (window as unknown as { restarts: number }).restarts), (n) => n >= 1, 15_000);
    } finally {
      restoreFlows();
    }
    const restored = Date.now();
    await waitFor('Alice connected again', () => connection(alice), (s) => s === 'connected', 30_000);
    const frames = await cameraFrames(bob, aliceId);
    await waitFor('Bob decodes Alice again', () => cameraFrames(bob, aliceId), (n) => n > frames + 20, 20_000);
    console.log(`path restored to video at Bob: ${((Date.now() - restored) / 1000).toFixed(1)} s`);
    assert.equal(await alice.evaluate(() => window.__consomme!.room.sendTransport!.id), sendId, 'the same transport, restarted');
    const states = await alice.evaluate(() => (window as unknown as { states: string[] }).states);
    assert.deepEqual([states[0], states.at(-1)], ['reconnecting', 'connected'], JSON.stringify(states));
  });
});
