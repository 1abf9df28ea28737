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
export type { DataProducer, DataProducerType, DataProducerStat } from './api/data-producer.js';
export type { DataConsumer, DataConsumerType, DataConsumerStat } from './api/data-consumer.js';
export type { DirectTransport, DirectTransportOptions, DirectTransportStats } from './api/direct-transport.js';
export type { DataProducerOptions, DataConsumerOptions } from './api/transport.js';
export type { RtpObserver, RtpObserverType, RtpObserverEvents, RtpObserverObserverEvents, RtpObserverAddRemoveProducerOptions } from './api/rtp-observer.js';
export type { AudioLevelObserver, AudioLevelObserverOptions, AudioLevelObserverVolume, AudioLevelObserverEvents, AudioLevelObserverObserverEvents } from './api/audio-level-observer.js';
export type { ActiveSpeakerObserver, ActiveSpeakerObserverOptions, ActiveSpeakerObserverDominantSpeaker, ActiveSpeakerObserverEvents, ActiveSpeakerObserverObserverEvents } from './api/active-speaker-observer.js';
export type { PlainTransport, PlainTransportOptions, SrtpParameters } from './api/plain-transport.js';
export type { WebRtcServer, WebRtcServerOptions } from './api/webrtc-server.js';
