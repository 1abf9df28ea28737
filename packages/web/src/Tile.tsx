import type { ReactElement } from 'react';
import { MicOffIcon } from './icons.js';
import { QualityBars, VideoView } from './media-elements.js';

export interface TileProps {
  peerId: string;
  name: string;
  local: boolean;
  video: MediaStreamTrack | undefined;
  muted: boolean;
  speaking: boolean;
  quality: number | null;
  width: number;
  height: number;
}

/** A participant: camera (or initials), name, mute icon, quality bars; outlined while speaking. */
export function Tile({ peerId, name, local, video, muted, speaking, quality, width, height }: TileProps): ReactElement {
  return (
    <div className={`tile${speaking ? ' speaking' : ''}`} data-testid={`tile-${peerId}`} data-peer-name={name}
      data-local={local} data-muted={muted} data-speaking={speaking} style={{ width, height }}>
      <VideoView track={video} mirror={local} />
      {!video && <div className="avatar" aria-hidden="true">{initials(name)}</div>}
      <div className="tile-footer">
        <span className="tile-name">{name}{local ? ' (you)' : ''}</span>
        {muted && <span className="muted-icon" data-testid={`muted-${peerId}`}><MicOffIcon label="Microphone off" /></span>}
        <QualityBars peerId={peerId} score={quality} />
      </div>
    </div>
  );
}

/** A shared screen: larger, letterboxed rather than cropped. */
export function ScreenTile({ peerId, name, local, track }: { peerId: string; name: string; local: boolean; track: MediaStreamTrack }): ReactElement {
  return (
    <div className="tile screen-tile" data-testid={`screen-${peerId}`} data-peer-name={name} data-local={local}>
      <VideoView track={track} fit="contain" />
      <div className="tile-footer"><span className="tile-name">{local ? 'Your screen' : `${name}’s screen`}</span></div>
    </div>
  );
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return (parts.length > 1 ? `${parts[0]![0]}${parts.at(-1)![0]}` : (parts[0] ?? '?').slice(0, 2)).toUpperCase();
}
