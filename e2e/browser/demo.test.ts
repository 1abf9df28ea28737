/**
 * The demo app (`npm start`): two browser pages join the room and each
 * decodes the other's camera.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, sleep } from '../lib/browser.js';

let browser: Browser;
let demo: ChildProcess;
let url: string;

before(async () => {
  browser = await launchChromium();
  demo = spawn(process.execPath, ['--import', 'tsx', 'demo/server.ts'], { env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
  url = await new Promise<string>((resolve, reject) => {
    let out = '';
    demo.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    demo.once('exit', (code) => reject(new Error(`demo exited with ${code}`)));
  });
});

after(async () => {
  await browser?.close();
  demo?.kill('SIGTERM');
  if (demo && demo.exitCode === null) await once(demo, 'exit');
});

async function remoteVideo(page: Page): Promise<{ width: number; time: number }> {
  return page.evaluate(() => {
    const videos = [...document.querySelectorAll('video')].filter((v) => v.id !== 'local');
    const v = videos[0];
    return { width: v?.videoWidth ?? 0, time: v?.currentTime ?? 0 };
  });
}

test('two pages in the demo room see each other', { timeout: 60_000 }, async () => {
  const pageA = await (await browser.newContext()).newPage();
  const pageB = await (await browser.newContext()).newPage();
  await pageA.goto(url);
  await pageB.goto(url);
  for (const page of [pageA, pageB]) {
    const deadline = Date.now() + 20_000;
    let v = await remoteVideo(page);
    while (v.width === 0 && Date.now() < deadline) {
      await sleep(250);
      v = await remoteVideo(page);
    }
    assert.ok(v.width > 0, 'the remote tile shows video');
    await sleep(1000);
    const later = await remoteVideo(page);
    assert.ok(later.time > v.time, `the remote video plays (${v.time} -> ${later.time})`);
    assert.match(await page.textContent('#status') ?? '', /Live/);
  }
});
