/**
 * The room as the UI sees it: an immutable snapshot rebuilt from RoomClient
 * events, read by React through useSyncExternalStore. It subscribes before
 * join() so no event (peers already present, first tracks) is missed.
 */
import type {
  ChatEvent, ConnectionState, FileProgress, ReceivedFile, RoomClient, Source,
} from '@consomme/client';

export interface MediaView {
  consumerId: string;
  source: Source;
  kind: 'audio' | 'video';
  track: MediaStreamTrack;
  paused: boolean;
}

export interface PeerView {
  id: string;
  displayName: string;
  media: MediaView[];
  /** 0–10, null until the first score. */
  quality: number | null;
}

export type FileView = Omit<ReceivedFile, 'blob'> & { url: string };

export interface Notice {
  id: number;
  code: string;
  message: string;
}

export interface RoomViewState {
  connection: ConnectionState;
  selfId: string;
  selfName: string;
  selfQuality: number | null;
  peers: PeerView[];
  local: Partial<Record<Source, MediaStreamTrack>>;
  micMuted: boolean;
  speaker: string | null;
  chat: ChatEvent[];
  files: FileView[];
  sending: FileProgress | null;
  receiving: FileProgress[];
  notices: Notice[];
}

export type RoomLike = Pick<RoomClient, 'on' | 'peerId' | 'peers' | 'connectionState' | 'displayName' | 'micMuted'>;

const MAX_CHAT = 500;
const MAX_NOTICES = 4;

export class RoomStore {
  #state: RoomViewState;
  readonly #room: RoomLike;
  readonly #listeners = new Set<() => void>();
  readonly #unsubscribe: (() => void)[] = [];
  #noticeId = 0;

  constructor(room: RoomLike) {
    this.#room = room;
    this.#state = {
      connection: room.connectionState,
      selfId: room.peerId,
      selfName: room.displayName,
      selfQuality: null,
      peers: [...room.peers.values()].map((p) => ({ id: p.id, displayName: p.displayName, media: [], quality: null })),
      local: {},
      micMuted: room.micMuted,
      speaker: null,
      chat: [],
      files: [],
      sending: null,
      receiving: [],
      notices: [],
    };
    const on = this.#unsubscribe;
    on.push(room.on('connectionState', (connection) => this.#set({ connection, selfId: room.peerId })));
    on.push(room.on('peerJoined', (p) => {
      if (this.#state.peers.some((x) => x.id === p.id)) return;
      this.#set({ peers: [...this.#state.peers, { id: p.id, displayName: p.displayName, media: [], quality: null }], selfId: room.peerId });
    }));
    on.push(room.on('peerLeft', (p) => this.#set({
      peers: this.#state.peers.filter((x) => x.id !== p.id),
      speaker: this.#state.speaker === p.id ? null : this.#state.speaker,
    })));
    on.push(room.on('trackAdded', (t) => this.#updatePeer(t.peerId, (peer) => ({
      ...peer,
      media: [...peer.media.filter((m) => m.consumerId !== t.consumerId),
        { consumerId: t.consumerId, source: t.source, kind: t.kind, track: t.track, paused: t.paused }],
    }))));
    on.push(room.on('trackRemoved', (t) => this.#updatePeer(t.peerId, (peer) => ({
      ...peer, media: peer.media.filter((m) => m.consumerId !== t.consumerId),
    }))));
    on.push(room.on('peerMuteChanged', (m) => {
      if (m.peerId === room.peerId) {
        if (m.source === 'mic') this.#set({ micMuted: m.muted });
        return;
      }
      this.#updatePeer(m.peerId, (peer) => ({
        ...peer, media: peer.media.map((x) => (x.source === m.source ? { ...x, paused: m.muted } : x)),
      }));
    }));
    on.push(room.on('localTrack', ({ source, track }) => {
      const local = { ...this.#state.local };
      if (track) local[source] = track;
      else delete local[source];
      this.#set({ local, micMuted: source === 'mic' && !track ? false : this.#state.micMuted });
    }));
    on.push(room.on('activeSpeaker', (speaker) => this.#set({ speaker })));
    on.push(room.on('quality', ({ peerId, score }) => {
      if (peerId === room.peerId) this.#set({ selfQuality: score });
      else this.#updatePeer(peerId, (peer) => ({ ...peer, quality: score }));
    }));
    on.push(room.on('chat', (message) => {
      if (this.#state.chat.some((m) => m.id === message.id && m.from === message.from)) return;
      this.#set({ chat: [...this.#state.chat, message].slice(-MAX_CHAT) });
    }));
    on.push(room.on('fileProgress', (p) => {
      if (p.direction === 'send') this.#set({ sending: p });
      else this.#set({ receiving: [...this.#state.receiving.filter((r) => r.transferId !== p.transferId), p] });
    }));
    on.push(room.on('fileReceived', (f) => {
      const { blob, ...rest } = f;
      this.#set({
        files: [...this.#state.files, { ...rest, url: URL.createObjectURL(blob) }],
        receiving: this.#state.receiving.filter((r) => r.transferId !== f.transferId),
      });
    }));
    on.push(room.on('error', (e) => this.addNotice(e.code, e.message)));
  }

  getState = (): RoomViewState => this.#state;

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  addNotice(code: string, message: string): void {
    const notice = { id: ++this.#noticeId, code, message };
    this.#set({ notices: [...this.#state.notices.filter((n) => n.message !== message), notice].slice(-MAX_NOTICES) });
  }

  dismissNotice(id: number): void {
    this.#set({ notices: this.#state.notices.filter((n) => n.id !== id) });
  }

  clearSending(): void {
    this.#set({ sending: null });
  }

  dispose(): void {
    for (const off of this.#unsubscribe.splice(0)) off();
    for (const f of this.#state.files) URL.revokeObjectURL(f.url);
    this.#listeners.clear();
  }

  #updatePeer(peerId: string, update: (peer: PeerView) => PeerView): void {
    let peers = this.#state.peers;
    if (!peers.some((p) => p.id === peerId)) {
      // Media can come before our view of the peer (a rejoin reorders nothing, but be safe).
      const known = this.#room.peers.get(peerId);
      if (!known) return;
      peers = [...peers, { id: known.id, displayName: known.displayName, media: [], quality: null }];
    }
    this.#set({ peers: peers.map((p) => (p.id === peerId ? update(p) : p)) });
  }

  #set(patch: Partial<RoomViewState>): void {
    this.#state = { ...this.#state, ...patch };
    for (const listener of [...this.#listeners]) listener();
  }
}
