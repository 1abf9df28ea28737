import type { LogLevel, LogTag } from '../channel/messages.js';

type Sink = (level: 'debug' | 'warn' | 'error', message: string) => void;

const RANK: Record<LogLevel, number> = { debug: 0, warn: 1, error: 2, none: 3 };

/**
 * The worker's logger. Lines carry `[key:value]` context and a tag; debug
 * lines are emitted only for the tags the worker was started with.
 */
export class Logger {
  #level: LogLevel;
  #tags: Set<LogTag>;
  #sink: Sink;

  constructor(level: LogLevel, tags: LogTag[], sink: Sink) {
    this.#level = level;
    this.#tags = new Set(tags);
    this.#sink = sink;
  }

  update(level: LogLevel | undefined, tags: LogTag[] | undefined): void {
    if (level !== undefined) this.#level = level;
    if (tags !== undefined) this.#tags = new Set(tags);
  }

  /** Cheap check so hot paths can skip building the message. */
  enabled(level: 'debug' | 'warn' | 'error', tag?: LogTag): boolean {
    if (RANK[level] < RANK[this.#level]) return false;
    return level !== 'debug' || tag === undefined || this.#tags.has(tag);
  }

  debug(tag: LogTag, message: string): void {
    if (this.enabled('debug', tag)) this.#sink('debug', `[${tag}] ${message}`);
  }

  warn(tag: LogTag, message: string): void {
    if (this.enabled('warn')) this.#sink('warn', `[${tag}] ${message}`);
  }

  error(tag: LogTag, message: string): void {
    if (this.enabled('error')) this.#sink('error', `[${tag}] ${message}`);
  }
}
