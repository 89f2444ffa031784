/**
 * Closes polls whose deadline has passed, on EVERY node: a node that opened a poll may have died, and
 * `poll.closed` must still reach clients within a second of `closes_at`. Each pass asks the database
 * for due polls (index `polls_due`); `closeDue` is a conditional UPDATE, so of all the nodes racing
 * for one poll exactly one closes it and publishes. Rooms also set a precise timer for their open poll.
 */
import type { AppDeps } from '../../http/context.ts';
import type { PollLifecycle } from './lifecycle-service.ts';
import { queryOf } from './sql.ts';

export const SWEEP_INTERVAL_MS = 200;

export class DeadlineSweeper {
  private timer: ReturnType<typeof setInterval> | null = null;
  private running = false;

  constructor(
    private readonly deps: Pick<AppDeps, 'database' | 'clock' | 'log'>,
    private readonly lifecycle: PollLifecycle,
    private readonly intervalMs = SWEEP_INTERVAL_MS,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.sweep(), this.intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One pass; returns how many polls this node closed. */
  async sweep(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    let closed = 0;
    try {
      const due = await queryOf(this.deps.database)<{ id: string }>(
        `SELECT id FROM polls WHERE status = 'open' AND closes_at <= to_timestamp($1::float8 / 1000.0)
         ORDER BY closes_at LIMIT 50`,
        [this.deps.clock.now()],
      );
      for (const { id } of due) if (await this.lifecycle.closeDue(id)) closed++;
    } catch (e) {
      this.deps.log.warn('deadline sweep failed', { err: e as Error });
    } finally {
      this.running = false;
    }
    return closed;
  }
}
