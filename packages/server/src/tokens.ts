/**
 * Room tokens: JWTs signed with HS256 and the server's ROOM_SECRET.
 * Claims: `room` (a room id, or "*" for any room), optional `exp`, and an
 * optional `name` that, when present, becomes the peer's display name.
 */
import { SignJWT, jwtVerify } from 'jose';

export type TokenCheck = { ok: true; name?: string } | { ok: false; reason: string };

function key(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

/** Sign a token for `room` ("*" for any room) valid for `ttlSeconds`. */
export async function createRoomToken(secret: string, room: string, ttlSeconds = 3600, name?: string): Promise<string> {
  if (!secret) throw new TypeError('secret must not be empty');
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) throw new TypeError('ttlSeconds must be a positive number');
  const jwt = new SignJWT({ room, ...(name !== undefined ? { name } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + Math.ceil(ttlSeconds));
  return jwt.sign(key(secret));
}

/** Check a token for `roomId`. Never throws: every failure is a reason. */
export async function verifyRoomToken(secret: string, token: string, roomId: string): Promise<TokenCheck> {
  let payload: Record<string, unknown>;
  try {
    // Pinning the algorithm refuses "none" and any asymmetric confusion.
    ({ payload } = await jwtVerify(token, key(secret), { algorithms: ['HS256'] }));
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return { ok: false, reason: code === 'ERR_JWT_EXPIRED' ? 'token expired' : 'invalid token' };
  }
  const room = payload.room;
  if (typeof room !== 'string') return { ok: false, reason: 'token has no room claim' };
  if (room !== '*' && room !== roomId) return { ok: false, reason: 'token is for another room' };
  const name = payload.name;
  if (typeof name === 'string' && name.length > 0 && name.length <= 64) return { ok: true, name };
  return { ok: true };
}
