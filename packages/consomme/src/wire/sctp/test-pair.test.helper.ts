// Two associations joined back to back through their send callbacks, for
// tests and the benchmark. Packets cross on setImmediate in batches, so a
// send never re-enters the peer synchronously; a link can drop (seeded) or
// hold packets to model loss and reordering.
import { SctpAssociation, type SctpAssociationOptions } from './association.js';

export interface LinkControl {
  /** Probability in [0, 1) that a packet is dropped. */
  loss: number;
  /** Return true to drop this packet (after loss); may keep it to replay later. */
  filter?: (packet: Buffer) => boolean;
  delivered: number;
  dropped: number;
}

export interface Pair {
  client: SctpAssociation;
  server: SctpAssociation;
  toServer: LinkControl;
  toClient: LinkControl;
  connected: Promise<void>;
}

export function seededRandom(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

type Extra = Partial<Omit<SctpAssociationOptions, 'send' | 'isClient'>>;

export function createPair(extra: Extra = {}, seed = 1): Pair {
  const random = seededRandom(seed);
  const toServer: LinkControl = { loss: 0, delivered: 0, dropped: 0 };
  const toClient: LinkControl = { loss: 0, delivered: 0, dropped: 0 };
  // Each link reads its target lazily: the two associations are created one after the other.
  const ends: { client?: SctpAssociation; server?: SctpAssociation } = {};
  const link = (control: LinkControl, target: () => SctpAssociation | undefined) => {
    let queue: Buffer[] = [];
    return (packet: Buffer): void => {
      if (control.loss > 0 && random() < control.loss) {
        control.dropped++;
        return;
      }
      if (control.filter?.(packet)) {
        control.dropped++;
        return;
      }
      queue.push(packet);
      if (queue.length === 1) {
        setImmediate(() => {
          const batch = queue;
          queue = [];
          for (const p of batch) {
            control.delivered++;
            target()?.handlePacket(p);
          }
        });
      }
    };
  };
  const client = new SctpAssociation({ ...extra, isClient: true, send: link(toServer, () => ends.server) });
  const server = new SctpAssociation({ ...extra, isClient: false, send: link(toClient, () => ends.client) });
  ends.client = client;
  ends.server = server;
  const connected = Promise.all([client, server].map(waitConnected)).then(() => undefined);
  server.start();
  client.start();
  return { client, server, toServer, toClient, connected };
}

export function waitConnected(a: SctpAssociation): Promise<void> {
  return new Promise((resolve, reject) => {
    if (a.state === 'connected') return resolve();
    a.on('statechange', (s) => {
      if (s === 'connected') resolve();
      else if (s === 'failed' || s === 'closed') reject(new Error(`association ${s}`));
    });
  });
}

/** Re-send helper: sends `data` when the buffer allows, waiting for 'bufferedamount' otherwise. */
export async function sendWhenPossible(a: SctpAssociation, streamId: number, ppid: number, data: Buffer, opts: { ordered: boolean }): Promise<void> {
  for (;;) {
    const r = a.send(streamId, ppid, data, opts);
    if (r === 'ok') return;
    if (r !== 'buffer-full') throw new Error(`send failed: ${r}`);
    await new Promise<void>((resolve) => a.once('bufferedamount', () => resolve()));
  }
}
