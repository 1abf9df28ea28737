/**
 * Per-socket state: the rate limiter, the peer this socket speaks for (after
 * join), and a queue that runs its requests one at a time, so a client cannot
 * race its own join, produce or leave against each other.
 */
import type { Socket } from 'socket.io';
import type { Logger } from './logger.js';
import type { Peer } from './peer.js';
import { TokenBucket } from './rate-limit.js';

export class Connection {
  readonly socket: Socket;
  readonly bucket: TokenBucket;
  readonly log: Logger;
  peer: Peer | undefined;
  #queue: Promise<void> = Promise.resolve();

  constructor(socket: Socket, requestsPerSecond: number, log: Logger) {
    this.socket = socket;
    this.bucket = new TokenBucket(requestsPerSecond, 2 * requestsPerSecond);
    this.log = log.child({ socketId: socket.id });
  }

  /** Run `task` after the requests before it; it must not throw (callers catch). */
  enqueue(task: () => Promise<void>): void {
    this.#queue = this.#queue.then(task, task);
  }

  /** This socket no longer speaks for a peer (taken over, room closed); it is disconnected if `disconnect`. */
  detach(disconnect: boolean): void {
    this.peer = undefined;
    if (disconnect) this.socket.disconnect(true);
  }
}
