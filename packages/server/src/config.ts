/**
 * Server configuration: defaults, then an optional JSON file named by
 * CONSOMME_CONFIG, then environment variables (env wins over the file), then
 * overrides given in code (tests). Everything is validated with zod; a bad
 * value stops start-up with a message naming the variable it came from.
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const port = z.number().int().min(0).max(65535);

const IceServerSchema = z.object({
  urls: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  username: z.string().optional(),
  credential: z.string().optional(),
});

const RtcSchema = z
  .object({
    /** Local address the media sockets bind to. */
    listenIp: z.ipv4().or(z.ipv6()).default('127.0.0.1'),
    /** Address put in ICE candidates, for a server behind NAT. Default: listenIp. */
    announcedAddress: z.string().min(1).optional(),
    /** Share one UDP and one TCP port per worker (WebRtcServer) instead of a port per transport. */
    useWebRtcServer: z.boolean().default(true),
    /** Worker i listens on webRtcServerPort + i (UDP and TCP). 0: any free port of minPort..maxPort. */
    webRtcServerPort: port.default(40000),
    /** Port range for transports without a WebRtcServer (and for webRtcServerPort 0). */
    minPort: z.number().int().min(1).max(65535).default(40100),
    maxPort: z.number().int().min(1).max(65535).default(49999),
    /** Initial estimate of the bandwidth towards each client, in bits per second. */
    initialAvailableOutgoingBitrate: z.number().int().positive().default(1_000_000),
  })
  .refine((rtc) => rtc.minPort <= rtc.maxPort, { message: 'minPort must not exceed maxPort', path: ['minPort'] });

const LimitsSchema = z.object({
  maxPeersPerRoom: z.number().int().min(1).max(10_000).default(16),
  /** Largest request envelope, as JSON text length. */
  maxMessageBytes: z.number().int().min(256).max(64 * 1024 * 1024).default(65536),
  /** Sustained requests per second per socket; bursts of twice this are allowed. */
  requestsPerSecond: z.number().positive().max(100_000).default(40),
  /** How long a peer whose socket dropped stays in its room, waiting to be resumed (ms). */
  reconnectGraceMs: z.number().int().min(0).max(24 * 3600 * 1000).default(15_000),
});

const defaultWebRoot = fileURLToPath(new URL('../../web/dist', import.meta.url));

export const ConfigSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  /** 0: any free port (tests). */
  port: port.default(3000),
  /** HTTPS when given. */
  tls: z.object({ certFile: z.string().min(1), keyFile: z.string().min(1) }).optional(),
  numWorkers: z
    .number()
    .int()
    .min(1)
    .max(1024)
    .default(() => availableParallelism()),
  rtc: RtcSchema.prefault({}),
  /** STUN/TURN servers handed to clients in the join reply. */
  iceServers: z.array(IceServerSchema).max(32).default([]),
  /** When set, join needs a JWT (HS256) signed with it. */
  roomSecret: z.string().min(1).optional(),
  limits: LimitsSchema.prefault({}),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** The built web app. When missing, a page says to build it. */
  webRoot: z.string().min(1).default(defaultWebRoot),
});

export type Config = z.output<typeof ConfigSchema>;

type DeepPartial<T> = { [K in keyof T]?: T[K] extends (infer U)[] ? U[] : T[K] extends object ? DeepPartial<T[K]> : T[K] };
/** What startServer() accepts: any part of the configuration. */
export type ConfigOverrides = DeepPartial<Config>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Kind = 'string' | 'int' | 'number' | 'bool' | 'json';

/** Environment variables and where each one lands in Config. */
const ENV: readonly { name: string; path: readonly string[]; kind: Kind }[] = [
  { name: 'HOST', path: ['host'], kind: 'string' },
  { name: 'PORT', path: ['port'], kind: 'int' },
  { name: 'TLS_CERT', path: ['tls', 'certFile'], kind: 'string' },
  { name: 'TLS_KEY', path: ['tls', 'keyFile'], kind: 'string' },
  { name: 'NUM_WORKERS', path: ['numWorkers'], kind: 'int' },
  { name: 'RTC_LISTEN_IP', path: ['rtc', 'listenIp'], kind: 'string' },
  { name: 'RTC_ANNOUNCED_IP', path: ['rtc', 'announcedAddress'], kind: 'string' },
  { name: 'RTC_USE_WEBRTC_SERVER', path: ['rtc', 'useWebRtcServer'], kind: 'bool' },
  { name: 'RTC_PORT', path: ['rtc', 'webRtcServerPort'], kind: 'int' },
  { name: 'RTC_MIN_PORT', path: ['rtc', 'minPort'], kind: 'int' },
  { name: 'RTC_MAX_PORT', path: ['rtc', 'maxPort'], kind: 'int' },
  { name: 'RTC_INITIAL_OUTGOING_BITRATE', path: ['rtc', 'initialAvailableOutgoingBitrate'], kind: 'int' },
  { name: 'ICE_SERVERS', path: ['iceServers'], kind: 'json' },
  { name: 'ROOM_SECRET', path: ['roomSecret'], kind: 'string' },
  { name: 'MAX_PEERS_PER_ROOM', path: ['limits', 'maxPeersPerRoom'], kind: 'int' },
  { name: 'MAX_MESSAGE_BYTES', path: ['limits', 'maxMessageBytes'], kind: 'int' },
  { name: 'MAX_REQUESTS_PER_SECOND', path: ['limits', 'requestsPerSecond'], kind: 'number' },
  { name: 'RECONNECT_GRACE_MS', path: ['limits', 'reconnectGraceMs'], kind: 'int' },
  { name: 'LOG_LEVEL', path: ['logLevel'], kind: 'string' },
  { name: 'WEB_ROOT', path: ['webRoot'], kind: 'string' },
];

function convert(name: string, kind: Kind, raw: string): unknown {
  const text = raw.trim();
  switch (kind) {
    case 'string':
      return text;
    case 'int':
    case 'number': {
      const n = Number(text);
      if (text === '' || !Number.isFinite(n) || (kind === 'int' && !Number.isInteger(n))) {
        throw new ConfigError(`${name}: expected ${kind === 'int' ? 'an integer' : 'a number'}, got ${JSON.stringify(raw)}`);
      }
      return n;
    }
    case 'bool': {
      const lower = text.toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(lower)) return true;
      if (['0', 'false', 'no', 'off'].includes(lower)) return false;
      throw new ConfigError(`${name}: expected true or false, got ${JSON.stringify(raw)}`);
    }
    case 'json':
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new ConfigError(`${name}: expected JSON, got ${JSON.stringify(raw)}`);
      }
  }
}

type Tree = Record<string, unknown>;

function isTree(value: unknown): value is Tree {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function setPath(target: Tree, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (!isTree(node[key])) node[key] = {};
    node = node[key] as Tree;
  }
  node[path[path.length - 1]!] = value;
}

/** Objects merge key by key; anything else (arrays included) replaces. Undefined never overrides. */
function merge(base: Tree, over: Tree): Tree {
  const out: Tree = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    out[key] = isTree(value) && isTree(out[key]) ? merge(out[key], value) : value;
  }
  return out;
}

function readFile(file: string): Tree {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`CONSOMME_CONFIG: cannot read ${file}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`CONSOMME_CONFIG: ${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (!isTree(parsed)) throw new ConfigError(`CONSOMME_CONFIG: ${file} must hold a JSON object`);
  return parsed;
}

/** Remember which file each value came from, for error messages. */
function recordLeaves(tree: Tree, prefix: string[], where: string, origins: Map<string, string>): void {
  for (const [key, value] of Object.entries(tree)) {
    const path = [...prefix, key];
    if (isTree(value)) recordLeaves(value, path, where, origins);
    else origins.set(path.join('.'), `${path.join('.')} ${where}`);
  }
}

/** The variable (or file entry) a value at `path` came from, found by its longest recorded prefix. */
function originOf(path: string[], origins: ReadonlyMap<string, string>): string {
  for (let i = path.length; i > 0; i--) {
    const origin = origins.get(path.slice(0, i).join('.'));
    if (origin) return i === path.length ? origin : `${origin} (${path.join('.')})`;
  }
  return path.join('.') || 'config';
}

/** Validate merged input; issues name the env variable when the value came from one. */
export function parseConfig(input: unknown, origins: ReadonlyMap<string, string> = new Map()): Config {
  const result = ConfigSchema.safeParse(input);
  if (result.success) {
    const config = result.data;
    if (config.tls && (!existsSync(config.tls.certFile) || !existsSync(config.tls.keyFile))) {
      throw new ConfigError(`TLS_CERT/TLS_KEY: file not found (${config.tls.certFile}, ${config.tls.keyFile})`);
    }
    return config;
  }
  const lines = result.error.issues.slice(0, 5).map((issue) => {
    return `${originOf(issue.path.map(String), origins)}: ${issue.message}`;
  });
  throw new ConfigError(`invalid configuration: ${lines.join('; ')}`);
}

/**
 * The configuration from `env` (default process.env), the JSON file it names
 * in CONSOMME_CONFIG, and `overrides`.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: ConfigOverrides = {}): Config {
  const file = env.CONSOMME_CONFIG ? readFile(env.CONSOMME_CONFIG) : {};
  const origins = new Map<string, string>();
  if (env.CONSOMME_CONFIG) recordLeaves(file, [], `in ${env.CONSOMME_CONFIG}`, origins);
  const fromEnv: Tree = {};
  for (const { name, path, kind } of ENV) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    setPath(fromEnv, path, convert(name, kind, raw));
    origins.set(path.join('.'), name);
  }
  // TLS needs both files; one alone is a mistake worth stopping for.
  const tls = merge(isTree(file.tls) ? file.tls : {}, isTree(fromEnv.tls) ? fromEnv.tls : {});
  if (Object.keys(tls).length === 1) throw new ConfigError('TLS_CERT and TLS_KEY must be set together');
  return parseConfig(merge(merge(file, fromEnv), overrides as Tree), origins);
}

/** Defaults plus overrides, without reading the environment (what startServer() uses). */
export function resolveConfig(overrides: ConfigOverrides = {}): Config {
  return parseConfig(overrides);
}
