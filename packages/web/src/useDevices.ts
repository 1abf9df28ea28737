import { useCallback, useEffect, useState } from 'react';

export interface Devices {
  cameras: MediaDeviceInfo[];
  mics: MediaDeviceInfo[];
  refresh: () => void;
}

/** Cameras and microphones; labels appear once the page has capture permission. */
export function useDevices(): Devices {
  const [cameras, setCameras] = useState<MediaDeviceInfo[]>([]);
  const [mics, setMics] = useState<MediaDeviceInfo[]>([]);
  const refresh = useCallback(() => {
    const md = navigator.mediaDevices;
    if (!md?.enumerateDevices) return;
    md.enumerateDevices().then((list) => {
      setCameras(list.filter((d) => d.kind === 'videoinput' && d.deviceId));
      setMics(list.filter((d) => d.kind === 'audioinput' && d.deviceId));
    }, () => undefined);
  }, []);
  useEffect(() => {
    refresh();
    const md = navigator.mediaDevices;
    md?.addEventListener?.('devicechange', refresh);
    return () => md?.removeEventListener?.('devicechange', refresh);
  }, [refresh]);
  return { cameras, mics, refresh };
}
