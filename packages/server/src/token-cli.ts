/**
 * Prints a room token signed with ROOM_SECRET (from the environment or the
 * CONSOMME_CONFIG file):
 *
 *   npm run token -w @consomme/server -- <room|*> [ttlSeconds]
 */
import { loadConfig } from './config.js';
import { createRoomToken } from './tokens.js';

const [room, ttl = '3600'] = process.argv.slice(2);
const ttlSeconds = Number(ttl);
if (!room || !/^(\*|[\w.-]{1,64})$/.test(room) || !Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
  console.error('usage: npm run token -w @consomme/server -- <room|*> [ttlSeconds]');
  process.exit(2);
}
let secret: string | undefined;
try {
  secret = loadConfig().roomSecret;
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
if (!secret) {
  console.error('ROOM_SECRET is not set');
  process.exit(2);
}
console.log(await createRoomToken(secret, room, ttlSeconds));
