/**
 * The fan-out clip: made once with ffmpeg into bench/.work/fanout/ (never committed),
 * then cut into RTP packets here.
 *
 * - Video: testsrc + temporal noise (so CBR really reaches its rate), 640x360@30, VP8 CBR
 *   1 Mbit/s, a keyframe every 2 s, in IVF. The first 2 s are dropped with `-ss 2 -c copy`:
 *   the encoder's very first keyframe is several times larger than the later ones and
 *   would overflow socket buffers on every loop.
 * - Audio: a 440 Hz tone, Opus 64 kbit/s stereo in 20 ms frames, in Ogg.
 *
 * Both last 10 s, so one loop of each has a whole number of frames.
 */
import { ensureCommand } from '../apt.js';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { readIvfFrames, readOggOpusPackets } from './containers.js';
import { packetizeOpus, packetizeVp8, type ClipTrack } from './packetize.js';

export const WORK_DIR = fileURLToPath(new URL('../.work/fanout/', import.meta.url));

/** The SSRCs the bench feeder sends with. */
export const FEEDER_VIDEO_SSRC = 0x22220001;
export const FEEDER_AUDIO_SSRC = 0x22220002;

export interface Clip {
  video: ClipTrack;
  audio: ClipTrack;
}

function ffmpeg(args: string[]): void {
  ensureCommand('ffmpeg', 'ffmpeg');
  const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed (${r.status}): ${r.stderr ?? r.error?.message}`);
}

/** Encodes the clip unless it is already in bench/.work/fanout/; returns the two file paths. */
export function ensureClipFiles(dir = WORK_DIR): { ivf: string; ogg: string } {
  mkdirSync(dir, { recursive: true });
  const ivf = join(dir, 'clip-vp8-1M-640x360-30.ivf');
  const ogg = join(dir, 'clip-opus-64k.ogg');
  if (!existsSync(ivf)) {
    const raw = join(dir, 'raw.ivf');
    ffmpeg([
      '-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=30', '-vf', 'noise=alls=25:allf=t+u', '-t', '12',
      '-c:v', 'libvpx', '-b:v', '1M', '-minrate', '1M', '-maxrate', '1M', '-bufsize', '1M',
      '-g', '60', '-keyint_min', '60', '-deadline', 'realtime', '-cpu-used', '8', '-lag-in-frames', '0', '-threads', '1',
      '-f', 'ivf', raw,
    ]);
    // Written under a temporary name so an interrupted setup never leaves half a clip.
    ffmpeg(['-i', raw, '-ss', '2', '-c', 'copy', '-f', 'ivf', `${ivf}.tmp`]);
    renameSync(`${ivf}.tmp`, ivf);
  }
  if (!existsSync(ogg)) {
    ffmpeg([
      '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', '10', '-ac', '2',
      '-c:a', 'libopus', '-b:a', '64k', '-frame_duration', '20', '-f', 'ogg', `${ogg}.tmp`,
    ]);
    renameSync(`${ogg}.tmp`, ogg);
  }
  return { ivf, ogg };
}

/** The clip as RTP packets (payload types as Janus's streaming mountpoint 1 expects). */
export function loadClip(options: { videoSsrc: number; audioSsrc: number; videoPt?: number; audioPt?: number }): Clip {
  const files = ensureClipFiles();
  const video = packetizeVp8(readIvfFrames(readFileSync(files.ivf)), { ssrc: options.videoSsrc, payloadType: options.videoPt ?? 100 });
  const audio = packetizeOpus(readOggOpusPackets(readFileSync(files.ogg)), { ssrc: options.audioSsrc, payloadType: options.audioPt ?? 111 });
  return { video, audio };
}
