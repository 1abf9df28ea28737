import { useRef, type ReactElement } from 'react';
import type { FileProgress } from '@consomme/client';
import { CameraIcon, CameraOffIcon, ChatIcon, FileIcon, LeaveIcon, MicIcon, MicOffIcon, ScreenIcon } from './icons.js';
import { formatBytes } from './messages.js';

interface ControlsProps {
  micOn: boolean;
  micMuted: boolean;
  cameraOn: boolean;
  screenOn: boolean;
  chatOpen: boolean;
  unread: number;
  sending: FileProgress | null;
  onMic: () => void;
  onCamera: () => void;
  onScreen: () => void;
  onChat: () => void;
  onFile: (file: File) => void;
  onLeave: () => void;
}

export function Controls(p: ControlsProps): ReactElement {
  const fileRef = useRef<HTMLInputElement>(null);
  const micLive = p.micOn && !p.micMuted;
  const done = p.sending !== null && p.sending.bytes >= p.sending.size;
  return (
    <footer className="controls" aria-label="Call controls">
      <button type="button" data-testid="mic-toggle" className={micLive ? 'control' : 'control off'} aria-pressed={micLive}
        aria-label={!p.micOn ? 'Turn microphone on' : p.micMuted ? 'Unmute microphone' : 'Mute microphone'} onClick={p.onMic}>
        {micLive ? <MicIcon /> : <MicOffIcon />}<span>{!p.micOn ? 'Mic off' : p.micMuted ? 'Unmute' : 'Mute'}</span>
      </button>
      <button type="button" data-testid="camera-toggle" className={p.cameraOn ? 'control' : 'control off'} aria-pressed={p.cameraOn}
        aria-label={p.cameraOn ? 'Turn camera off' : 'Turn camera on'} onClick={p.onCamera}>
        {p.cameraOn ? <CameraIcon /> : <CameraOffIcon />}<span>{p.cameraOn ? 'Camera' : 'Camera off'}</span>
      </button>
      <button type="button" data-testid="screen-toggle" className={p.screenOn ? 'control active' : 'control'} aria-pressed={p.screenOn}
        aria-label={p.screenOn ? 'Stop sharing the screen' : 'Share the screen'} onClick={p.onScreen}>
        <ScreenIcon /><span>{p.screenOn ? 'Stop share' : 'Share'}</span>
      </button>
      <button type="button" data-testid="chat-toggle" className={p.chatOpen ? 'control active' : 'control'} aria-pressed={p.chatOpen}
        aria-label={p.chatOpen ? 'Hide chat' : 'Show chat'} onClick={p.onChat}>
        <ChatIcon /><span>Chat</span>
        {p.unread > 0 && !p.chatOpen && <span className="badge" data-testid="chat-unread">{p.unread}</span>}
      </button>
      <input ref={fileRef} type="file" data-testid="file-input" aria-label="File to send" hidden
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) p.onFile(file);
        }} />
      <button type="button" data-testid="file-button" className="control" aria-label="Send a file"
        disabled={p.sending !== null && !done} onClick={() => fileRef.current?.click()}>
        <FileIcon /><span>Send file</span>
      </button>
      {p.sending && (
        <div className="file-status" title={p.sending.name}>
          <progress data-testid="file-progress" data-state={done ? 'done' : 'sending'} value={p.sending.bytes} max={Math.max(p.sending.size, 1)}
            aria-label={`Sending ${p.sending.name}`} />
          <span>{done ? 'Sent' : `${formatBytes(p.sending.bytes)} / ${formatBytes(p.sending.size)}`}</span>
        </div>
      )}
      <button type="button" data-testid="leave-button" className="control leave" aria-label="Leave the room" onClick={p.onLeave}>
        <LeaveIcon /><span>Leave</span>
      </button>
    </footer>
  );
}
