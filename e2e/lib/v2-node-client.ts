/**
 * The unmodified mediasoup-client 2.x (npm alias mediasoup-client-v2) in Node
 * on @roamhq/wrtc, with its Chrome 70+ handler, wired to a seed-002 Room
 * through JSON: every request and notification crosses as the same text a
 * WebSocket would carry.
 */
import { createRequire } from 'node:module';
import type { rooms } from 'consomme';

const require = createRequire(import.meta.url);
const wrtc = require('@roamhq/wrtc');
(globalThis as any).RTCPeerConnection = wrtc.RTCPeerConnection;
(globalThis as any).MediaStream = wrtc.MediaStream;
const v2 = require('mediasoup-client-v2');
const Chrome70 = require('mediasoup-client-v2/lib-es5/handlers/Chrome70').default;
v2.setDeviceHandler(Chrome70, { flag: 'chrome', name: 'wrtc', version: '70' });

const wire = <T>(value: T): T => JSON.parse(JSON.stringify(value ?? null)) as T;

/** Every message each way, for tests that check the protocol itself. */
export interface V2Log {
  toServer: Record<string, any>[];
  toClient: Record<string, any>[];
}

export class V2NodeClient {
  readonly room: any;
  readonly log: V2Log = { toServer: [], toClient: [] };
  peer: rooms.Peer | undefined;
  readonly sinks: any[] = [];

  constructor(private readonly serverRoom: rooms.Room, readonly name: string) {
    this.room = new v2.Room({ requestTimeout: 10_000 });
    this.room.on('request', (request: any, callback: (r: unknown) => void, errback: (e: Error) => void) => {
      const message = wire(request);
      this.log.toServer.push(message);
      const handled = message.target === 'room' ? this.serverRoom.receiveRequest(message) : this.#peer().receiveRequest(message);
      handled.then((response) => callback(wire(response)), (error: Error) => errback(new Error(String(error))));
    });
    this.room.on('notify', (notification: any) => {
      const message = wire(notification);
      this.log.toServer.push(message);
      this.peer?.receiveNotification(message);
    });
  }

  async join(appData?: unknown): Promise<any[]> {
    const peers = await this.room.join(this.name, appData);
    this.peer = this.serverRoom.getPeerByName(this.name);
    this.peer!.on('notify', (notification) => {
      const message = wire(notification);
      this.log.toClient.push(message);
      this.room.receiveNotification(message);
    });
    return peers;
  }

  #peer(): rooms.Peer {
    if (!this.peer) throw new Error('not joined');
    return this.peer;
  }

  /** Decoded-frame and audio-sample counters for a received track. */
  count(track: any): { frames: number; samples: number } {
    const counters = { frames: 0, samples: 0 };
    if (track.kind === 'video') {
      const sink = new wrtc.nonstandard.RTCVideoSink(track);
      sink.onframe = () => counters.frames++;
      this.sinks.push(sink);
    } else {
      const sink = new wrtc.nonstandard.RTCAudioSink(track);
      sink.ondata = (d: { samples: Int16Array }) => (counters.samples += d.samples.length);
      this.sinks.push(sink);
    }
    return counters;
  }

  close(): void {
    for (const sink of this.sinks) sink.stop();
    if (!this.room.closed) this.room.leave();
  }
}
