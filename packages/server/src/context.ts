/** What request handlers are given. */
import type { Method, requests } from '@consomme/protocol';
import type { z } from 'zod';
import type { Config } from './config.js';
import type { Connection } from './connection.js';
import type { Logger } from './logger.js';
import type { Peer, Session } from './peer.js';
import type { Room } from './room.js';
import type { Rooms } from './rooms.js';

/** A request's data after validation. */
export type Data<M extends Method> = z.output<(typeof requests)[M]>;

export interface ServerContext {
  readonly config: Config;
  readonly rooms: Rooms;
  readonly log: Logger;
}

/** A request from a socket that has joined. */
export interface JoinedContext {
  readonly server: ServerContext;
  readonly connection: Connection;
  readonly peer: Peer;
  readonly session: Session;
  readonly room: Room;
}
