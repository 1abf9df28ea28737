/*
 * Checks shared by the validators. Every failure is a TypeError whose message
 * names the offending field by its path (e.g. `rtpParameters.codecs[1].payloadType`)
 * so an application developer sees at once what to fix.
 */

export type Obj = Record<string, unknown>;

export function fail(path: string, why: string): never {
  throw new TypeError(`invalid ${path}: ${why}`);
}

export function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function requireObject(value: unknown, path: string): Obj {
  if (!isObject(value)) fail(path, 'not an object');
  return value;
}

export function requireString(obj: Obj, key: string, path: string, nonEmpty = true): string {
  const value = obj[key];
  if (typeof value !== 'string' || (nonEmpty && value.length === 0)) {
    fail(`${path}.${key}`, nonEmpty ? 'missing or not a non-empty string' : 'missing or not a string');
  }
  return value;
}

export function requireInteger(obj: Obj, key: string, path: string, min: number, max: number): number {
  const value = obj[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(`${path}.${key}`, `missing or not an integer in [${min}, ${max}]`);
  }
  return value;
}

/** Present-or-absent checks: `undefined` means absent and is removed. */
export function optionalInteger(obj: Obj, key: string, path: string, min: number, max: number): void {
  if (obj[key] === undefined) delete obj[key];
  else requireInteger(obj, key, path, min, max);
}

export function optionalNumber(obj: Obj, key: string, path: string, min = 0): void {
  const value = obj[key];
  if (value === undefined) delete obj[key];
  else if (typeof value !== 'number' || !Number.isFinite(value) || value < min) fail(`${path}.${key}`, `not a number >= ${min}`);
}

export function optionalString(obj: Obj, key: string, path: string): void {
  const value = obj[key];
  if (value === undefined) delete obj[key];
  else if (typeof value !== 'string') fail(`${path}.${key}`, 'not a string');
}

export function optionalBoolean(obj: Obj, key: string, path: string): void {
  const value = obj[key];
  if (value === undefined) delete obj[key];
  else if (typeof value !== 'boolean') fail(`${path}.${key}`, 'not a boolean');
}

export function defaultBoolean(obj: Obj, key: string, path: string, fallback: boolean): void {
  const value = obj[key];
  if (value === undefined || value === null) obj[key] = fallback;
  else if (typeof value !== 'boolean') fail(`${path}.${key}`, 'not a boolean');
}

export function optionalEnum(obj: Obj, key: string, path: string, allowed: readonly string[]): void {
  const value = obj[key];
  if (value === undefined) delete obj[key];
  else if (typeof value !== 'string' || !allowed.includes(value)) fail(`${path}.${key}`, `not one of ${allowed.join(', ')}`);
}

/** An array field that defaults to `[]` when absent. */
export function defaultArray(obj: Obj, key: string, path: string): unknown[] {
  const value = obj[key];
  if (value === undefined || value === null) {
    const fresh: unknown[] = [];
    obj[key] = fresh;
    return fresh;
  }
  if (!Array.isArray(value)) fail(`${path}.${key}`, 'not an array');
  return value;
}

export const UINT32_MAX = 0xffffffff;
