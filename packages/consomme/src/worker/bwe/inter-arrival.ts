/**
 * Packet groups for the delay-based estimator (draft-ietf-rmcat-gcc-02 §5.2,
 * pre-filtering). A video frame leaves as a burst, so single packets say
 * little about the queue; the unit is a group of packets sent within 5 ms.
 * A packet sent later still joins the group when it arrived less than 5 ms
 * after the group's last one and sooner than its send spacing predicts: the
 * path delivered it in a burst (a channel outage that released a backlog),
 * and counting it as a new group would read as the queue draining.
 * https://datatracker.ietf.org/doc/html/draft-ietf-rmcat-gcc-02#section-5.2
 *
 * When a group completes (the first packet of the next one shows up), the
 * delay variation between it and the group before is returned:
 * d = (arrival spacing) - (send spacing), both taken at the groups' last
 * packets.
 */

export interface GroupDelta {
  /** Send time of the last packet of the second group minus the first's, ms (our clock). */
  readonly sendDeltaMs: number;
  /** The same for arrival times, ms (receiver clock). */
  readonly arrivalDeltaMs: number;
  /** Arrival time of the completed group's last packet, ms (receiver clock). */
  readonly arrivalTimeMs: number;
}

interface Group {
  firstSendMs: number;
  lastSendMs: number;
  lastArrivalMs: number;
}

const BURST_MS = 5;
/** A group never spans more than this much send time, however bursty arrivals look. */
const MAX_BURST_SPAN_MS = 100;
/** Arrival and send spacings this far apart mean the receiver's clock jumped. */
const CLOCK_JUMP_MS = 3000;

export type InterArrivalOutput = GroupDelta | 'reset' | undefined;

export class InterArrival {
  #current: Group | undefined;
  #previous: Group | undefined;

  /**
   * Adds one received packet (in arrival order). Returns the delta of the
   * group it completed, 'reset' when the timeline broke and the caller
   * should forget its history, or undefined.
   */
  add(sendTimeMs: number, arrivalTimeMs: number): InterArrivalOutput {
    const current = this.#current;
    if (current === undefined) {
      this.#current = { firstSendMs: sendTimeMs, lastSendMs: sendTimeMs, lastArrivalMs: arrivalTimeMs };
      return undefined;
    }
    // Sent before the current group began: reordered from an older group, already accounted.
    if (sendTimeMs < current.firstSendMs) return undefined;
    if (this.#belongsTo(current, sendTimeMs, arrivalTimeMs)) {
      if (sendTimeMs > current.lastSendMs) current.lastSendMs = sendTimeMs;
      if (arrivalTimeMs > current.lastArrivalMs) current.lastArrivalMs = arrivalTimeMs;
      return undefined;
    }
    let out: InterArrivalOutput;
    const previous = this.#previous;
    if (previous !== undefined) {
      const sendDeltaMs = current.lastSendMs - previous.lastSendMs;
      const arrivalDeltaMs = current.lastArrivalMs - previous.lastArrivalMs;
      if (arrivalDeltaMs < 0 || Math.abs(arrivalDeltaMs - sendDeltaMs) > CLOCK_JUMP_MS) {
        this.reset();
        this.#current = { firstSendMs: sendTimeMs, lastSendMs: sendTimeMs, lastArrivalMs: arrivalTimeMs };
        return 'reset';
      }
      out = { sendDeltaMs, arrivalDeltaMs, arrivalTimeMs: current.lastArrivalMs };
    }
    this.#previous = current;
    this.#current = { firstSendMs: sendTimeMs, lastSendMs: sendTimeMs, lastArrivalMs: arrivalTimeMs };
    return out;
  }

  reset(): void {
    this.#current = undefined;
    this.#previous = undefined;
  }

  #belongsTo(group: Group, sendTimeMs: number, arrivalTimeMs: number): boolean {
    if (sendTimeMs - group.firstSendMs <= BURST_MS) return true;
    const arrivalDelta = arrivalTimeMs - group.lastArrivalMs;
    const propagationDelta = arrivalDelta - (sendTimeMs - group.lastSendMs);
    return propagationDelta < 0 && arrivalDelta <= BURST_MS && sendTimeMs - group.firstSendMs < MAX_BURST_SPAN_MS;
  }
}
