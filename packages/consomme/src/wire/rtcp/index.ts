/** RTCP wire formats: one module per packet type, gathered here for callers. */
export * from './header.js';
export * from './report-block.js';
export * from './sr.js';
export * from './rr.js';
export * from './sdes.js';
export * from './bye.js';
export * from './nack.js';
export * from './pli.js';
export * from './fir.js';
export * from './remb.js';
export * from './transport-cc.js';
export * from './unknown.js';
export * from './packet.js';
export * from './compound.js';
