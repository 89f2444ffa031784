/**
 * The teachers' view of who is here: how many students are connected to any node (the cross-node
 * presence registry) and who has answered the poll on screen, sent as `presence.updated` at most twice
 * a second. When the registry cannot be read (Redis away), the last figures stand rather than zeros.
 */
import type { Presence } from '@handsup/protocol';
import type { Presence as PresenceRegistry } from '../crossnode/index.ts';
import { Coalescer } from './coalescer.ts';

/** At most two `presence.updated` frames a second per room. */
const PRESENCE_INTERVAL_MS = 500;

export class RoomPresence {
  private last: Presence = { connected: 0, answered: 0, answeredParticipantIds: [] };
  private readonly out: Coalescer;

  constructor(
    private readonly sessionId: string,
    private readonly registry: PresenceRegistry,
    /** The participants who answered the poll on screen (none without one). */
    private readonly answered: () => string[],
    /** Whether a teacher is connected here: without one, nothing is computed or sent. */
    private readonly hasTeachers: () => boolean,
    /** Sends the frame to this node's teachers. */
    private readonly send: (frame: { type: 'presence.updated' } & Presence) => void,
  ) {
    this.out = new Coalescer(PRESENCE_INTERVAL_MS, () => this.broadcast());
  }

  /** Asks for a frame to the teachers (coalesced). */
  request(): void {
    this.out.request();
  }

  /** The figures of this moment (a teacher's snapshot), or the last ones if the registry is away. */
  async now(): Promise<Presence> {
    try {
      const entries = await this.registry.list(this.sessionId);
      const students = new Set<string>();
      for (const e of entries) if (e.role === 'student' && e.participantId) students.add(e.participantId);
      const ids = this.answered();
      this.last = { connected: students.size, answered: ids.length, answeredParticipantIds: ids };
    } catch {
      // keep the last figures
    }
    return this.last;
  }

  stop(): void {
    this.out.stop();
  }

  private async broadcast(): Promise<void> {
    if (!this.hasTeachers()) return;
    this.send({ type: 'presence.updated', ...(await this.now()) });
  }
}
