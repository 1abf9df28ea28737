/**
 * The join request: token check, room lookup or creation, then a new peer or,
 * with a matching reconnect key, the takeover of an existing one.
 */
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Replies } from '@consomme/protocol';
import type { Connection } from './connection.js';
import { AppError } from './errors.js';
import type { Data, ServerContext } from './context.js';
import { peerLogger } from './logger.js';
import { Peer } from './peer.js';
import type { Room } from './room.js';
import { verifyRoomToken } from './tokens.js';

function keysMatch(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function join(server: ServerContext, connection: Connection, data: Data<'join'>): Promise<Replies['join']> {
  if (connection.peer) throw new AppError('ALREADY_JOINED', `already in room ${connection.peer.room.id}`);
  let displayName = data.displayName;
  const secret = server.config.roomSecret;
  if (secret) {
    if (!data.token) throw new AppError('UNAUTHORIZED', 'this server needs a room token');
    const check = await verifyRoomToken(secret, data.token, data.roomId);
    if (!check.ok) throw new AppError('UNAUTHORIZED', check.reason);
    // The token issuer decides who this is.
    if (check.name) displayName = check.name;
  }
  // A room can close between its lookup and our entry (its last peer left, its worker died): look again.
  for (let attempt = 0; attempt < 3; attempt++) {
    const room = await server.rooms.getOrCreate(data.roomId);
    if (room.closed) continue;
    if (!connection.socket.connected) throw new AppError('INVALID_STATE', 'disconnected while joining');
    try {
      return enter(server, connection, room, data, displayName);
    } finally {
      server.rooms.closeIfEmpty(room);
    }
  }
  throw new AppError('INTERNAL', 'room closed while joining');
}

function enter(server: ServerContext, connection: Connection, room: Room, data: Data<'join'>, displayName: string): Replies['join'] {
  if (data.reconnect) {
    const existing = room.peers.get(data.reconnect.peerId);
    // A peer already cleaned up (grace over) simply joins anew: the reply says resumed: false.
    if (existing) {
      if (!keysMatch(existing.reconnectKey, data.reconnect.key)) throw new AppError('UNAUTHORIZED', 'wrong reconnect key');
      const previous = room.resumePeer(existing, connection);
      if (previous && previous !== connection) previous.detach(true);
      connection.peer = existing;
      existing.log.info('peer resumed on a new connection');
      return reply(server, room, existing, true);
    }
  }
  if (room.peers.size >= server.config.limits.maxPeersPerRoom) {
    throw new AppError('ROOM_FULL', `room ${room.id} has ${room.peers.size} peers, the limit`);
  }
  const id = randomUUID();
  const peer = new Peer({
    id,
    displayName,
    reconnectKey: randomBytes(24).toString('base64url'),
    room,
    log: peerLogger(room.log, id),
    connection,
  });
  connection.peer = peer;
  room.addPeer(peer);
  return reply(server, room, peer, false);
}

function reply(server: ServerContext, room: Room, peer: Peer, resumed: boolean): Replies['join'] {
  return {
    peerId: peer.id,
    reconnectKey: peer.reconnectKey,
    roomId: room.id,
    routerRtpCapabilities: room.router.rtpCapabilities,
    iceServers: server.config.iceServers.map((s) => ({
      urls: s.urls,
      ...(s.username !== undefined ? { username: s.username } : {}),
      ...(s.credential !== undefined ? { credential: s.credential } : {}),
    })),
    peers: room.peerInfos(peer),
    resumed,
  };
}
