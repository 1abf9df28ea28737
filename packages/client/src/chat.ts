import type { ChatMessage } from '@consomme/protocol';
import { CHAT_MAX_LENGTH } from './constants.js';
import { randomHex } from './random.js';

/** Longest raw message we try to parse; a valid one is far shorter. */
const MAX_RAW_LENGTH = CHAT_MAX_LENGTH * 6 + 512;

/**
 * Parses a message from the chat channel. Anything malformed (binary, not
 * JSON, wrong fields, too long) yields null: one bad peer must not break chat.
 */
export function parseChatMessage(raw: unknown): ChatMessage | null {
  if (typeof raw !== 'string' || raw.length > MAX_RAW_LENGTH) return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  if (v.type !== 'chat') return null;
  if (typeof v.id !== 'string' || v.id.length < 1 || v.id.length > 128) return null;
  if (typeof v.text !== 'string' || v.text.length < 1 || v.text.length > CHAT_MAX_LENGTH) return null;
  if (typeof v.sentAt !== 'number' || !Number.isFinite(v.sentAt) || v.sentAt < 0) return null;
  return { type: 'chat', id: v.id, text: v.text, sentAt: v.sentAt };
}

/** Builds a chat message; null for text that is empty after trimming. Over-long text is an error for the caller. */
export function createChatMessage(text: string, now: number = Date.now()): ChatMessage | null {
  const trimmed = text.trim();
  if (trimmed.length === 0) return null;
  return { type: 'chat', id: randomHex(16), text: trimmed, sentAt: now };
}
