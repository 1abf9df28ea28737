/**
 * The error classes of the public API, as in mediasoup v3.
 *
 * `TypeError` is the built-in class: invalid arguments throw it.
 * `UnsupportedError` means the request is valid but not supported (for example
 * a codec the router cannot handle). `InvalidStateError` means the object is
 * closed or otherwise not in a state that allows the call.
 */
export class UnsupportedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedError';
  }
}

export class InvalidStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidStateError';
  }
}

/** Rebuild an error that crossed the channel as `{ name, message }`. */
export function rebuildError(name: string, message: string): Error {
  switch (name) {
    case 'TypeError':
      return new TypeError(message);
    case 'UnsupportedError':
      return new UnsupportedError(message);
    case 'InvalidStateError':
      return new InvalidStateError(message);
    default:
      return new Error(message);
  }
}
