/**
 * Sends one file over the file channel with flow control: SCTP buffers
 * without bound in the browser, so we stop queueing above a high-water mark
 * and continue once `bufferedamountlow` says the buffer drained.
 */
import type { FileEnd, FileStart } from '@consomme/protocol';
import { FILE_CHUNK_SIZE, FILE_MAX_SIZE } from './constants.js';
import { RoomError } from './errors.js';
import { frameChunk, sha256Hex } from './file-framing.js';
import { hexToBytes, randomHex } from './random.js';

/** What sendFileOver needs of a data producer (see dataProducerChannel in data-channels.ts). */
export interface FileChannel {
  send(data: string | Uint8Array<ArrayBuffer>): void;
  bufferedAmount(): number;
  /** Resolves once the buffered amount is at or below `threshold`; rejects if the channel closes. */
  waitBelow(threshold: number): Promise<void>;
}

/** Above this many buffered bytes we wait... */
export const HIGH_WATER = 1024 * 1024;
/** ...until it drains to this. */
export const LOW_WATER = 256 * 1024;

export interface SentFile {
  transferId: string;
  sha256: string;
  size: number;
}

export type FileLike = Blob & { readonly name: string };

export async function sendFileOver(
  channel: FileChannel,
  file: FileLike,
  onProgress?: (sent: number, size: number, transferId: string) => void,
): Promise<SentFile> {
  if (file.size > FILE_MAX_SIZE) {
    throw new RoomError('FILE_TOO_LARGE', `${file.name} is ${file.size} bytes; the limit is ${FILE_MAX_SIZE}`);
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  const sha256 = await sha256Hex(bytes);
  const transferId = randomHex(16);
  const idBytes = hexToBytes(transferId)!;
  const start: FileStart = {
    type: 'file-start', transferId, name: file.name || 'file', size: bytes.byteLength, mimeType: file.type ?? '',
  };
  channel.send(JSON.stringify(start));
  onProgress?.(0, bytes.byteLength, transferId);
  for (let offset = 0; offset < bytes.byteLength; offset += FILE_CHUNK_SIZE) {
    if (channel.bufferedAmount() > HIGH_WATER) await channel.waitBelow(LOW_WATER);
    const end = Math.min(offset + FILE_CHUNK_SIZE, bytes.byteLength);
    channel.send(frameChunk(idBytes, bytes.subarray(offset, end)));
    onProgress?.(end, bytes.byteLength, transferId);
  }
  const end: FileEnd = { type: 'file-end', transferId, sha256 };
  channel.send(JSON.stringify(end));
  await channel.waitBelow(0);
  return { transferId, sha256, size: bytes.byteLength };
}
