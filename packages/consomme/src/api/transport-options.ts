/** What `transport.produce()`, `consume()`, `produceData()` and `consumeData()` take (mediasoup v3 names and defaults). */
import type { MediaKind, RtpCapabilities, RtpParameters, SctpStreamParameters } from '../ortc/types.js';
import type { ConsumerLayers } from './consumer.js';
import type { AppData } from './transport-types.js';

export interface ProducerOptions<ProducerAppData extends AppData = AppData> {
  /** Producer id (for PipeTransport producers). Default: a new UUID. */
  id?: string;
  kind: MediaKind;
  rtpParameters: RtpParameters;
  /** Whether the producer starts paused. Default false. */
  paused?: boolean;
  /** Delay (ms) before forwarding a keyframe request upstream, to merge requests. Default 0. */
  keyFrameRequestDelay?: number;
  appData?: ProducerAppData;
}

export interface ConsumerOptions<ConsumerAppData extends AppData = AppData> {
  producerId: string;
  rtpCapabilities: RtpCapabilities;
  /** Whether the consumer starts paused. Default false. */
  paused?: boolean;
  /** The MID for the consumer. Default: sequential numbers per transport. */
  mid?: string;
  preferredLayers?: ConsumerLayers;
  /** Whether to drop DTX packets that carry no audio. Default false. */
  ignoreDtx?: boolean;
  /** Enable RTX and NACK handling. Default: true for video, false for audio. */
  enableRtx?: boolean;
  /** Whether this consumer is for a PipeTransport (unsupported here). */
  pipe?: boolean;
  appData?: ConsumerAppData;
}

export interface DataProducerOptions<DataProducerAppData extends AppData = AppData> {
  /** DataProducer id (for PipeTransport data producers). Default: a new UUID. */
  id?: string;
  /** SCTP stream parameters; required on transports with SCTP, ignored on a DirectTransport. */
  sctpStreamParameters?: SctpStreamParameters;
  /** A label (data channel label). Default ''. */
  label?: string;
  /** A sub-protocol (data channel protocol). Default ''. */
  protocol?: string;
  /** Whether the data producer starts paused. Default false. */
  paused?: boolean;
  appData?: DataProducerAppData;
}

export interface DataConsumerOptions<DataConsumerAppData extends AppData = AppData> {
  dataProducerId: string;
  /** Override the data producer's ordering. */
  ordered?: boolean;
  /** Override: give up on a message after this many ms. */
  maxPacketLifeTime?: number;
  /** Override: give up on a message after this many retransmissions. */
  maxRetransmits?: number;
  /** Whether the data consumer starts paused. Default false. */
  paused?: boolean;
  /** Only messages sent with one of these subchannels (or with none) are delivered. */
  subchannels?: number[];
  appData?: DataConsumerAppData;
}
