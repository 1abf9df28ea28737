import { InvalidStateError } from '../errors.js';
import { EnhancedEventEmitter } from '../api/enhanced-events.js';
import type { Consumer as CoreConsumer, ConsumerStat } from '../api/consumer.js';
import { presetConsumerRtpParameters } from '../api/transport.js';
import type { Transport as CoreTransport } from '../api/transport.js';
import type { MediaKind, RtpCapabilities, RtpParameters } from '../ortc/types.js';
import type { Peer } from './peer.js';
import type { PlainRtpTransport } from './plain-rtp-transport.js';
import type { Producer } from './producer.js';
import { toClientRtpParameters } from './protocol/convert.js';
import { background, checkProfile, type Notify, type Originator, type RtpProfile } from './types.js';
import type { WebRtcTransport } from './webrtc-transport.js';

export type ConsumerEvents = {
  close: [Originator, unknown];
  pause: [Originator, unknown];
  resume: [Originator, unknown];
  effectiveprofilechange: [RtpProfile | null];
  listenererror: [string, Error];
  '@close': [];
};

/** @internal */
export interface ConsumerInternal {
  id: number;
  peer: Peer | undefined;
  source: Producer;
  /** Computed when the consumer is announced; the core consumer is built with exactly these. */
  rtpParameters: RtpParameters;
  rtpCapabilities: RtpCapabilities;
  notify: Notify | undefined;
}

/**
 * One producer's media towards one peer (seed 002). It exists as soon as the
 * producer does; it carries media once the client enables it on a receiving
 * transport (enableConsumer), which is when the core consumer is created.
 */
export class Consumer extends EnhancedEventEmitter<ConsumerEvents> {
  readonly #id: number;
  readonly #peer: Peer | undefined;
  readonly #source: Producer;
  readonly #rtpParameters: RtpParameters;
  readonly #clientRtpParameters: Record<string, unknown>;
  readonly #rtpCapabilities: RtpCapabilities;
  readonly #notify: Notify;
  #core: CoreConsumer | undefined;
  #transport: WebRtcTransport | PlainRtpTransport | undefined;
  #closed = false;
  #locallyPaused = false;
  #remotelyPaused = false;
  #preferredProfile: RtpProfile = 'default';
  #effectiveProfile: RtpProfile | null = null;
  /** What the core consumer was last asked to be (its own flag lags behind the request). */
  #corePaused = false;
  readonly #onSourcePausedChange = (appData: unknown): void => this.#sourcePausedChanged(appData);
  // Its producer closed: the consumer goes too, and its client hears consumerClosed.
  readonly #onSourceClose = (appData: unknown): void => this.close(appData);
  appData: unknown;

  /** @internal */
  constructor(internal: ConsumerInternal) {
    super();
    this.#id = internal.id;
    this.#peer = internal.peer;
    this.#source = internal.source;
    this.#rtpParameters = internal.rtpParameters;
    this.#clientRtpParameters = toClientRtpParameters(internal.rtpParameters);
    this.#rtpCapabilities = internal.rtpCapabilities;
    this.#notify = internal.notify ?? (() => undefined);
    // As in seed 002 apps, a consumer starts with its producer's appData (e.g. { source: 'mic' }).
    this.appData = internal.source.appData;
    internal.source.on('@pausedchange', this.#onSourcePausedChange);
    internal.source.on('@close', this.#onSourceClose);
  }

  get id(): number {
    return this.#id;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get kind(): MediaKind {
    return this.#source.kind;
  }

  /** The receiving peer; undefined for an RtpStreamer's consumer. */
  get peer(): Peer | undefined {
    return this.#peer;
  }

  /** The transport it is enabled on; undefined until enabled. */
  get transport(): WebRtcTransport | PlainRtpTransport | undefined {
    return this.#transport;
  }

  /** Its RTP parameters as the 2.x client reads them. */
  get rtpParameters(): Record<string, unknown> {
    return this.#clientRtpParameters;
  }

  get source(): Producer {
    return this.#source;
  }

  get enabled(): boolean {
    return this.#core !== undefined;
  }

  get locallyPaused(): boolean {
    return this.#locallyPaused;
  }

  get remotelyPaused(): boolean {
    return this.#remotelyPaused;
  }

  get sourcePaused(): boolean {
    return this.#source.paused;
  }

  get paused(): boolean {
    return this.#locallyPaused || this.#remotelyPaused || this.sourcePaused;
  }

  get preferredProfile(): RtpProfile {
    // Without a preference of its own it follows its producer's (seed 002).
    return this.#preferredProfile === 'default' ? this.#source.preferredProfile : this.#preferredProfile;
  }

  /** 'default' once enabled: the core has no simulcast, so a stream has one profile. */
  get effectiveProfile(): RtpProfile | null {
    return this.#effectiveProfile;
  }

  /** What the client is told about it (newConsumer, join). */
  /** @internal */
  describe(): Record<string, unknown> {
    return {
      id: this.#id,
      kind: this.kind,
      peerName: this.#source.peer.name,
      rtpParameters: this.#clientRtpParameters,
      paused: this.#serverPaused(),
      preferredProfile: this.preferredProfile,
      effectiveProfile: this.#effectiveProfile,
      appData: this.#source.appData,
    };
  }

  /** @internal enableConsumer: create the core consumer on this transport. */
  async enable(transport: WebRtcTransport | PlainRtpTransport, core: CoreTransport, { paused = false } = {}): Promise<void> {
    this.#assertOpen();
    if (this.#core) throw new InvalidStateError('consumer already enabled');
    this.#remotelyPaused = paused;
    this.#corePaused = this.#locallyPaused || this.#remotelyPaused;
    const consumer = await core.consume({
      producerId: this.#source.core.id,
      rtpCapabilities: this.#rtpCapabilities,
      paused: this.#corePaused,
      // mediasoup-client 2.x names the m-section of consumer N 'a<N>' or 'v<N>' and browsers drop RTP with another MID.
      mid: `${this.kind[0]}${this.#id}`,
      [presetConsumerRtpParameters]: this.#rtpParameters,
    } as Parameters<CoreTransport['consume']>[0]);
    if (this.#closed) {
      consumer.close();
      throw new InvalidStateError('consumer closed while enabling');
    }
    this.#core = consumer;
    this.#transport = transport;
    // A pause or resume that arrived while the core consumer was being created.
    this.#syncCore();
    consumer.on('transportclose', () => this.disable());
    this.#setEffectiveProfile('default');
  }

  /** @internal Its transport closed: the client may enable it again on another one. */
  disable(): void {
    if (!this.#core) return;
    this.#core.close();
    this.#core = undefined;
    this.#transport = undefined;
    this.#setEffectiveProfile(null);
  }

  /** Close it here and tell the client (consumerClosed). */
  close(appData?: unknown): void {
    if (this.#closed) return;
    this.#notify('consumerClosed', { id: this.#id, peerName: this.#source.peer.name, appData });
    this.closeFrom('local', appData);
  }

  /** @internal Closed because its peer or its producer went away. */
  closeFrom(originator: Originator, appData?: unknown): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#source.off('@pausedchange', this.#onSourcePausedChange);
    this.#source.off('@close', this.#onSourceClose);
    this.#core?.close();
    this.#core = undefined;
    this.safeEmit('@close');
    this.safeEmit('close', originator, appData);
  }

  pause(appData?: unknown): void {
    this.#assertOpen();
    if (this.#locallyPaused) return;
    const wasServerPaused = this.#serverPaused();
    this.#locallyPaused = true;
    if (!wasServerPaused) this.#notify('consumerPaused', { id: this.#id, peerName: this.#source.peer.name, appData });
    this.#syncCore();
    this.safeEmit('pause', 'local', appData);
  }

  resume(appData?: unknown): void {
    this.#assertOpen();
    if (!this.#locallyPaused) return;
    this.#locallyPaused = false;
    if (!this.#serverPaused()) this.#notify('consumerResumed', { id: this.#id, peerName: this.#source.peer.name, appData });
    this.#syncCore();
    this.safeEmit('resume', 'local', appData);
  }

  /** @internal pauseConsumer / resumeConsumer from the client. */
  setRemotelyPaused(paused: boolean, appData?: unknown): void {
    if (this.#closed || this.#remotelyPaused === paused) return;
    this.#remotelyPaused = paused;
    this.#syncCore();
    this.safeEmit(paused ? 'pause' : 'resume', 'remote', appData);
  }

  setPreferredProfile(profile: RtpProfile): void {
    this.#assertOpen();
    this.#preferredProfile = checkProfile(profile);
    this.#notify('consumerPreferredProfileSet', { id: this.#id, peerName: this.#source.peer.name, profile: this.#preferredProfile });
  }

  /** @internal setConsumerPreferredProfile from the client. */
  setRemotePreferredProfile(profile: RtpProfile): void {
    if (this.#closed) return;
    this.#preferredProfile = checkProfile(profile);
  }

  /** Ask the source for a keyframe (RTCP PLI); nothing to do until enabled. */
  async requestKeyFrame(): Promise<void> {
    this.#assertOpen();
    await this.#core?.requestKeyFrame();
  }

  async getStats(): Promise<ConsumerStat[]> {
    this.#assertOpen();
    return this.#core ? this.#core.getStats() : [];
  }

  /** Paused by this side (the client hears consumerPaused/consumerResumed about it). */
  #serverPaused(): boolean {
    return this.#locallyPaused || this.sourcePaused;
  }

  #sourcePausedChanged(appData: unknown): void {
    if (this.#closed || this.#locallyPaused) return;
    const method = this.sourcePaused ? 'consumerPaused' : 'consumerResumed';
    this.#notify(method, { id: this.#id, peerName: this.#source.peer.name, appData });
  }

  #syncCore(): void {
    const core = this.#core;
    if (!core) return;
    const want = this.#locallyPaused || this.#remotelyPaused;
    if (this.#corePaused === want) return;
    this.#corePaused = want;
    background(want ? core.pause() : core.resume());
  }

  #setEffectiveProfile(profile: RtpProfile | null): void {
    if (this.#effectiveProfile === profile) return;
    this.#effectiveProfile = profile;
    this.safeEmit('effectiveprofilechange', profile);
  }

  #assertOpen(): void {
    if (this.#closed) throw new InvalidStateError('consumer closed');
  }
}
