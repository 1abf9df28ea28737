/** Error codes in plain words. `what` names the device for capture errors. */
export function describeError(code: string, message: string, what?: 'camera' | 'microphone' | 'screen'): string {
  const device = what ?? 'camera or microphone';
  switch (code) {
    case 'NO_DEVICE':
      return what === 'screen' ? 'Screen sharing stopped.' : `No ${device} was found. You can still take part without it.`;
    case 'PERMISSION_DENIED':
      return what === 'screen'
        ? 'Screen sharing was cancelled or blocked.'
        : `The browser blocked the ${device}. Allow it in the address bar, then turn it on again.`;
    case 'DEVICE_IN_USE':
      return `The ${device} is busy; another application may be using it.`;
    case 'NOT_SUPPORTED':
      return 'This browser (or an insecure http:// address) does not allow this. Use https or localhost.';
    case 'ROOM_FULL':
      return 'This room is full. Try again later, or choose another room.';
    case 'UNAUTHORIZED':
      return 'This room needs an invitation link with a valid token.';
    case 'CONNECTION_FAILED':
      return 'Could not reach the server. Check your connection and try again.';
    case 'CONNECTION_LOST':
      return 'The connection to the server was lost.';
    case 'ROOM_CLOSED':
      return 'The room was closed.';
    case 'ICE_FAILED':
      return 'Media could not get through the network.';
    case 'TIMEOUT':
      return 'The server took too long to answer. Try again.';
    case 'RATE_LIMITED':
      return 'Too many requests; slow down a little.';
    case 'FILE_TOO_LARGE':
      return message;
    case 'BAD_REQUEST':
      return message ? `That did not work: ${message}` : 'That request was not accepted.';
    default:
      return message ? `Something went wrong: ${message}` : 'Something went wrong.';
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GB`;
}

export function formatTime(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

const ADJECTIVES = ['calm', 'bright', 'quiet', 'brisk', 'golden', 'gentle', 'clear', 'warm', 'swift', 'silver'];
const NOUNS = ['otter', 'heron', 'maple', 'river', 'harbor', 'meadow', 'comet', 'willow', 'fox', 'lark'];

export function randomRoomName(): string {
  const pick = <T,>(list: T[]): T => list[Math.floor(Math.random() * list.length)]!;
  return `${pick(ADJECTIVES)}-${pick(NOUNS)}-${Math.floor(Math.random() * 90 + 10)}`;
}

/** Room ids the server accepts (see the join schema in @consomme/protocol). */
export function isValidRoomName(name: string): boolean {
  return /^[\w.-]{1,64}$/.test(name);
}
