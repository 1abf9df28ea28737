/**
 * The file channel's wire format (see FileStart / FileEnd in
 * @consomme/protocol): a JSON `file-start`, binary chunks of
 *
 *    0                   16                                  16 + n
 *   +-------------------+-----------------------------------+
 *   | transfer id (16)  | file data (n <= FILE_CHUNK_SIZE)  |
 *   +-------------------+-----------------------------------+
 *
 * and a JSON `file-end` carrying the SHA-256 of the whole file. The transfer
 * id is 32 hex digits in the JSON messages and the same 16 bytes in chunks.
 */
import type { FileEnd, FileStart } from '@consomme/protocol';
import { FILE_CHUNK_SIZE, FILE_MAX_SIZE, TRANSFER_ID_BYTES } from './constants.js';
import { RoomError } from './errors.js';
import { bytesToHex } from './random.js';

const TRANSFER_ID = /^[0-9a-f]{32}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const MAX_CONTROL_LENGTH = 4096;
const MAX_NAME_LENGTH = 255;

export function frameChunk(transferId: Uint8Array, data: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(TRANSFER_ID_BYTES + data.byteLength);
  out.set(transferId.subarray(0, TRANSFER_ID_BYTES), 0);
  out.set(data, TRANSFER_ID_BYTES);
  return out;
}

/** Null for anything that is not a well-formed chunk. */
export function parseChunk(data: unknown): { transferId: string; payload: Uint8Array } | null {
  let bytes: Uint8Array;
  if (data instanceof ArrayBuffer) bytes = new Uint8Array(data);
  else if (ArrayBuffer.isView(data)) bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  else return null;
  if (bytes.byteLength < TRANSFER_ID_BYTES || bytes.byteLength > TRANSFER_ID_BYTES + FILE_CHUNK_SIZE) return null;
  return { transferId: bytesToHex(bytes.subarray(0, TRANSFER_ID_BYTES)), payload: bytes.subarray(TRANSFER_ID_BYTES) };
}

/** Keeps a received file name harmless as a download name: no paths, no control characters. */
export function cleanFileName(name: string): string {
  const base = name.replace(/[\u0000-\u001f\u007f]/g, '').split(/[/\\]/).pop() ?? '';
  const trimmed = base.trim().slice(0, MAX_NAME_LENGTH);
  return trimmed === '' || trimmed === '.' || trimmed === '..' ? 'file' : trimmed;
}

/** Parses a JSON control message of the file channel; null when malformed. */
export function parseFileControl(raw: string): FileStart | FileEnd | null {
  if (raw.length > MAX_CONTROL_LENGTH) return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.transferId !== 'string' || !TRANSFER_ID.test(v.transferId)) return null;
  if (v.type === 'file-start') {
    if (typeof v.name !== 'string' || typeof v.mimeType !== 'string' || v.mimeType.length > 255) return null;
    if (typeof v.size !== 'number' || !Number.isSafeInteger(v.size) || v.size < 0 || v.size > FILE_MAX_SIZE) return null;
    return { type: 'file-start', transferId: v.transferId, name: cleanFileName(v.name), size: v.size, mimeType: v.mimeType };
  }
  if (v.type === 'file-end') {
    if (typeof v.sha256 !== 'string' || !SHA256_HEX.test(v.sha256.toLowerCase())) return null;
    return { type: 'file-end', transferId: v.transferId, sha256: v.sha256.toLowerCase() };
  }
  return null;
}

/** SHA-256 as lowercase hex. crypto.subtle exists only in secure contexts (https, localhost, 127.0.0.1). */
export async function sha256Hex(data: Uint8Array<ArrayBuffer>): Promise<string> {
  if (!globalThis.crypto?.subtle) throw new RoomError('NOT_SUPPORTED', 'SHA-256 needs a secure context (https or localhost)');
  return bytesToHex(new Uint8Array(await crypto.subtle.digest('SHA-256', data)));
}
