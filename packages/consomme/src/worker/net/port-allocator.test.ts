import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { allocateUdp, UDP_RECV_BUFFER_BYTES, UDP_SEND_BUFFER_BYTES } from './port-allocator.js';

/** The kernel's cap on what setsockopt may ask for (Linux), or undefined elsewhere. */
function sysctl(name: string): number | undefined {
  try {
    return Number(readFileSync(`/proc/sys/net/core/${name}`, 'utf8'));
  } catch {
    return undefined;
  }
}

test('a media socket asks for large buffers, up to what the kernel allows', async () => {
  const socket = await allocateUdp('127.0.0.1', undefined, { min: 40000, max: 49999 });
  try {
    const rmemMax = sysctl('rmem_max');
    const wmemMax = sysctl('wmem_max');
    if (rmemMax !== undefined && wmemMax !== undefined) {
      // Linux reports twice the granted size (bookkeeping overhead included).
      assert.equal(socket.getRecvBufferSize(), 2 * Math.min(UDP_RECV_BUFFER_BYTES, rmemMax));
      assert.equal(socket.getSendBufferSize(), 2 * Math.min(UDP_SEND_BUFFER_BYTES, wmemMax));
    } else {
      assert.ok(socket.getRecvBufferSize() > 0);
    }
  } finally {
    socket.close();
  }
});
