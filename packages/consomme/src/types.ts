/** The public types, also reachable as `types` (mediasoup v3's `types` namespace). */
export type * from './api/transport-types.js';
export type * from './ortc/types.js';
export type { Worker, WorkerSettings, WorkerLogLevel, WorkerLogTag, WorkerResourceUsage, WorkerUpdateableSettings, RouterOptions } from './api/worker.js';
export type { Router } from './api/router.js';
export type { Transport, ProducerOptions, ConsumerOptions } from './api/transport.js';
export type { WebRtcTransport, WebRtcTransportOptions } from './api/webrtc-transport.js';
export type { Producer, ProducerType, ProducerScore, ProducerStat, ProducerVideoOrientation } from './api/producer.js';
export type { Consumer, ConsumerType, ConsumerLayers, ConsumerScore, ConsumerStat } from './api/consumer.js';
export { UnsupportedError, InvalidStateError } from './errors.js';
