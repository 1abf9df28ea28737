/**
 * Server-driven consuming: the server creates a paused consumer on a peer's
 * receive transport for every producer of the others, tells the client with
 * `newConsumer`, and the client answers `resumeConsumer`. Data producers get
 * a `newDataConsumer` the same way. Library events become notifications.
 */
import type { types } from 'consomme';
import type { Logger } from './logger.js';
import type { ProducerAppData, Session } from './peer.js';

/** Consume `producer` on `session`'s receive transport, if it can and has not yet. */
export async function consumeProducer(
  router: types.Router,
  session: Session,
  producer: types.Producer<ProducerAppData>,
  log: Logger,
): Promise<void> {
  const recv = session.transportFor('recv');
  const rtpCapabilities = session.rtpCapabilities;
  if (!session.receiving || !recv || !rtpCapabilities || producer.closed || session.consumed.has(producer.id)) return;
  if (!router.canConsume({ producerId: producer.id, rtpCapabilities })) return;
  session.consumed.add(producer.id);
  const { peerId, source } = producer.appData;
  let consumer: types.Consumer;
  try {
    consumer = await recv.consume({ producerId: producer.id, rtpCapabilities, paused: true, appData: { peerId, source } });
  } catch (error) {
    // The producer or transport closed meanwhile: nothing to consume.
    session.consumed.delete(producer.id);
    log.debug({ producerId: producer.id, err: String(error) }, 'consume failed');
    return;
  }
  // Closed while being created (a producerclose replayed inside consume() finds no listener yet).
  if (session.closed || consumer.closed || producer.closed) {
    consumer.close();
    session.consumed.delete(producer.id);
    return;
  }
  session.consumers.set(consumer.id, consumer);
  const ids = { consumerId: consumer.id, peerId };
  const closed = (): void => {
    session.consumers.delete(consumer.id);
    session.consumed.delete(producer.id);
    session.notify('consumerClosed', ids);
  };
  consumer.on('transportclose', closed);
  consumer.on('producerclose', closed);
  consumer.on('producerpause', () => session.notify('consumerPaused', { ...ids, byProducer: true }));
  consumer.on('producerresume', () => session.notify('consumerResumed', { ...ids, byProducer: true }));
  consumer.on('score', ({ score, producerScore }) => session.notify('consumerScore', { ...ids, score, producerScore }));
  session.notify('newConsumer', {
    id: consumer.id,
    producerId: producer.id,
    peerId,
    kind: consumer.kind,
    source,
    rtpParameters: consumer.rtpParameters,
    type: consumer.type,
    producerPaused: consumer.producerPaused,
  });
}

/** Consume `dataProducer` on `session`'s receive transport (which needs SCTP). */
export async function consumeDataProducer(session: Session, dataProducer: types.DataProducer, peerId: string, log: Logger): Promise<void> {
  const recv = session.transportFor('recv');
  if (!session.receiving || !recv || !recv.sctpParameters || dataProducer.closed || session.consumed.has(dataProducer.id)) return;
  session.consumed.add(dataProducer.id);
  let dataConsumer: types.DataConsumer;
  try {
    dataConsumer = await recv.consumeData({ dataProducerId: dataProducer.id, appData: { peerId } });
  } catch (error) {
    session.consumed.delete(dataProducer.id);
    log.debug({ dataProducerId: dataProducer.id, err: String(error) }, 'consumeData failed');
    return;
  }
  if (session.closed || dataConsumer.closed || dataProducer.closed) {
    dataConsumer.close();
    session.consumed.delete(dataProducer.id);
    return;
  }
  session.dataConsumers.set(dataConsumer.id, dataConsumer);
  const closed = (): void => {
    session.dataConsumers.delete(dataConsumer.id);
    session.consumed.delete(dataProducer.id);
    session.notify('dataConsumerClosed', { dataConsumerId: dataConsumer.id, peerId });
  };
  dataConsumer.on('transportclose', closed);
  dataConsumer.on('dataproducerclose', closed);
  session.notify('newDataConsumer', {
    id: dataConsumer.id,
    dataProducerId: dataProducer.id,
    peerId,
    sctpStreamParameters: dataConsumer.sctpStreamParameters,
    label: dataConsumer.label,
    protocol: dataConsumer.protocol,
  });
}
