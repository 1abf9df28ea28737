/** @consomme/server: the Consommé conferencing server. */
export { startServer, type RunningServer, type RoomsInspector } from './app.js';
export { loadConfig, ConfigError, type Config, type ConfigOverrides } from './config.js';
export { createRoomToken, verifyRoomToken, type TokenCheck } from './tokens.js';
export type { RoomSnapshot } from './rooms.js';
export { MEDIA_CODECS } from './room.js';
