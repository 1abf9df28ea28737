/**
 * The seed-002 `errors` module. The classes are the core ones, so an error
 * thrown by a Room and one thrown by a v3 Router pass the same `instanceof`.
 */
export { InvalidStateError, UnsupportedError } from '../errors.js';
