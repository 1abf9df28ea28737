import { InvalidStateError } from '../errors.js';
import { EnhancedEventEmitter } from '../api/enhanced-events.js';
import type { Consumer as CoreConsumer, ConsumerStat } from '../api/consumer.js';
import { presetConsumerRtpParameters } from '../api/transport.js';
import type { Transport as CoreTransport } from '../api/transport.js';
import type { MediaKind, RtpCapabilities, RtpParameters } from '../ortc/types.js';
import type { Peer } from './peer.js';
import type { PlainRtpTransport } from './plain-rtp-transport.js';
import type { Producer } from './producer.js';
import { profileOfLayer, spatialLayerFor } from './profiles.js';
import { toClientRtpParameters } from './protocol/convert.js';
import { background, checkProfile, type EffectiveProfile, type Notify, type Originator, type RtpProfile } from './types.js';
import type { WebRtcTransport } from './webrtc-transport.js';

export type ConsumerEvents = {
  close: [Originator, unknown];
  pause: [Originator, unknown];
  resume: [Originator, unknown];
  effectiveprofilechange: [EffectiveProfile | null];
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
  #effectiveProfile: EffectiveProfile | null = null;
  /** The spatial layer last asked of the core consumer (simulcast sources only). */
  #requestedLayer: number | undefined;
  /** What the core consumer was last asked to be (its own flag lags behind the request). */
  #corePaused = false;
  readonly #onSourcePausedChange = (appData: unknown): void => this.#sourcePausedChanged(appData);
  // Its producer closed: the consumer goes too, and its client hears consumerClosed.
  readonly #onSourceClose = (appData: unknown): void => this.close(appData);
  readonly #onSourcePreferredProfileChange = (): void => this.#applyLayers();
  readonly #onCoreLayersChange = (): void => this.#refreshEffectiveProfile(true);
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
    internal.source.on('@preferredprofilechange', this.#onSourcePreferredProfileChange);
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

  /** Its own preference, as set by setPreferredProfile() or its client ('default' when none). */
  get preferredProfile(): RtpProfile {
    return this.#preferredProfile;
  }

  /**
   * What it forwards now: the profile of the simulcast layer being sent,
   * 'default' for a source without simulcast, 'none' while nothing is sent
   * (paused, or waiting for a key frame); null until enabled.
   */
  get effectiveProfile(): EffectiveProfile | null {
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
    const layered = this.#source.layerProfiles.length > 0;
    this.#requestedLayer = layered ? this.#wantedLayer() : undefined;
    const consumer = await core.consume({
      producerId: this.#source.core.id,
      rtpCapabilities: this.#rtpCapabilities,
      paused: this.#corePaused,
      // mediasoup-client 2.x names the m-section of consumer N 'a<N>' or 'v<N>' and browsers drop RTP with another MID.
      mid: `${this.kind[0]}${this.#id}`,
      [presetConsumerRtpParameters]: this.#rtpParameters,
      ...(this.#requestedLayer === undefined ? {} : { preferredLayers: { spatialLayer: this.#requestedLayer } }),
    } as Parameters<CoreTransport['consume']>[0]);
    if (this.#closed) {
      consumer.close();
      throw new InvalidStateError('consumer closed while enabling');
    }
    this.#core = consumer;
    this.#transport = transport;
    // A pause, resume or preference that arrived while the core consumer was being created.
    this.#syncCore();
    this.#applyLayers();
    consumer.on('transportclose', () => this.disable());
    consumer.on('layerschange', this.#onCoreLayersChange);
    // Not notified: the enableConsumer response carries it.
    this.#refreshEffectiveProfile(false);
  }

  /** @internal Its transport closed: the client may enable it again on another one. */
  disable(): void {
    if (!this.#core) return;
    this.#core.close();
    this.#core = undefined;
    this.#transport = undefined;
    this.#requestedLayer = undefined;
    this.#refreshEffectiveProfile(false);
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
    this.#source.off('@preferredprofilechange', this.#onSourcePreferredProfileChange);
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
    this.#refreshEffectiveProfile(true);
  }

  resume(appData?: unknown): void {
    this.#assertOpen();
    if (!this.#locallyPaused) return;
    this.#locallyPaused = false;
    if (!this.#serverPaused()) this.#notify('consumerResumed', { id: this.#id, peerName: this.#source.peer.name, appData });
    this.#syncCore();
    this.safeEmit('resume', 'local', appData);
    this.#refreshEffectiveProfile(true);
  }

  /** @internal pauseConsumer / resumeConsumer from the client. */
  setRemotelyPaused(paused: boolean, appData?: unknown): void {
    if (this.#closed || this.#remotelyPaused === paused) return;
    this.#remotelyPaused = paused;
    this.#syncCore();
    this.safeEmit(paused ? 'pause' : 'resume', 'remote', appData);
    this.#refreshEffectiveProfile(true);
  }

  /**
   * The highest profile it may forward ('default': the highest there is, or
   * its producer's preference when it has one). Its client hears
   * consumerPreferredProfileSet. The layer changes at the next key frame of
   * the new one, so effectiveProfile follows a moment later.
   */
  setPreferredProfile(profile: RtpProfile): void {
    this.#assertOpen();
    const checked = checkProfile(profile);
    if (checked === this.#preferredProfile) return;
    this.#preferredProfile = checked;
    this.#notify('consumerPreferredProfileSet', { id: this.#id, peerName: this.#source.peer.name, profile: checked });
    this.#applyLayers();
  }

  /** @internal setConsumerPreferredProfile (or enableConsumer's preferredProfile) from the client. */
  setRemotePreferredProfile(profile: RtpProfile): void {
    if (this.#closed) return;
    this.#preferredProfile = checkProfile(profile);
    this.#applyLayers();
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
    if (this.#closed) return;
    this.#refreshEffectiveProfile(true);
    if (this.#locallyPaused) return;
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

  /** The simulcast layer its preference (or its producer's, when it has none) allows. */
  #wantedLayer(): number {
    const profile = this.#preferredProfile === 'default' ? this.#source.preferredProfile : this.#preferredProfile;
    return spatialLayerFor(profile, this.#source.layerProfiles);
  }

  /** Asks the core consumer for the layer the preferences allow; the transport's bitrate may still hold it lower. */
  #applyLayers(): void {
    const core = this.#core;
    if (!core || this.#closed || this.#source.layerProfiles.length === 0) return;
    const spatialLayer = this.#wantedLayer();
    if (spatialLayer === this.#requestedLayer) return;
    this.#requestedLayer = spatialLayer;
    background(core.setPreferredLayers({ spatialLayer }));
  }

  #currentEffectiveProfile(): EffectiveProfile | null {
    const core = this.#core;
    if (!core || this.#closed) return null;
    const layers = this.#source.layerProfiles;
    if (layers.length === 0) return this.paused ? 'none' : 'default';
    const current = core.currentLayers;
    return current ? profileOfLayer(current.spatialLayer, layers) : 'none';
  }

  /** Emits 'effectiveprofilechange' when it changed and, if asked, tells the client (consumerEffectiveProfileChanged). */
  #refreshEffectiveProfile(notifyClient: boolean): void {
    const profile = this.#currentEffectiveProfile();
    if (profile === this.#effectiveProfile) return;
    this.#effectiveProfile = profile;
    if (notifyClient && profile !== null) this.#notify('consumerEffectiveProfileChanged', { id: this.#id, peerName: this.#source.peer.name, profile });
    this.safeEmit('effectiveprofilechange', profile);
  }

  #assertOpen(): void {
    if (this.#closed) throw new InvalidStateError('consumer closed');
  }
}
