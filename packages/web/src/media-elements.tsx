import { useEffect, useRef, type ReactElement } from 'react';

/** A <video> showing one track (or nothing). Always muted: sound goes through AudioSink. */
export function VideoView({ track, mirror = false, fit = 'cover' }: { track: MediaStreamTrack | undefined; mirror?: boolean; fit?: 'cover' | 'contain' }): ReactElement {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const v = ref.current;
    if (!v) return;
    v.srcObject = track ? new MediaStream([track]) : null;
    if (track) v.play().catch(() => undefined);
  }, [track]);
  return <video ref={ref} autoPlay playsInline muted className={`video fit-${fit}${mirror ? ' mirror' : ''}`} />;
}

/** A hidden <audio> playing one remote track. */
export function AudioSink({ track, id }: { track: MediaStreamTrack; id: string }): ReactElement {
  const ref = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    const a = ref.current;
    if (!a) return;
    a.srcObject = new MediaStream([track]);
    a.play().catch(() => undefined);
    return () => {
      a.srcObject = null;
    };
  }, [track]);
  return <audio ref={ref} autoPlay data-testid={`audio-${id}`} />;
}

/** Four bars for a 0–10 score. */
export function QualityBars({ peerId, score }: { peerId: string; score: number | null }): ReactElement {
  const lit = score === null ? 0 : score >= 8 ? 4 : score >= 6 ? 3 : score >= 3 ? 2 : score >= 1 ? 1 : 0;
  const words = score === null ? 'unknown' : lit >= 3 ? 'good' : lit === 2 ? 'fair' : 'poor';
  return (
    <span className={`quality quality-${words}`} data-testid={`quality-${peerId}`} data-score={score ?? ''}
      role="img" aria-label={`Connection quality: ${words}`} title={`Connection quality: ${words}`}>
      {[1, 2, 3, 4].map((i) => <span key={i} className={i <= lit ? 'bar on' : 'bar'} style={{ height: `${i * 25}%` }} />)}
    </span>
  );
}
