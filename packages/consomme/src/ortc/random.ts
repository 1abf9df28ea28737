import { randomInt } from 'node:crypto';

/*
 * SSRCs chosen by the router (RFC 3550 section 8.1: random, 32-bit). A block
 * of `count` consecutive values is reserved so base + i never wraps past
 * 2^32 - 1; 0 is avoided because some stacks treat it as "unset".
 */
export function randomSsrcBase(count = 1): number {
  return randomInt(1, 0x1_0000_0000 - Math.max(1, count));
}
