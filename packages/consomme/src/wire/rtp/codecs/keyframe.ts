/**
 * Key frame detection by codec, for the packet path: which packets can start
 * a stream for a new consumer or end a PLI/FIR wait. No allocation for the
 * canonical spellings ('video/VP8', 'video/VP9', 'video/H264', 'video/AV1').
 */
import { isAv1KeyFrame } from './av1.js';
import { isH264KeyFrame } from './h264.js';
import { isVp8KeyFrame } from './vp8.js';
import { isVp9KeyFrame } from './vp9.js';

/** `mimeType` as in RTP parameters, compared case-insensitively; other codecs give false. */
export function isKeyFrame(mimeType: string, payload: Uint8Array): boolean {
  switch (mimeType) {
    case 'video/VP8':
      return isVp8KeyFrame(payload);
    case 'video/VP9':
      return isVp9KeyFrame(payload);
    case 'video/H264':
      return isH264KeyFrame(payload);
    case 'video/AV1':
      return isAv1KeyFrame(payload);
    default: {
      const canonical = canonicalMime(mimeType);
      return canonical !== undefined && isKeyFrame(canonical, payload);
    }
  }
}

function canonicalMime(mimeType: string): string | undefined {
  switch (mimeType.toLowerCase()) {
    case 'video/vp8':
      return 'video/VP8';
    case 'video/vp9':
      return 'video/VP9';
    case 'video/h264':
      return 'video/H264';
    case 'video/av1':
      return 'video/AV1';
    default:
      return undefined;
  }
}
