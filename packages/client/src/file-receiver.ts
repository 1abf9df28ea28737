/**
 * Reassembles files from one peer's file channel. Messages that do not fit
 * (malformed, unknown transfer, more bytes than announced) are dropped; a
 * transfer that went wrong still ends with `verified: false`, never a throw.
 */
import { FILE_MAX_SIZE } from './constants.js';
import { parseChunk, parseFileControl, sha256Hex } from './file-framing.js';

export interface IncomingFile {
  transferId: string;
  name: string;
  size: number;
  mimeType: string;
  blob: Blob;
  /** The SHA-256 the sender announced (lowercase hex). */
  sha256: string;
  /** True when the bytes received hash to `sha256` and the size matches. */
  verified: boolean;
}

export interface IncomingProgress {
  transferId: string;
  name: string;
  size: number;
  received: number;
}

export interface FileReceiverHandlers {
  onProgress?: (progress: IncomingProgress) => void;
  onFile: (file: IncomingFile) => void;
  /** A message was dropped; for logs and tests. */
  onDrop?: (reason: string) => void;
}

interface Transfer {
  name: string;
  size: number;
  mimeType: string;
  chunks: Uint8Array<ArrayBuffer>[];
  received: number;
  broken: boolean;
  lastStep: number;
}

/** Concurrent transfers one sender may have open; more are refused until some end. */
const MAX_OPEN_TRANSFERS = 4;
/** Progress is reported at most this many times per file. */
const PROGRESS_STEPS = 100;

export class FileReceiver {
  readonly #transfers = new Map<string, Transfer>();
  readonly #handlers: FileReceiverHandlers;
  #bufferedBytes = 0;

  constructor(handlers: FileReceiverHandlers) {
    this.#handlers = handlers;
  }

  get openTransfers(): number {
    return this.#transfers.size;
  }

  /** Feeds one message (string or binary) from the channel. */
  async handle(data: unknown): Promise<void> {
    if (typeof data === 'string') return this.#control(data);
    const chunk = parseChunk(data);
    if (!chunk) return this.#drop('malformed chunk');
    const t = this.#transfers.get(chunk.transferId);
    if (!t) return this.#drop('chunk for unknown transfer');
    if (t.broken) return;
    if (t.received + chunk.payload.byteLength > t.size) {
      // More than announced: keep nothing more, and let file-end report it unverified.
      t.broken = true;
      this.#release(t);
      return this.#drop('chunk past the announced size');
    }
    t.chunks.push(chunk.payload.slice());
    t.received += chunk.payload.byteLength;
    this.#bufferedBytes += chunk.payload.byteLength;
    const step = t.size === 0 ? PROGRESS_STEPS : Math.floor((t.received / t.size) * PROGRESS_STEPS);
    if (step > t.lastStep) {
      t.lastStep = step;
      this.#handlers.onProgress?.({ transferId: chunk.transferId, name: t.name, size: t.size, received: t.received });
    }
  }

  /** Drops every open transfer (the channel closed). */
  clear(): void {
    this.#transfers.clear();
    this.#bufferedBytes = 0;
  }

  async #control(raw: string): Promise<void> {
    const msg = parseFileControl(raw);
    if (!msg) return this.#drop('malformed control message');
    if (msg.type === 'file-start') {
      if (this.#transfers.has(msg.transferId)) return this.#drop('duplicate file-start');
      if (this.#transfers.size >= MAX_OPEN_TRANSFERS) return this.#drop('too many open transfers');
      if (this.#bufferedBytes + msg.size > FILE_MAX_SIZE) return this.#drop('not enough room for the file');
      this.#transfers.set(msg.transferId, {
        name: msg.name, size: msg.size, mimeType: msg.mimeType, chunks: [], received: 0, broken: false, lastStep: 0,
      });
      this.#handlers.onProgress?.({ transferId: msg.transferId, name: msg.name, size: msg.size, received: 0 });
      return;
    }
    const t = this.#transfers.get(msg.transferId);
    if (!t) return this.#drop('file-end for unknown transfer');
    this.#transfers.delete(msg.transferId);
    const bytes = t.broken ? new Uint8Array(0) : concat(t.chunks, t.received);
    this.#release(t);
    let verified = false;
    if (!t.broken && t.received === t.size) {
      try {
        verified = (await sha256Hex(bytes)) === msg.sha256;
      } catch {
        verified = false;
      }
    }
    const blob = new Blob([bytes], { type: t.mimeType || 'application/octet-stream' });
    this.#handlers.onFile({
      transferId: msg.transferId, name: t.name, size: t.size, mimeType: t.mimeType, blob, sha256: msg.sha256, verified,
    });
  }

  #release(t: Transfer): void {
    this.#bufferedBytes -= t.chunks.reduce((n, c) => n + c.byteLength, 0);
    t.chunks = [];
  }

  #drop(reason: string): void {
    this.#handlers.onDrop?.(reason);
  }
}

function concat(chunks: Uint8Array<ArrayBuffer>[], total: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}
