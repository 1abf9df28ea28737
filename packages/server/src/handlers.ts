/**
 * One function per request method, each given validated data and the
 * joined peer. Unknown ids are NOT_FOUND; the media library's own checks
 * (thrown TypeError, UnsupportedError, InvalidStateError) become
 * INVALID_PARAMETERS / INVALID_STATE in dispatch.ts.
 */
import type { Method, Replies, Source } from '@consomme/protocol';
import type { types } from 'consomme';
import type { Data, JoinedContext } from './context.js';
import { AppError } from './errors.js';
import type { ProducerAppData } from './peer.js';

/** One producer per source, so a source says its kind. */
const SOURCE_KIND: Record<Source, 'audio' | 'video'> = { mic: 'audio', 'screen-audio': 'audio', webcam: 'video', screen: 'video' };
/** Data producers per session: a chat and a file channel are the app's; a few more leave room for features. */
const MAX_DATA_PRODUCERS = 16;

async function createTransport(ctx: JoinedContext, data: Data<'createTransport'>): Promise<Replies['createTransport']> {
  const { session, room, server } = ctx;
  // One transport per direction per session; a client that lost ICE uses restartIce.
  if (session.transportFor(data.direction)) throw new AppError('INVALID_STATE', `a ${data.direction} transport already exists`);
  const { rtc } = server.config;
  const webRtcServer = room.slot.webRtcServer;
  const listen: types.WebRtcTransportOptions = webRtcServer
    ? { webRtcServer, enableUdp: !data.forceTcp, enableTcp: true, preferUdp: true }
    : {
        listenInfos: (data.forceTcp ? (['tcp'] as const) : (['udp', 'tcp'] as const)).map((protocol) => ({
          protocol,
          ip: rtc.listenIp,
          ...(rtc.announcedAddress ? { announcedAddress: rtc.announcedAddress } : {}),
          portRange: { min: rtc.minPort, max: rtc.maxPort },
        })),
      };
  const transport = await room.router.createWebRtcTransport({
    ...listen,
    initialAvailableOutgoingBitrate: rtc.initialAvailableOutgoingBitrate,
    ...(data.sctpCapabilities ? { enableSctp: true, numSctpStreams: data.sctpCapabilities.numStreams } : {}),
    appData: { peerId: ctx.peer.id, direction: data.direction },
  });
  if (session.closed) {
    transport.close();
    throw new AppError('INVALID_STATE', 'session closed');
  }
  session.transports.set(transport.id, { transport, direction: data.direction });
  transport.observer.on('close', () => session.transports.delete(transport.id));
  if (data.direction === 'recv') room.consumeAll(session);
  return {
    id: transport.id,
    iceParameters: transport.iceParameters,
    iceCandidates: transport.iceCandidates,
    dtlsParameters: transport.dtlsParameters,
    ...(transport.sctpParameters ? { sctpParameters: transport.sctpParameters } : {}),
  };
}

async function connectTransport(ctx: JoinedContext, data: Data<'connectTransport'>): Promise<Replies['connectTransport']> {
  const { transport } = ctx.session.transport(data.transportId);
  await transport.connect({ dtlsParameters: data.dtlsParameters as types.DtlsParameters });
  return {};
}

async function restartIce(ctx: JoinedContext, data: Data<'restartIce'>): Promise<Replies['restartIce']> {
  const { transport } = ctx.session.transport(data.transportId);
  return { iceParameters: await transport.restartIce() };
}

async function ready(ctx: JoinedContext, data: Data<'ready'>): Promise<Replies['ready']> {
  if (ctx.session.rtpCapabilities) throw new AppError('INVALID_STATE', 'ready was already sent');
  ctx.session.rtpCapabilities = structuredClone(data.rtpCapabilities) as types.RtpCapabilities;
  ctx.room.consumeAll(ctx.session);
  return {};
}

async function produce(ctx: JoinedContext, data: Data<'produce'>): Promise<Replies['produce']> {
  const { session, peer, room } = ctx;
  const { transport, direction } = session.transport(data.transportId);
  if (direction !== 'send') throw new AppError('INVALID_STATE', 'produce needs a send transport');
  if (SOURCE_KIND[data.source] !== data.kind) throw new AppError('INVALID_PARAMETERS', `source ${data.source} is not ${data.kind}`);
  // A second producer for a source is refused: the client closes the old one first (closeProducer).
  if (session.sources.has(data.source)) throw new AppError('INVALID_STATE', `a ${data.source} producer already exists`);
  session.sources.add(data.source);
  let producer: types.Producer<ProducerAppData>;
  try {
    producer = await transport.produce<ProducerAppData>({
      kind: data.kind,
      rtpParameters: data.rtpParameters as types.RtpParameters,
      paused: data.paused ?? false,
      appData: { ...data.appData, peerId: peer.id, source: data.source },
    });
  } catch (error) {
    session.sources.delete(data.source);
    throw error;
  }
  session.producers.set(producer.id, producer);
  producer.observer.on('close', () => {
    session.producers.delete(producer.id);
    session.sources.delete(data.source);
  });
  producer.on('score', (scores) => session.notify('producerScore', { producerId: producer.id, score: Math.max(0, ...scores.map((s) => s.score)) }));
  room.producerAdded(peer, producer);
  return { id: producer.id };
}

async function closeProducer(ctx: JoinedContext, data: Data<'closeProducer'>): Promise<Replies['closeProducer']> {
  ctx.session.producer(data.producerId).close();
  return {};
}

async function pauseProducer(ctx: JoinedContext, data: Data<'pauseProducer'>): Promise<Replies['pauseProducer']> {
  await ctx.session.producer(data.producerId).pause();
  return {};
}

async function resumeProducer(ctx: JoinedContext, data: Data<'resumeProducer'>): Promise<Replies['resumeProducer']> {
  await ctx.session.producer(data.producerId).resume();
  return {};
}

async function resumeConsumer(ctx: JoinedContext, data: Data<'resumeConsumer'>): Promise<Replies['resumeConsumer']> {
  await ctx.session.consumer(data.consumerId).resume();
  return {};
}

async function pauseConsumer(ctx: JoinedContext, data: Data<'pauseConsumer'>): Promise<Replies['pauseConsumer']> {
  await ctx.session.consumer(data.consumerId).pause();
  return {};
}

async function requestKeyFrame(ctx: JoinedContext, data: Data<'requestKeyFrame'>): Promise<Replies['requestKeyFrame']> {
  await ctx.session.consumer(data.consumerId).requestKeyFrame();
  return {};
}

async function produceData(ctx: JoinedContext, data: Data<'produceData'>): Promise<Replies['produceData']> {
  const { session, peer, room } = ctx;
  const { transport, direction } = session.transport(data.transportId);
  if (direction !== 'send') throw new AppError('INVALID_STATE', 'produceData needs a send transport');
  if (session.dataProducers.size >= MAX_DATA_PRODUCERS) throw new AppError('INVALID_STATE', `at most ${MAX_DATA_PRODUCERS} data producers`);
  const dataProducer = await transport.produceData({
    sctpStreamParameters: data.sctpStreamParameters as types.SctpStreamParameters,
    label: data.label,
    protocol: data.protocol,
    appData: { ...data.appData, peerId: peer.id },
  });
  session.dataProducers.set(dataProducer.id, dataProducer);
  dataProducer.observer.on('close', () => session.dataProducers.delete(dataProducer.id));
  room.dataProducerAdded(peer, dataProducer);
  return { id: dataProducer.id };
}

async function getStats(ctx: JoinedContext): Promise<Replies['getStats']> {
  const { session } = ctx;
  const transports = await Promise.all(
    [...session.transports.values()].map(async ({ transport, direction }) => {
      const stats = (await transport.getStats())[0];
      return {
        id: transport.id,
        direction,
        iceState: transport.iceState,
        dtlsState: transport.dtlsState,
        bytesSent: stats?.bytesSent ?? 0,
        bytesReceived: stats?.bytesReceived ?? 0,
      };
    }),
  );
  const producers = [...session.producers.values()].map((p) => ({
    id: p.id,
    source: p.appData.source,
    score: Math.max(0, ...p.score.map((s) => s.score)),
  }));
  const consumers = [...session.consumers.values()].map((c) => {
    const appData = c.appData as { peerId: string; source: Source };
    return { id: c.id, peerId: appData.peerId, source: appData.source, score: c.score.score, producerScore: c.score.producerScore };
  });
  return { transports, producers, consumers };
}

async function leave(ctx: JoinedContext): Promise<Replies['leave']> {
  ctx.room.removePeer(ctx.peer);
  return {};
}

type Handler<M extends Method> = (ctx: JoinedContext, data: Data<M>) => Promise<Replies[M]>;

/** Every method but join (dispatch.ts handles join: it needs no peer). */
export const handlers: { [M in Exclude<Method, 'join'>]: Handler<M> } = {
  createTransport,
  connectTransport,
  restartIce,
  ready,
  produce,
  closeProducer,
  pauseProducer,
  resumeProducer,
  resumeConsumer,
  pauseConsumer,
  requestKeyFrame,
  produceData,
  getStats,
  leave,
};
