/** The shape both SFUs of the room bench take. */
import type { LightParticipant } from '../light-viewer/publisher.js';

export interface RoomSfu {
  readonly name: 'consomme' | 'janus';
  /** The process whose tree is measured. */
  readonly pid: number;
  /** Connects every participant's send side (publishing) and then its receive side (everyone else). */
  join(participants: readonly LightParticipant[]): Promise<void>;
  close(): Promise<void>;
}
