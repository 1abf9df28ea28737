/**
 * Errors that become a failed reply. Handlers throw AppError with a protocol
 * code; anything the media library throws is mapped by its name.
 */
import type { ErrorCode, ErrorInfo } from '@consomme/protocol';

export class AppError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'AppError';
    this.code = code;
  }
}

/** The reply error for anything thrown while handling a request; `internal` is true when it deserves an error log. */
export function toErrorInfo(error: unknown): ErrorInfo & { internal: boolean } {
  if (error instanceof AppError) return { code: error.code, message: error.message, internal: false };
  const name = (error as { name?: unknown } | null)?.name;
  const message = String((error as { message?: unknown } | null)?.message ?? error);
  switch (name) {
    case 'TypeError':
    case 'UnsupportedError':
      return { code: 'INVALID_PARAMETERS', message, internal: false };
    case 'InvalidStateError':
      return { code: 'INVALID_STATE', message, internal: false };
    default:
      // Internal details stay in the log.
      return { code: 'INTERNAL', message: 'internal error', internal: true };
  }
}
