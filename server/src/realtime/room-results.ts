/**
 * A room's live results: `results.updated` with the whole current tally of the poll on screen, per
 * audience, at most RESULTS_MAX_PER_SECOND (coalescer.ts), so the cost per answer does not grow with
 * the room. A frame carries the counts of each turn of the event loop that writes it (fanout.ts), not
 * of the moment it was queued: answers counted while it goes out reach the students it has not been
 * written to yet (decision 0013). In a room so big that writing a frame to all of it outlasts the
 * interval, a frame still waiting for its turn is replaced by the newer one (`latest`).
 */
import { RESULTS_MAX_PER_SECOND } from '@handsup/protocol';
import { Coalescer } from './coalescer.ts';
import type { Fanout } from './fanout.ts';
import * as frames from './frames.ts';
import type { LiveState } from './live-state.ts';
import { broadcastSeconds } from './metrics.ts';
import type { Shown } from './shown-poll.ts';

/** What the frames are built from: the room's state and the poll on screen, read when a frame is built. */
export interface ResultsSource {
  readonly current: Shown | null;
  readonly state: LiveState;
  /** Server time (ms), stamped on the frame. */
  readonly now: number;
  /** Whether anyone is connected here to receive a frame. */
  readonly listened: boolean;
}

export class RoomResults {
  /** When the tally first changed since the last frame (handsup_broadcast_seconds). */
  private changedAt: number | null = null;
  /** Counts the changes to the tally, so a frame being written knows whether it is still current. */
  private changes = 0;
  private readonly out = new Coalescer(1000 / RESULTS_MAX_PER_SECOND, () => this.broadcast());

  constructor(
    private readonly room: ResultsSource,
    private readonly fanout: Fanout,
  ) {}

  /** Answers were counted: a frame is due, and its delay is measured from now. */
  changed(): void {
    this.changedAt ??= performance.now();
    this.changes++;
    this.out.request();
  }

  /** The tally was rebuilt (recount): a frame is due. */
  request(): void {
    this.changes++;
    this.out.request();
  }

  stop(): void {
    this.out.stop();
  }

  private broadcast(): void {
    const cur = this.room.current;
    const changedAt = this.changedAt;
    this.changedAt = null;
    if (!cur || !this.room.listened) return;
    const version = this.room.state.version;
    let builtAt = this.changes;
    const build = () => {
      builtAt = this.changes;
      return {
        teacher: frames.resultsUpdated('teacher', this.room.state, cur.poll, cur.tally, this.room.now),
        student: frames.resultsUpdated('student', this.room.state, cur.poll, cur.tally, this.room.now),
      };
    };
    const queued = build();
    this.fanout.broadcast(
      queued.teacher,
      queued.student,
      () => {
        if (changedAt !== null) broadcastSeconds.observe((performance.now() - changedAt) / 1000);
      },
      'latest',
      // Counts as of each turn that writes the frame (rebuilt only when answers were counted since),
      // unless the poll or the session changed meanwhile: then the frames already queued for that
      // change must not be overtaken.
      () =>
        this.changes !== builtAt && this.room.current === cur && this.room.state.version === version
          ? build()
          : null,
    );
  }
}
