// Run by rtc-ip-autodetect.test.ts inside a network namespace of its own: a Server with
// rtcIPv4: true creates a transport; prints the ICE candidates' addresses as JSON.
import { Server } from 'consomme';
import { createTransport, join, SEED_CODECS } from './helpers.js';

const server = Server({ numWorkers: 1, logLevel: 'warn', rtcIPv4: true, rtcIPv6: false, rtcMinPort: 40000, rtcMaxPort: 40100 });
try {
  const room = await server.Room(SEED_CODECS);
  const { peer } = await join(room, 'alice');
  const transport = await createTransport(peer, 'recv');
  console.log(JSON.stringify(transport.iceLocalCandidates.map((c) => c.ip)));
} finally {
  server.close();
}
