export * from './association.js';
export * from './ppid.js';
export type { SctpDropReason, SctpStats } from './stats.js';
export { inspectSctpPacket, type SctpPacketInfo, type SctpPacketRejection, type SctpPacketProblem } from './packet.js';
export { crc32c, sctpChecksum } from './crc32c.js';
