import { mediaError } from '@consomme/client';
import { useEffect, useRef, useState, type FormEvent, type ReactElement } from 'react';
import { describeError, isValidRoomName } from './messages.js';
import { useDevices } from './useDevices.js';

/** '' is the browser's default device; 'off' joins without it. */
export interface JoinChoice {
  displayName: string;
  roomId: string;
  cameraId: string;
  micId: string;
}

interface LobbyProps {
  initialName: string;
  initialRoom: string;
  joining: boolean;
  error: string | null;
  onJoin: (choice: JoinChoice) => void;
}

export function Lobby({ initialName, initialRoom, joining, error, onJoin }: LobbyProps): ReactElement {
  const [displayName, setDisplayName] = useState(initialName);
  const [roomId, setRoomId] = useState(initialRoom);
  const [cameraId, setCameraId] = useState('');
  const [micId, setMicId] = useState('');
  const [notes, setNotes] = useState<string[]>([]);
  const [preview, setPreview] = useState<MediaStream | null>(null);
  const videoRef = useRef<HTMLVideoElement>(null);
  const { cameras, mics, refresh } = useDevices();

  // Preview the chosen camera; ask for the microphone too so its problems show before joining.
  useEffect(() => {
    let cancelled = false;
    let stream: MediaStream | null = null;
    void (async () => {
      const found: string[] = [];
      const md = navigator.mediaDevices;
      if (!md?.getUserMedia) {
        setNotes([describeError('NOT_SUPPORTED', '')]);
        return;
      }
      if (cameraId !== 'off') {
        try {
          stream = await md.getUserMedia({ video: cameraId ? { deviceId: { exact: cameraId } } : true });
        } catch (e) {
          const err = mediaError(e, 'camera');
          found.push(describeError(err.code, err.message, 'camera'));
        }
      }
      if (micId !== 'off') {
        try {
          const audio = await md.getUserMedia({ audio: micId ? { deviceId: { exact: micId } } : true });
          for (const t of audio.getTracks()) t.stop();
        } catch (e) {
          const err = mediaError(e, 'microphone');
          found.push(describeError(err.code, err.message, 'microphone'));
        }
      }
      if (cancelled) {
        for (const t of stream?.getTracks() ?? []) t.stop();
        return;
      }
      setNotes(found);
      setPreview(stream);
      refresh();
    })();
    return () => {
      cancelled = true;
      for (const t of stream?.getTracks() ?? []) t.stop();
    };
  }, [cameraId, micId, refresh]);

  useEffect(() => {
    const v = videoRef.current;
    if (!v) return;
    v.srcObject = preview;
    if (preview) v.play().catch(() => undefined);
  }, [preview]);

  const nameOk = displayName.trim().length > 0 && displayName.trim().length <= 64;
  const roomOk = isValidRoomName(roomId);

  function submit(event: FormEvent): void {
    event.preventDefault();
    if (!nameOk || !roomOk || joining) return;
    try {
      localStorage.setItem('consomme.displayName', displayName.trim());
    } catch {
      // Private mode without storage: the name is simply not remembered.
    }
    onJoin({ displayName: displayName.trim(), roomId, cameraId, micId });
  }

  return (
    <main className="lobby">
      <form className="lobby-card" onSubmit={submit} aria-label="Join a room">
        <h1>Consommé</h1>
        <div className="preview">
          <video ref={videoRef} data-testid="local-preview" autoPlay playsInline muted />
          {!preview && <div className="preview-empty">{cameraId === 'off' ? 'Camera off' : 'No camera preview'}</div>}
        </div>
        {error && <p className="banner banner-error" role="alert" data-testid="error-banner">{error}</p>}
        {notes.length > 0 && (
          <ul className="lobby-notes" data-testid="device-notes">
            {notes.map((n) => <li key={n}>{n}</li>)}
          </ul>
        )}
        <label htmlFor="display-name">Your name</label>
        <input id="display-name" data-testid="display-name" value={displayName} maxLength={64} autoComplete="nickname"
          onChange={(e) => setDisplayName(e.target.value)} placeholder="How others will see you" />
        <label htmlFor="room-name">Room</label>
        <input id="room-name" data-testid="room-name" value={roomId} maxLength={64}
          onChange={(e) => setRoomId(e.target.value.trim())} aria-invalid={!roomOk} />
        {!roomOk && roomId !== '' && <p className="field-hint">Letters, digits, dot, dash and underscore only.</p>}
        <div className="device-row">
          <div>
            <label htmlFor="camera-select">Camera</label>
            <select id="camera-select" data-testid="camera-select" value={cameraId} onChange={(e) => setCameraId(e.target.value)}>
              <option value="">Default camera</option>
              {cameras.map((d, i) => <option key={d.deviceId} value={d.deviceId}>{d.label || `Camera ${i + 1}`}</option>)}
              <option value="off">No camera</option>
            </select>
          </div>
          <div>
            <label htmlFor="mic-select">Microphone</label>
            <select id="mic-select" data-testid="mic-select" value={micId} onChange={(e) => setMicId(e.target.value)}>
              <option value="">Default microphone</option>
              {mics.map((d, i) => <option key={d.deviceId} value={d.deviceId}>{d.label || `Microphone ${i + 1}`}</option>)}
              <option value="off">No microphone</option>
            </select>
          </div>
        </div>
        <button type="submit" className="primary" data-testid="join-button" disabled={!nameOk || !roomOk || joining}>
          {joining ? 'Joining…' : 'Join'}
        </button>
      </form>
    </main>
  );
}
