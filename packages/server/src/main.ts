#!/usr/bin/env node
/**
 * The server command: configuration from the environment (and the JSON file
 * named by CONSOMME_CONFIG), then start; SIGINT/SIGTERM close it cleanly.
 */
import { startServer } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  console.error(error instanceof ConfigError ? `consomme-server: ${error.message}` : error);
  process.exit(2);
}

let server: Awaited<ReturnType<typeof startServer>>;
try {
  server = await startServer(config);
} catch (error) {
  // Typically a port already in use (PORT, or RTC_PORT + worker index).
  console.error(`consomme-server: cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
console.log(`Consommé server on ${server.url}`);

let stopping = false;
const stop = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: closing`);
  // A close that hangs must not keep the process alive forever.
  setTimeout(() => process.exit(1), 10_000).unref();
  server.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
