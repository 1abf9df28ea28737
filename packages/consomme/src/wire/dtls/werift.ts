// The one place that reaches into werift-dtls. Its package.json "main" points at
// lib/index.js, which the published 0.5.8 tarball does not contain, so the bare
// specifier cannot be imported; the deep paths below are what it actually ships.

export { CipherContext, DtlsClient, DtlsServer } from 'werift-dtls/lib/dtls/src/index.js';
export type { DtlsSocket, Options as DtlsSocketOptions } from 'werift-dtls/lib/dtls/src/socket.js';
export type { Transport as WeriftTransport } from 'werift-dtls/lib/dtls/src/imports/common.js';
export type { FragmentedHandshake } from 'werift-dtls/lib/dtls/src/record/message/fragment.js';
export { createPlaintext } from 'werift-dtls/lib/dtls/src/record/builder.js';
export { DtlsPlaintext } from 'werift-dtls/lib/dtls/src/record/message/plaintext.js';
