/**
 * RTP observers against Chromium: two pages each send a WebAudio tone whose
 * loudness the test sets (gain 0 is digital silence), Chromium puts the RFC
 * 6464 audio level on every packet, and the observers must tell who is loud
 * (AudioLevelObserver) and who holds the floor (ActiveSpeakerObserver).
 */
import assert from 'node:assert/strict';
import type { EventEmitter } from 'node:events';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { types } from 'consomme';
import { sleep, useClientPages } from '../lib/browser.js';
import { SfuFixture } from '../lib/sfu-fixture.js';

const openPage = useClientPages();

/** Resolves with the first emitted event that `accept` returns a value for; rejects after `ms`. */
function nextEvent<T>(emitter: EventEmitter, event: string, ms: number, accept: (...args: any[]) => T | undefined, log: string[]): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`timed out after ${ms} ms waiting for '${event}'; events: ${log.slice(-15).join(' | ')}`));
    }, ms);
    const listener = (...args: any[]): void => {
      const value = accept(...args);
      if (value === undefined) return;
      clearTimeout(timer);
      emitter.off(event, listener);
      resolve(value);
    };
    emitter.on(event, listener);
  });
}

interface Call {
  fixture: SfuFixture;
  a: Page;
  b: Page;
  /** Producer ids of page A's and page B's tones. */
  aId: string;
  bId: string;
  close(): Promise<void>;
}

/** Two pages, each producing one tone through the SFU: A loud, B silent. */
async function call(): Promise<Call> {
  const fixture = await new SfuFixture().start();
  const a = await openPage((m, d) => fixture.handle(m, d));
  const b = await openPage((m, d) => fixture.handle(m, d));
  const aId = await a.evaluate(() => (window as any).msTest.produceTone({ gain: 0.5 }));
  const bId = await b.evaluate(() => (window as any).msTest.produceTone({ gain: 0 }));
  return {
    fixture,
    a,
    b,
    aId,
    bId,
    close: async () => {
      await a.context().close();
      await b.context().close();
      fixture.close();
    },
  };
}

const setGain = (page: Page, producerId: string, gain: number): Promise<void> =>
  page.evaluate(([id, g]) => (window as any).msTest.setToneGain(id, g), [producerId, gain] as const);

describe('AudioLevelObserver with Chromium', { timeout: 90_000 }, () => {
  test('reports the loud producer first, then silence when it stops, in both ways of stopping', async () => {
    const c = await call();
    try {
      const observer = await c.fixture.router.createAudioLevelObserver({ maxEntries: 2, threshold: -70, interval: 400 });
      const log: string[] = [];
      const name = (p: types.Producer): string => (p.id === c.aId ? 'A' : p.id === c.bId ? 'B' : '?');
      observer.on('volumes', (v) => log.push(`volumes ${v.map((e) => `${name(e.producer)}:${e.volume}`).join(',')}`));
      observer.on('silence', () => log.push('silence'));
      await observer.addProducer({ producerId: c.aId });
      await observer.addProducer({ producerId: c.bId });

      // A loud, B digital silence: only A is reported, with its Producer object.
      const loud = await nextEvent(observer, 'volumes', 20_000, (v: types.AudioLevelObserverVolume[]) => v, log);
      assert.equal(loud.length, 1, log.join(' | '));
      assert.equal(loud[0]!.producer, c.fixture.producers.get(c.aId));
      assert.ok(loud[0]!.volume > -30 && loud[0]!.volume <= 0, `a gain 0.5 tone is loud: ${loud[0]!.volume} dBov`);

      // B becomes audible but quieter: both are reported, loudest first.
      await setGain(c.b, c.bId, 0.02);
      const both = await nextEvent(observer, 'volumes', 10_000, (v: types.AudioLevelObserverVolume[]) => (v.length === 2 ? v : undefined), log);
      assert.deepEqual(both.map((e) => e.producer.id), [c.aId, c.bId], log.join(' | '));
      assert.ok(both[0]!.volume > both[1]!.volume, log.join(' | '));
      await setGain(c.b, c.bId, 0);

      // Pausing the producer on the server: silence, once.
      await c.fixture.producers.get(c.aId)!.pause();
      await nextEvent(observer, 'silence', 10_000, () => true, log);
      const silenceAt = log.length;
      await sleep(1500);
      assert.equal(log.length, silenceAt, `nothing after 'silence' while A is paused: ${log.join(' | ')}`);

      // Resumed: volumes again.
      await c.fixture.producers.get(c.aId)!.resume();
      await nextEvent(observer, 'volumes', 10_000, (v: types.AudioLevelObserverVolume[]) => (v[0]?.producer.id === c.aId ? v : undefined), log);

      // The page disables its track: Chromium sends silence, the observer says so.
      await c.a.evaluate((id) => (window as any).msTest.setTrackEnabled(id, false), c.aId);
      await nextEvent(observer, 'silence', 10_000, () => true, log);

      // A paused observer reports nothing, even when A is loud again.
      await c.a.evaluate((id) => (window as any).msTest.setTrackEnabled(id, true), c.aId);
      await observer.pause();
      const before = log.length;
      await sleep(1500);
      assert.equal(log.length, before, `nothing while paused: ${log.slice(before).join(' | ')}`);
      await observer.resume();
      await nextEvent(observer, 'volumes', 10_000, (v: types.AudioLevelObserverVolume[]) => v, log);
    } catch (error) {
      throw new Error(`${(error as Error).message}; sfu: ${await c.fixture.diagnostics()}`);
    } finally {
      await c.close();
    }
  });
});

describe('ActiveSpeakerObserver with Chromium', { timeout: 90_000 }, () => {
  test('the loud producer is dominant; swapping who is silent switches it, each time', async () => {
    const c = await call();
    try {
      const observer = await c.fixture.router.createActiveSpeakerObserver();
      const log: string[] = [];
      const name = (p: types.Producer): string => (p.id === c.aId ? 'A' : p.id === c.bId ? 'B' : '?');
      observer.on('dominantspeaker', ({ producer }) => log.push(`dominant ${name(producer)}`));
      await observer.addProducer({ producerId: c.aId });
      await observer.addProducer({ producerId: c.bId });
      const dominant = (id: string, ms: number): Promise<types.Producer> =>
        nextEvent(observer, 'dominantspeaker', ms, (d: types.ActiveSpeakerObserverDominantSpeaker) => (d.producer.id === id ? d.producer : undefined), log);

      const first = await dominant(c.aId, 20_000);
      assert.equal(first, c.fixture.producers.get(c.aId));
      assert.deepEqual(log, ['dominant A'], 'A is the first dominant speaker, B never was');

      // Swap: A silent, B loud.
      await setGain(c.a, c.aId, 0);
      await setGain(c.b, c.bId, 0.5);
      await dominant(c.bId, 10_000);

      // And back.
      await setGain(c.b, c.bId, 0);
      await setGain(c.a, c.aId, 0.5);
      await dominant(c.aId, 10_000);

      // Both steady: no flapping.
      const before = log.length;
      await sleep(3000);
      assert.equal(log.length, before, `no change while A keeps the floor: ${log.join(' | ')}`);
      assert.deepEqual(log, ['dominant A', 'dominant B', 'dominant A']);
    } catch (error) {
      throw new Error(`${(error as Error).message}; sfu: ${await c.fixture.diagnostics()}`);
    } finally {
      await c.close();
    }
  });
});

describe("Chromium's fake microphone against a silent producer", { timeout: 90_000 }, () => {
  test('AudioLevelObserver reports the fake microphone and ActiveSpeakerObserver picks it', async () => {
    const fixture = await new SfuFixture().start();
    const a = await openPage((m, d) => fixture.handle(m, d));
    const b = await openPage((m, d) => fixture.handle(m, d));
    try {
      // A: the real fake-device microphone (a beeping tone). B: a producer that sends digital silence.
      const { audio: micId } = await a.evaluate(() => (window as any).msTest.produce({ video: false }));
      const silentId = await b.evaluate(() => (window as any).msTest.produceTone({ gain: 0 }));
      const levels = await fixture.router.createAudioLevelObserver({ maxEntries: 2, interval: 500 });
      const speaker = await fixture.router.createActiveSpeakerObserver({ interval: 300 });
      const log: string[] = [];
      levels.on('volumes', (v) => log.push(`volumes ${v.map((e) => `${e.producer.id === micId ? 'mic' : 'silent'}:${e.volume}`).join(',')}`));
      levels.on('silence', () => log.push('silence'));
      for (const producerId of [micId, silentId]) {
        await levels.addProducer({ producerId });
        await speaker.addProducer({ producerId });
      }
      const dominant = nextEvent(speaker, 'dominantspeaker', 20_000, (e: { producer: types.Producer }) => e, log);
      const volumes = await nextEvent(levels, 'volumes', 20_000, (v: types.AudioLevelObserverVolume[]) => v, log);
      assert.equal(volumes[0]!.producer.id, micId, `the microphone is reported first: ${log.join(' | ')}`);
      assert.ok(volumes.every((e) => e.producer.id !== silentId), `the silent producer is never above the threshold: ${log.join(' | ')}`);
      assert.equal((await dominant).producer.id, micId);
      // The microphone stops (paused at the server): the observer reports silence.
      await fixture.producers.get(micId)!.pause();
      await nextEvent(levels, 'silence', 10_000, () => true, log);
    } finally {
      await a.context().close();
      await b.context().close();
      fixture.close();
    }
  });
});
