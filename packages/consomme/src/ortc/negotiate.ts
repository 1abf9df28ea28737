/*
 * The negotiation steps, in the order a producer's stream meets them:
 * router capabilities, producer mapping, consumable parameters, consumer
 * parameters. Each lives in its own file; this gathers them.
 */
export { generateRouterRtpCapabilities } from './router-capabilities.js';
export { getConsumableRtpParameters, getProducerRtpParametersMapping } from './producer.js';
export { canConsume, getConsumerRtpParameters, type GetConsumerRtpParametersOptions } from './consumer.js';
export { isRtxCodec, matchCodecs, reduceCodecs, reduceRtcpFeedback, type CodecLike, type MatchCodecsOptions } from './codecs.js';
export { parseScalabilityMode, type ScalabilityMode } from './scalability.js';
