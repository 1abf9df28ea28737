/**
 * Datagrams the kernel dropped because a UDP socket's receive buffer was full, machine-wide
 * (/proc/net/snmp, Udp RcvbufErrors). A storm's handshakes arrive together; whatever a socket
 * cannot queue is lost and waits for a DTLS retransmission (1 s, then doubling), which shows
 * as time to connect far beyond the CPU spent. Other processes' drops count too: quote it
 * from a quiet machine.
 */
import { readFileSync } from 'node:fs';

export function udpRcvbufErrors(): number {
  try {
    const lines = readFileSync('/proc/net/snmp', 'utf8').split('\n').filter((l) => l.startsWith('Udp:'));
    const names = lines[0]?.split(/\s+/) ?? [];
    const values = lines[1]?.split(/\s+/) ?? [];
    const i = names.indexOf('RcvbufErrors');
    return i > 0 ? Number(values[i]) : NaN;
  } catch {
    return NaN;
  }
}
