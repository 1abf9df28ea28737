/** RTP wire formats, gathered here for callers. */
export * from './packet.js';
export * from './extensions.js';
export * from './seq.js';
export * from './codecs/vp8.js';
export * from './codecs/vp9.js';
export * from './codecs/h264.js';
export * from './codecs/av1.js';
export * from './codecs/keyframe.js';
export * from './dependency-descriptor.js';
