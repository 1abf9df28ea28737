import { InvalidStateError } from '../errors.js';
import { EnhancedEventEmitter } from '../api/enhanced-events.js';
import type { Producer as CoreProducer, ProducerStat } from '../api/producer.js';
import type { MediaKind } from '../ortc/types.js';
import type { Peer } from './peer.js';
import { layerProfiles, type LayerProfile } from './profiles.js';
import { background, checkProfile, type Notify, type Originator, type RtpProfile } from './types.js';
import type { WebRtcTransport } from './webrtc-transport.js';

export type ProducerEvents = {
  close: [Originator, unknown];
  pause: [Originator, unknown];
  resume: [Originator, unknown];
  listenererror: [string, Error];
  /** @internal paused changed (consumers follow it as sourcePaused). */
  '@pausedchange': [unknown];
  /** @internal its preferred profile changed (consumers without one of their own follow it). */
  '@preferredprofilechange': [];
  '@close': [unknown];
};

/** @internal */
export interface ProducerInternal {
  id: number;
  core: CoreProducer;
  peer: Peer;
  transport: WebRtcTransport;
  rtpParameters: Record<string, unknown>;
  remotelyPaused: boolean;
  appData: unknown;
  notify: Notify;
}

/** An audio or video track a peer sends to the room (seed 002). */
export class Producer extends EnhancedEventEmitter<ProducerEvents> {
  readonly #id: number;
  readonly #core: CoreProducer;
  readonly #peer: Peer;
  readonly #transport: WebRtcTransport;
  readonly #rtpParameters: Record<string, unknown>;
  readonly #notify: Notify;
  readonly #layerProfiles: readonly LayerProfile[];
  #closed = false;
  #locallyPaused = false;
  #remotelyPaused: boolean;
  #preferredProfile: RtpProfile = 'default';
  /** Appdata is free-form in seed 002 (any value), unlike the core's objects. */
  appData: unknown;

  /** @internal */
  constructor(internal: ProducerInternal) {
    super();
    this.#id = internal.id;
    this.#core = internal.core;
    this.#peer = internal.peer;
    this.#transport = internal.transport;
    this.#rtpParameters = internal.rtpParameters;
    this.#remotelyPaused = internal.remotelyPaused;
    this.#notify = internal.notify;
    this.#layerProfiles = layerProfiles(internal.core, internal.rtpParameters['encodings']);
    this.appData = internal.appData;
  }

  get id(): number {
    return this.#id;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get kind(): MediaKind {
    return this.#core.kind;
  }

  get peer(): Peer {
    return this.#peer;
  }

  get transport(): WebRtcTransport {
    return this.#transport;
  }

  /** The RTP parameters the client sent (mediasoup-client 2.x form). */
  get rtpParameters(): Record<string, unknown> {
    return this.#rtpParameters;
  }

  get locallyPaused(): boolean {
    return this.#locallyPaused;
  }

  get remotelyPaused(): boolean {
    return this.#remotelyPaused;
  }

  get paused(): boolean {
    return this.#locallyPaused || this.#remotelyPaused;
  }

  get preferredProfile(): RtpProfile {
    return this.#preferredProfile;
  }

  /** @internal The profile of each of its simulcast layers, lowest first; empty without simulcast. */
  get layerProfiles(): readonly LayerProfile[] {
    return this.#layerProfiles;
  }

  /** @internal The core producer (rooms code only). */
  get core(): CoreProducer {
    return this.#core;
  }

  /** Close it here and tell the client (producerClosed). */
  close(appData?: unknown): void {
    if (this.#closed) return;
    this.#notify('producerClosed', { id: this.#id, appData });
    this.#close('local', appData);
  }

  /** @internal The client closed it (closeProducer), or its transport or peer went away. */
  closeFrom(originator: Originator, appData?: unknown): void {
    if (this.#closed) return;
    this.#close(originator, appData);
  }

  /** Stop relaying its RTP to the consumers; the client hears producerPaused. */
  pause(appData?: unknown): void {
    this.#assertOpen();
    if (this.#locallyPaused) return;
    const was = this.paused;
    this.#locallyPaused = true;
    this.#notify('producerPaused', { id: this.#id, appData });
    this.#changed(was, 'pause', 'local', appData);
  }

  resume(appData?: unknown): void {
    this.#assertOpen();
    if (!this.#locallyPaused) return;
    const was = this.paused;
    this.#locallyPaused = false;
    this.#notify('producerResumed', { id: this.#id, appData });
    this.#changed(was, 'resume', 'local', appData);
  }

  /** @internal pauseProducer / resumeProducer from the client. */
  setRemotelyPaused(paused: boolean, appData?: unknown): void {
    if (this.#closed || this.#remotelyPaused === paused) return;
    const was = this.paused;
    this.#remotelyPaused = paused;
    this.#changed(was, paused ? 'pause' : 'resume', 'remote', appData);
  }

  /**
   * The profile its consumers prefer when they have no preference of their
   * own (seed 002); it only changes anything when it sends simulcast.
   */
  setPreferredProfile(profile: RtpProfile): void {
    this.#assertOpen();
    const checked = checkProfile(profile);
    if (checked === this.#preferredProfile) return;
    this.#preferredProfile = checked;
    this.safeEmit('@preferredprofilechange');
  }

  async getStats(): Promise<ProducerStat[]> {
    this.#assertOpen();
    return this.#core.getStats();
  }

  #changed(was: boolean, event: 'pause' | 'resume', originator: Originator, appData: unknown): void {
    // 'pause'/'resume' tell who acted; the core only sees the combined state.
    this.safeEmit(event, originator, appData);
    if (was === this.paused) return;
    background(this.paused ? this.#core.pause() : this.#core.resume());
    this.safeEmit('@pausedchange', appData);
  }

  #close(originator: Originator, appData: unknown): void {
    this.#closed = true;
    this.#core.close();
    // Its own 'close' first, then its consumers go (they listen to '@close').
    this.safeEmit('close', originator, appData);
    this.safeEmit('@close', appData);
  }

  #assertOpen(): void {
    if (this.#closed) throw new InvalidStateError('producer closed');
  }
}
