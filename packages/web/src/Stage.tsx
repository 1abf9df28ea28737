import { useEffect, useRef, useState, type ReactElement } from 'react';
import { bestGrid } from './layout.js';
import type { RoomViewState } from './store.js';
import { ScreenTile, Tile } from './Tile.js';

interface Person {
  id: string;
  name: string;
  local: boolean;
  video: MediaStreamTrack | undefined;
  muted: boolean;
  quality: number | null;
}

/** Everyone's tiles in a grid; with a screen share, the screen large and the people in a strip beside it. */
export function Stage({ state }: { state: RoomViewState }): ReactElement {
  const people: Person[] = [
    {
      id: state.selfId,
      name: state.selfName,
      local: true,
      video: state.local.webcam,
      muted: !state.local.mic || state.micMuted,
      quality: state.selfQuality,
    },
    ...state.peers.map((p) => {
      const cam = p.media.find((m) => m.source === 'webcam');
      const mic = p.media.find((m) => m.source === 'mic');
      return {
        id: p.id,
        name: p.displayName,
        local: false,
        video: cam && !cam.paused ? cam.track : undefined,
        muted: !mic || mic.paused,
        quality: p.quality,
      };
    }),
  ];
  const screens: { peerId: string; name: string; local: boolean; track: MediaStreamTrack }[] = [];
  if (state.local.screen) screens.push({ peerId: state.selfId, name: state.selfName, local: true, track: state.local.screen });
  for (const p of state.peers) {
    const s = p.media.find((m) => m.source === 'screen' && !m.paused);
    if (s) screens.push({ peerId: p.id, name: p.displayName, local: false, track: s.track });
  }

  const grid = <TileGrid people={people} speaker={state.speaker} />;
  if (screens.length === 0) return <section className="stage" aria-label="Participants">{grid}</section>;
  return (
    <section className="stage with-screen" aria-label="Participants">
      <div className="screens">
        {screens.map((s) => <ScreenTile key={s.peerId} {...s} />)}
      </div>
      <div className="strip">{grid}</div>
    </section>
  );
}

function TileGrid({ people, speaker }: { people: Person[]; speaker: string | null }): ReactElement {
  const ref = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = (): void => setSize({ width: el.clientWidth, height: el.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  const g = bestGrid(people.length, size.width, size.height);
  return (
    <div ref={ref} className="grid" style={{ gridTemplateColumns: `repeat(${Math.max(g.cols, 1)}, ${g.tileWidth}px)` }}>
      {people.map((p) => (
        <Tile key={p.id} peerId={p.id} name={p.name} local={p.local} video={p.video} muted={p.muted}
          speaking={speaker === p.id} quality={p.quality} width={g.tileWidth} height={g.tileHeight} />
      ))}
    </div>
  );
}
