export * from './channel-type.js';
export * from './message.js';
