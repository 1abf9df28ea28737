/** Test and diagnostics figures from the browser's own RTCStatsReports. */
import type { Source } from '@consomme/protocol';
import type { types } from 'mediasoup-client';

export interface ConsumerStats {
  consumerId: string;
  peerId: string;
  source: Source;
  kind: 'audio' | 'video';
  framesDecoded: number;
  packetsReceived: number;
  frameWidth: number;
  bytesReceived: number;
}

export interface ProducerStats {
  producerId: string;
  source: Source;
  kind: 'audio' | 'video';
  packetsSent: number;
  bytesSent: number;
}

export interface RoomStats {
  sendTransportId: string | null;
  recvTransportId: string | null;
  consumers: ConsumerStats[];
  producers: ProducerStats[];
}

export async function consumerStats(consumer: types.Consumer, peerId: string, source: Source): Promise<ConsumerStats> {
  const report = await consumer.getStats().catch(() => new Map() as RTCStatsReport);
  const inbound = find(report, 'inbound-rtp');
  return {
    consumerId: consumer.id,
    peerId,
    source,
    kind: consumer.kind,
    framesDecoded: num(inbound?.framesDecoded),
    packetsReceived: num(inbound?.packetsReceived),
    frameWidth: num(inbound?.frameWidth),
    bytesReceived: num(inbound?.bytesReceived),
  };
}

export async function producerStats(producer: types.Producer, source: Source): Promise<ProducerStats> {
  const report = await producer.getStats().catch(() => new Map() as RTCStatsReport);
  let packetsSent = 0;
  let bytesSent = 0;
  // One outbound-rtp per encoding; without simulcast there is one, but sum to be safe.
  report.forEach((s: Record<string, unknown>) => {
    if (s.type === 'outbound-rtp') {
      packetsSent += num(s.packetsSent);
      bytesSent += num(s.bytesSent);
    }
  });
  return { producerId: producer.id, source, kind: producer.kind, packetsSent, bytesSent };
}

function find(report: RTCStatsReport, type: string): Record<string, unknown> | undefined {
  let found: Record<string, unknown> | undefined;
  report.forEach((s: Record<string, unknown>) => {
    if (!found && s.type === type) found = s;
  });
  return found;
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
