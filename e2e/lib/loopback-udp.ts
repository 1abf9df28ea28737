/**
 * A UDP socket for test and bench endpoints (raw peers, feeder, light viewers, plain
 * receivers): bound to an ephemeral port on 127.0.0.1, with larger kernel
 * buffers where asked (keyframes arrive and leave in bursts; the kernel caps
 * the request at rmem_max / wmem_max).
 */
import { createSocket, type Socket } from 'node:dgram';

export async function bindLoopbackUdp(buffers: { recvBytes?: number; sendBytes?: number } = {}): Promise<Socket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      socket.off('error', reject);
      resolve();
    });
  });
  if (buffers.recvBytes !== undefined) socket.setRecvBufferSize(buffers.recvBytes);
  if (buffers.sendBytes !== undefined) socket.setSendBufferSize(buffers.sendBytes);
  return socket;
}
