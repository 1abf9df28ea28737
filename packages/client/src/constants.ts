/**
 * Mirrors of the constants in @consomme/protocol. The protocol module builds
 * its zod schemas when it loads, so importing a value from it would put zod in
 * the browser bundle; constants.test.ts checks that these stay equal.
 */
export const CHAT_LABEL = 'chat';
export const FILE_LABEL = 'file';
/** Bytes of file data per binary message on the file channel. */
export const FILE_CHUNK_SIZE = 16 * 1024;
/** Each binary chunk starts with the transfer id as raw bytes. */
export const TRANSFER_ID_BYTES = 16;

/** Longest chat text we send or accept, in characters. */
export const CHAT_MAX_LENGTH = 4000;
/**
 * Largest file we send or reassemble, in bytes. Both ends hold the whole file
 * in memory (the hash needs all of it), so this is a memory bound.
 */
export const FILE_MAX_SIZE = 256 * 1024 * 1024;
