/** Capture helpers: typed errors instead of bare DOMExceptions. */
import { mediaError, RoomError } from './errors.js';

export interface CaptureOptions {
  deviceId?: string;
}

function mediaDevices(): MediaDevices {
  const md = globalThis.navigator?.mediaDevices;
  if (!md) throw new RoomError('NOT_SUPPORTED', 'Camera and microphone need a secure context (https or localhost)');
  return md;
}

export async function captureMic(options: CaptureOptions = {}): Promise<MediaStreamTrack> {
  const audio: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };
  if (options.deviceId) audio.deviceId = { exact: options.deviceId };
  try {
    const stream = await mediaDevices().getUserMedia({ audio });
    return firstTrack(stream, 'audio');
  } catch (error) {
    throw mediaError(error, 'microphone');
  }
}

export async function captureCamera(options: CaptureOptions = {}): Promise<MediaStreamTrack> {
  const video: MediaTrackConstraints = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } };
  if (options.deviceId) video.deviceId = { exact: options.deviceId };
  try {
    const stream = await mediaDevices().getUserMedia({ video });
    return firstTrack(stream, 'video');
  } catch (error) {
    throw mediaError(error, 'camera');
  }
}

export async function captureScreen(): Promise<MediaStreamTrack> {
  const md = mediaDevices();
  if (typeof md.getDisplayMedia !== 'function') throw new RoomError('NOT_SUPPORTED', 'This browser cannot share the screen');
  try {
    const stream = await md.getDisplayMedia({ video: { frameRate: { ideal: 15 } }, audio: false });
    return firstTrack(stream, 'video');
  } catch (error) {
    throw mediaError(error, 'screen');
  }
}

function firstTrack(stream: MediaStream, kind: 'audio' | 'video'): MediaStreamTrack {
  const track = kind === 'audio' ? stream.getAudioTracks()[0] : stream.getVideoTracks()[0];
  for (const t of stream.getTracks()) if (t !== track) t.stop();
  if (!track) throw new RoomError('NO_DEVICE', `the capture returned no ${kind} track`);
  return track;
}
