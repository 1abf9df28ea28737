import { RoomError, type RoomClient } from '@consomme/client';
import { useEffect, useRef, useState, useSyncExternalStore, type ReactElement } from 'react';
import { Banner } from './Banner.js';
import { ChatPanel } from './ChatPanel.js';
import { Controls } from './Controls.js';
import { AudioSink } from './media-elements.js';
import { describeError } from './messages.js';
import { Stage } from './Stage.js';
import type { RoomStore } from './store.js';

interface RoomViewProps {
  room: RoomClient;
  store: RoomStore;
  onLeave: () => void;
}

export function RoomView({ room, store, onLeave }: RoomViewProps): ReactElement {
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const [chatOpen, setChatOpen] = useState(() => window.innerWidth >= 900);
  const [seen, setSeen] = useState(0);
  const clearTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const unread = chatOpen ? 0 : state.chat.filter((m) => !m.local).length - seen;

  useEffect(() => {
    if (chatOpen) setSeen(state.chat.filter((m) => !m.local).length);
  }, [chatOpen, state.chat]);
  useEffect(() => () => clearTimeout(clearTimer.current), []);

  function report(error: unknown, what?: 'camera' | 'microphone' | 'screen'): void {
    const e = error instanceof RoomError ? error : new RoomError('INTERNAL', String(error));
    // Closing the screen picker is a choice, not an error.
    if (what === 'screen' && e.code === 'PERMISSION_DENIED') return;
    store.addNotice(e.code, describeError(e.code, e.message, what));
  }

  const toggleMic = (): void => {
    if (!state.local.mic) room.enableMic().catch((e) => report(e, 'microphone'));
    else room.setMicMuted(!state.micMuted).catch((e) => report(e, 'microphone'));
  };
  const toggleCamera = (): void => {
    if (state.local.webcam) room.disableCamera().catch((e) => report(e, 'camera'));
    else room.enableCamera().catch((e) => report(e, 'camera'));
  };
  const toggleScreen = (): void => {
    if (state.local.screen) room.stopScreenShare().catch((e) => report(e, 'screen'));
    else room.startScreenShare().catch((e) => report(e, 'screen'));
  };
  const sendFile = (file: File): void => {
    clearTimeout(clearTimer.current);
    room.sendFile(file).then(
      () => {
        clearTimer.current = setTimeout(() => store.clearSending(), 4000);
      },
      (e) => {
        store.clearSending();
        report(e);
      },
    );
  };
  const sendChat = async (text: string): Promise<boolean> => {
    try {
      await room.sendChat(text);
      return true;
    } catch (e) {
      report(e);
      return false;
    }
  };

  const audio = state.peers.flatMap((p) => p.media.filter((m) => m.kind === 'audio').map((m) => ({ id: m.consumerId, track: m.track })));

  return (
    <div className="room" data-testid="room" data-connection={state.connection} data-peer-id={state.selfId}>
      <Banner connection={state.connection} notices={state.notices} onDismiss={(id) => store.dismissNotice(id)} onBack={onLeave} />
      <div className="room-main">
        <Stage state={state} />
        <ChatPanel open={chatOpen} messages={state.chat} files={state.files} receiving={state.receiving} onSend={sendChat} />
      </div>
      <Controls
        micOn={!!state.local.mic} micMuted={state.micMuted} cameraOn={!!state.local.webcam} screenOn={!!state.local.screen}
        chatOpen={chatOpen} unread={Math.max(0, unread)} sending={state.sending}
        onMic={toggleMic} onCamera={toggleCamera} onScreen={toggleScreen} onChat={() => setChatOpen((o) => !o)}
        onFile={sendFile} onLeave={onLeave}
      />
      <div className="audio-sinks" hidden>
        {audio.map((a) => <AudioSink key={a.id} id={a.id} track={a.track} />)}
      </div>
    </div>
  );
}
