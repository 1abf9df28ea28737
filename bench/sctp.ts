// SCTP data-channel throughput between two in-process associations (client and
// server joined through their send callbacks, packets crossing on setImmediate
// in batches, no loss). The sender keeps its send buffer full (sendBufferSize,
// 256 KiB) and waits on 'bufferedamount', as a data producer would.
// Also measures the CRC-32C alone, which every packet pays twice (our check and werift's).
// Run: node --import tsx bench/sctp.ts
import { createPair, sendWhenPossible } from '../packages/consomme/src/wire/sctp/test-pair.test.helper.js';
import { crc32c } from '../packages/consomme/src/wire/sctp/crc32c.js';
import { PPID } from '../packages/consomme/src/wire/sctp/ppid.js';

async function run(size: number, totalBytes: number): Promise<{ msgs: number; seconds: number }> {
  const pair = createPair();
  await pair.connected;
  const count = Math.floor(totalBytes / size);
  const payload = Buffer.alloc(size, 0x5a);
  let received = 0;
  const done = new Promise<void>((resolve) => {
    pair.server.on('message', () => {
      if (++received === count) resolve();
    });
  });
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await sendWhenPossible(pair.client, 1, PPID.binary, payload, { ordered: true });
  await done;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  pair.client.close();
  pair.server.close();
  return { msgs: count, seconds };
}

const rows: string[] = [];
for (const [size, total] of [
  [1024, 16 * 1024 * 1024],
  [16384, 64 * 1024 * 1024],
] as const) {
  await run(size, total / 8); // warm-up
  let best = { msgs: 0, seconds: Infinity };
  for (let i = 0; i < 3; i++) {
    const r = await run(size, total);
    if (r.seconds < best.seconds) best = r;
  }
  const mib = (best.msgs * size) / (1024 * 1024);
  rows.push(`| ${size / 1024} KiB | ${Math.round(best.msgs / best.seconds).toLocaleString('en')} msg/s | ${(mib / best.seconds).toFixed(1)} MiB/s |`);
}

const block = Buffer.alloc(1228, 7);
const n = 200_000;
const t0 = process.hrtime.bigint();
let x = 0;
for (let i = 0; i < n; i++) x ^= crc32c(block);
const crcSeconds = Number(process.hrtime.bigint() - t0) / 1e9;

console.log('| message | messages/s | MiB/s |');
console.log('|---|---|---|');
for (const r of rows) console.log(r);
console.log(`\nCRC-32C over 1228-byte packets: ${((n * block.length) / (1024 * 1024) / crcSeconds).toFixed(0)} MiB/s (${x & 1})`);
