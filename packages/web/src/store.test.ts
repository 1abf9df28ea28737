import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TypedEmitter, type ConnectionState, type PeerSummary, type RoomEvents } from '@consomme/client';
import { RoomStore } from './store.js';

/** The fields of RoomClient the store reads, driven by hand. */
class Room extends TypedEmitter<RoomEvents> {
  peerId = 'me';
  displayName = 'Me';
  micMuted = false;
  connectionState: ConnectionState = 'connecting';
  peers = new Map<string, PeerSummary>([['p1', { id: 'p1', displayName: 'Ann' }]]);
}

const track = (id: string): MediaStreamTrack => ({ id }) as unknown as MediaStreamTrack;

test('the store follows peers, tracks, mutes, speaker and quality', () => {
  const room = new Room();
  const store = new RoomStore(room);
  let renders = 0;
  store.subscribe(() => renders++);
  assert.deepEqual(store.getState().peers.map((p) => p.displayName), ['Ann'], 'peers present before subscribing');

  room.emit('peerJoined', { id: 'p2', displayName: 'Ben' });
  room.emit('peerJoined', { id: 'p2', displayName: 'Ben' });
  room.emit('trackAdded', { peerId: 'p2', source: 'mic', kind: 'audio', track: track('a'), consumerId: 'c1', paused: false });
  room.emit('trackAdded', { peerId: 'p2', source: 'webcam', kind: 'video', track: track('v'), consumerId: 'c2', paused: false });
  room.emit('peerMuteChanged', { peerId: 'p2', source: 'mic', muted: true });
  room.emit('quality', { peerId: 'p2', score: 7 });
  room.emit('quality', { peerId: 'me', score: 9 });
  room.emit('activeSpeaker', 'p2');
  let s = store.getState();
  assert.equal(s.peers.length, 2);
  const ben = s.peers.find((p) => p.id === 'p2')!;
  assert.deepEqual(ben.media.map((m) => [m.consumerId, m.paused]), [['c1', true], ['c2', false]]);
  assert.equal(ben.quality, 7);
  assert.equal(s.selfQuality, 9);
  assert.equal(s.speaker, 'p2');

  room.emit('trackRemoved', { peerId: 'p2', source: 'mic', kind: 'audio', consumerId: 'c1' });
  room.emit('peerLeft', { id: 'p2', displayName: 'Ben' });
  s = store.getState();
  assert.deepEqual(s.peers.map((p) => p.id), ['p1']);
  assert.equal(s.speaker, null, 'a departed speaker is no longer highlighted');
  assert.ok(renders >= 9);
  store.dispose();
});

test('own mute and local tracks; chat is de-duplicated; received files get a URL', async () => {
  const room = new Room();
  const store = new RoomStore(room);
  room.emit('localTrack', { source: 'mic', track: track('m') });
  room.emit('peerMuteChanged', { peerId: 'me', source: 'mic', muted: true });
  assert.equal(store.getState().micMuted, true);
  room.emit('localTrack', { source: 'mic', track: null });
  assert.equal(store.getState().micMuted, false);
  assert.equal(store.getState().local.mic, undefined);

  const chat = { id: 'x', from: 'p1', displayName: 'Ann', text: 'hi', sentAt: 1, local: false };
  room.emit('chat', chat);
  room.emit('chat', chat);
  assert.equal(store.getState().chat.length, 1);

  room.emit('fileProgress', { transferId: 't', direction: 'receive', peerId: 'p1', name: 'a.txt', size: 3, bytes: 1 });
  assert.equal(store.getState().receiving.length, 1);
  room.emit('fileReceived', {
    transferId: 't', from: 'p1', displayName: 'Ann', name: 'a.txt', size: 3, mimeType: 'text/plain',
    blob: new Blob(['abc']), sha256: 'f'.repeat(64), verified: true,
  });
  const s = store.getState();
  assert.equal(s.receiving.length, 0);
  assert.equal(s.files.length, 1);
  assert.match(s.files[0]!.url, /^blob:/);
  assert.equal(s.files[0]!.sha256, 'f'.repeat(64));

  room.emit('error', { code: 'ROOM_FULL', message: 'full' });
  assert.equal(store.getState().notices[0]!.code, 'ROOM_FULL');
  store.dismissNotice(store.getState().notices[0]!.id);
  assert.equal(store.getState().notices.length, 0);

  store.dispose();
  room.emit('chat', { ...chat, id: 'y' });
  assert.equal(store.getState().chat.length, 1, 'no updates after dispose');
});
