/**
 * An in-process UDP relay between one client and one server port on
 * 127.0.0.1 that drops a share of the RTP/RTCP datagrams (RFC 7983 first
 * byte 128..191) in both directions. ICE and DTLS pass untouched so the
 * handshake stays quick; media sees real random loss. With `drop: 'dtls'`
 * it drops DTLS datagrams (first byte 20..63) instead, and media passes.
 */
import { createSocket, type Socket } from 'node:dgram';

export interface LossyRelay {
  /** The port the client should send to. */
  port: number;
  dropped: number;
  forwarded: number;
  close(): void;
}

export interface LossyRelayOptions {
  /** Which datagrams may be dropped: RTP/RTCP (default) or DTLS. */
  drop?: 'rtp' | 'dtls';
}

const FIRST_BYTE: Record<NonNullable<LossyRelayOptions['drop']>, [number, number]> = { rtp: [128, 191], dtls: [20, 63] };

export async function startLossyRelay(serverPort: number, lossRate: number, seed = 1, options: LossyRelayOptions = {}): Promise<LossyRelay> {
  const [low, high] = FIRST_BYTE[options.drop ?? 'rtp'];
  // A small deterministic PRNG so a run is repeatable.
  let state = seed >>> 0 || 1;
  const random = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x1_0000_0000;
  };
  const front: Socket = createSocket('udp4');
  const back: Socket = createSocket('udp4');
  await new Promise<void>((resolve) => front.bind(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => back.bind(0, '127.0.0.1', resolve));
  let client: { address: string; port: number } | undefined;
  const relay: LossyRelay = {
    port: front.address().port,
    dropped: 0,
    forwarded: 0,
    close() {
      front.close();
      back.close();
    },
  };
  const lose = (msg: Buffer): boolean => {
    const b = msg[0] ?? 0;
    if (b >= low && b <= high && random() < lossRate) {
      relay.dropped++;
      return true;
    }
    relay.forwarded++;
    return false;
  };
  front.on('message', (msg, rinfo) => {
    client = { address: rinfo.address, port: rinfo.port };
    if (!lose(msg)) back.send(msg, serverPort, '127.0.0.1');
  });
  back.on('message', (msg) => {
    if (client && !lose(msg)) front.send(msg, client.port, client.address);
  });
  return relay;
}
