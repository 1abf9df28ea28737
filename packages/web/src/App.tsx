import { RoomClient, RoomError } from '@consomme/client';
import { useState, type ReactElement } from 'react';
import { Lobby, type JoinChoice } from './Lobby.js';
import { describeError, randomRoomName } from './messages.js';
import { RoomView } from './RoomView.js';
import { RoomStore } from './store.js';

declare global {
  interface Window {
    /** Debug and test handle: the current room client and its UI store. */
    __consomme?: { room: RoomClient; store: RoomStore };
  }
}

type Screen = { kind: 'lobby' } | { kind: 'room'; room: RoomClient; store: RoomStore };

const params = new URLSearchParams(window.location.search);

function storedName(): string {
  try {
    return localStorage.getItem('consomme.displayName') ?? '';
  } catch {
    return '';
  }
}

export function App(): ReactElement {
  const [screen, setScreen] = useState<Screen>({ kind: 'lobby' });
  const [joining, setJoining] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [last, setLast] = useState({ displayName: storedName(), roomId: params.get('room') ?? randomRoomName() });

  async function join(choice: JoinChoice): Promise<void> {
    setJoining(true);
    setError(null);
    setLast({ displayName: choice.displayName, roomId: choice.roomId });
    const token = params.get('token');
    const room = new RoomClient({ roomId: choice.roomId, displayName: choice.displayName, ...(token ? { token } : {}) });
    // The store listens before join() so peers and tracks that arrive during it are not missed.
    const store = new RoomStore(room);
    window.__consomme = { room, store };
    try {
      await room.join();
    } catch (e) {
      store.dispose();
      const err = e instanceof RoomError ? e : new RoomError('INTERNAL', String(e));
      setError(describeError(err.code, err.message));
      setJoining(false);
      return;
    }
    const url = new URL(window.location.href);
    url.searchParams.set('room', choice.roomId);
    window.history.replaceState(null, '', url);
    setScreen({ kind: 'room', room, store });
    setJoining(false);
    startMedia(room, store, choice);
  }

  async function leave(room: RoomClient, store: RoomStore): Promise<void> {
    await room.leave();
    store.dispose();
    setScreen({ kind: 'lobby' });
  }

  if (screen.kind === 'room') {
    return <RoomView room={screen.room} store={screen.store} onLeave={() => void leave(screen.room, screen.store)} />;
  }
  return <Lobby initialName={last.displayName} initialRoom={last.roomId} joining={joining} error={error} onJoin={(c) => void join(c)} />;
}

/** Turns on the chosen devices; a missing or blocked device is a notice, not a failed join. */
function startMedia(room: RoomClient, store: RoomStore, choice: JoinChoice): void {
  const notify = (what: 'camera' | 'microphone') => (e: unknown): void => {
    const err = e instanceof RoomError ? e : new RoomError('MEDIA_FAILED', String(e));
    store.addNotice(err.code, describeError(err.code, err.message, what));
  };
  if (choice.micId !== 'off') {
    room.enableMic(choice.micId ? { deviceId: choice.micId } : {}).catch(notify('microphone'));
  }
  if (choice.cameraId !== 'off') {
    room.enableCamera(choice.cameraId ? { deviceId: choice.cameraId } : {}).catch(notify('camera'));
  }
}
