/**
 * Poll and session state changes that students see live. Each runs in ONE transaction that locks the
 * session row first (so concurrent commands on one session queue up instead of deadlocking), applies
 * the pure transition from domain/polls, bumps `sessions.state_version` and commits; then it publishes
 * a StateEvent with that version. Opening closes the session's other open poll in the same transaction;
 * the partial unique index is the last word, and a violation (a racing opener that slipped past the
 * lock) is retried.
 */
import { AppError, topics } from '@handsup/protocol';
import {
  closePoll,
  extendPoll,
  openPoll,
  type Poll,
  type PollChanges,
  resetPoll,
  revealPoll,
} from '../../domain/polls/index.ts';
import type { AppDeps } from '../../http/context.ts';
import {
  answersCacheKey,
  liveStateCacheKey,
  type SessionStatusValue,
  type StateChange,
  type StateEvent,
} from './events.ts';
import { POLL_COLUMNS, type PollRow, pollFromRow, pollToJson } from './poll-rows.ts';
import { inTransaction, pgCode, type Query, UNIQUE_VIOLATION } from './sql.ts';

export type LifecycleDeps = Pick<AppDeps, 'database' | 'crossNode' | 'clock' | 'log'>;
export type Actor = { userId: string | null; role: string } | null;

type Outcome = {
  poll: Poll | null;
  closed: Poll[];
  change: StateChange;
  sessionStatus: SessionStatusValue;
  version: number;
};

const COLUMN: Record<keyof PollChanges, string> = {
  status: 'status',
  round: 'round',
  openedAt: 'opened_at',
  closesAt: 'closes_at',
  closedAt: 'closed_at',
  resultsReleased: 'results_released',
  correctReleased: 'correct_released',
};

/** UPDATE polls with exactly the changes the domain computed; returns the new row. */
export const writeChanges = async (q: Query, pollId: string, changes: PollChanges): Promise<Poll> => {
  const sets: string[] = [];
  const params: unknown[] = [pollId];
  for (const [key, value] of Object.entries(changes) as [keyof PollChanges, unknown][]) {
    params.push(value instanceof Date ? value.getTime() : value);
    const col = COLUMN[key];
    const p = `$${params.length}`;
    if (col.endsWith('_at')) sets.push(`${col} = to_timestamp(${p}::float8 / 1000.0)`);
    else if (col === 'round') sets.push(`${col} = ${p}::int`);
    else if (col === 'status') sets.push(`${col} = ${p}::text`);
    else sets.push(`${col} = ${p}::boolean`);
  }
  sets.push('updated_at = now()');
  const [row] = await q<PollRow>(
    `UPDATE polls p SET ${sets.join(', ')} WHERE p.id = $1 RETURNING ${POLL_COLUMNS}`,
    params,
  );
  return pollFromRow(row);
};

export const lockSession = async (q: Query, sessionId: string) => {
  const [s] = await q<{ status: SessionStatusValue; anonymity: string | null }>(
    `SELECT status, settings->>'anonymity' AS anonymity FROM sessions WHERE id = $1 AND deleted_at IS NULL FOR UPDATE`,
    [sessionId],
  );
  if (!s) throw new AppError('not_found', 'No such session.');
  return s;
};

export const bumpVersion = async (
  q: Query,
  sessionId: string,
  status?: SessionStatusValue,
): Promise<number> => {
  const [r] = await q<{ version: number }>(
    status
      ? `UPDATE sessions SET state_version = state_version + 1, status = $2, updated_at = now(),
           started_at = CASE WHEN $2 = 'live' AND status <> 'live' THEN now() ELSE started_at END
         WHERE id = $1 RETURNING state_version::float8 AS version`
      : `UPDATE sessions SET state_version = state_version + 1, updated_at = now() WHERE id = $1 RETURNING state_version::float8 AS version`,
    status ? [sessionId, status] : [sessionId],
  );
  return Number(r.version);
};

export const selectPoll = async (q: Query, pollId: string, lock = false): Promise<Poll | null> => {
  const [row] = await q<PollRow>(
    `SELECT ${POLL_COLUMNS} FROM polls p WHERE p.id = $1 AND p.deleted_at IS NULL${lock ? ' FOR UPDATE' : ''}`,
    [pollId],
  );
  return row ? pollFromRow(row) : null;
};

export const sessionOfPoll = async (q: Query, pollId: string): Promise<string> => {
  const [r] = await q<{ session_id: string }>(
    `SELECT session_id FROM polls WHERE id = $1 AND deleted_at IS NULL`,
    [pollId],
  );
  if (!r) throw new AppError('not_found', 'No such poll.');
  return r.session_id;
};

export const audit = (
  q: Query,
  actor: Actor,
  action: string,
  targetType: string,
  targetId: string,
  details: Record<string, unknown>,
) =>
  q(
    `INSERT INTO audit_log (actor_user_id, actor_role, action, target_type, target_id, details) VALUES ($1, $2, $3, $4, $5, $6::jsonb)`,
    [actor?.userId ?? null, actor?.role ?? null, action, targetType, targetId, JSON.stringify(details)],
  );

export class PollLifecycle {
  constructor(private readonly deps: LifecycleDeps) {}

  private now(): Date {
    return new Date(this.deps.clock.now());
  }

  /** Opens a draft or reopens a closed poll; any other open poll of the session closes in the same transaction. */
  open(pollId: string, timerSeconds?: number): Promise<Poll> {
    return this.run(pollId, async (q, poll, session, now) => {
      if (session.status === 'archived') throw new AppError('session_archived', 'This session is archived.');
      const others = await q<PollRow>(
        `SELECT ${POLL_COLUMNS} FROM polls p WHERE p.session_id = $1 AND p.status = 'open' AND p.id <> $2 FOR UPDATE`,
        [poll.sessionId, poll.id],
      );
      const closed: Poll[] = [];
      for (const row of others) {
        const other = pollFromRow(row);
        closed.push(await writeChanges(q, other.id, closePoll(other, now)));
      }
      const opened = await writeChanges(q, poll.id, openPoll(poll, now, timerSeconds));
      return { poll: opened, closed, change: 'opened', sessionStatus: 'live' };
    });
  }

  close(pollId: string): Promise<Poll> {
    return this.run(pollId, async (q, poll, _s, now) => ({
      poll: await writeChanges(q, poll.id, closePoll(poll, now)),
      closed: [],
      change: 'closed',
    }));
  }

  extend(pollId: string, seconds: number): Promise<Poll> {
    return this.run(pollId, async (q, poll, _s, now) => ({
      poll: await writeChanges(q, poll.id, extendPoll(poll, now, seconds)),
      closed: [],
      change: 'extended',
    }));
  }

  reveal(pollId: string, opts: { results?: boolean; correct?: boolean }): Promise<Poll> {
    return this.run(pollId, async (q, poll) => ({
      poll: await writeChanges(q, poll.id, revealPoll(poll, opts)),
      closed: [],
      change: 'released',
    }));
  }

  /** Runs the poll again as a new round: back to draft, round + 1; earlier rounds' answers are kept apart. */
  newRound(pollId: string): Promise<Poll> {
    return this.run(pollId, async (q, poll) => ({
      poll: await writeChanges(q, poll.id, resetPoll(poll)),
      closed: [],
      change: 'updated',
    }));
  }

  /** Deletes the answers of the current round and returns the poll to draft (same round); audited. */
  clearAnswers(pollId: string, actor: Actor): Promise<Poll> {
    return this.run(pollId, async (q, poll) => {
      const deleted = await q<{ n: number }>(
        `WITH d AS (DELETE FROM responses WHERE poll_id = $1 AND round = $2 RETURNING 1) SELECT count(*)::int AS n FROM d`,
        [poll.id, poll.round],
      );
      const changes = { ...resetPoll(poll), round: poll.round };
      const updated = await writeChanges(q, poll.id, changes);
      await audit(q, actor, 'poll.answers_cleared', 'poll', poll.id, {
        sessionId: poll.sessionId,
        round: poll.round,
        answersDeleted: deleted[0]?.n ?? 0,
      });
      return { poll: updated, closed: [], change: 'cleared' };
    });
  }

  /**
   * Closes a poll whose deadline has passed, if it is still open: the conditional UPDATE lets exactly
   * one node win. Returns whether this call closed it.
   */
  async closeDue(pollId: string): Promise<boolean> {
    const now = this.now();
    const result = await inTransaction(this.deps.database, async (q) => {
      const [due] = await q<{ session_id: string }>(
        `SELECT session_id FROM polls WHERE id = $1 AND status = 'open' AND closes_at <= to_timestamp($2::float8 / 1000.0)`,
        [pollId, now.getTime()],
      );
      if (!due) return null;
      const session = await lockSession(q, due.session_id);
      const [row] = await q<PollRow>(
        `UPDATE polls p SET status = 'closed', closed_at = p.closes_at, updated_at = now()
         WHERE p.id = $1 AND p.status = 'open' AND p.closes_at <= to_timestamp($2::float8 / 1000.0)
         RETURNING ${POLL_COLUMNS}`,
        [pollId, now.getTime()],
      );
      if (!row) return null;
      const version = await bumpVersion(q, due.session_id);
      return {
        poll: pollFromRow(row),
        closed: [],
        change: 'closed' as const,
        sessionStatus: session.status,
        version,
      };
    });
    if (!result) return false;
    await this.publish(result);
    return true;
  }

  /**
   * The session stopped (or was archived or deleted) — the sessions module changed its status: close
   * its open poll in a versioned change and tell every client `session.ended`.
   */
  async endSession(sessionId: string): Promise<void> {
    const now = this.now();
    const result = await inTransaction(this.deps.database, async (q) => {
      const session = await lockSession(q, sessionId).catch(() => null);
      if (!session) return null;
      const open = await q<PollRow>(
        `SELECT ${POLL_COLUMNS} FROM polls p WHERE p.session_id = $1 AND p.status = 'open' FOR UPDATE`,
        [sessionId],
      );
      const closed: Poll[] = [];
      for (const row of open) closed.push(await writeChanges(q, row.id, closePoll(pollFromRow(row), now)));
      const version = await bumpVersion(q, sessionId);
      return { poll: null, closed, change: 'ended' as const, sessionStatus: session.status, version };
    });
    if (result) await this.publishFor(sessionId, result);
  }

  /** The session started: clients connected to it (teachers) learn the new status. */
  async sessionStarted(sessionId: string): Promise<void> {
    const result = await inTransaction(this.deps.database, async (q) => {
      const session = await lockSession(q, sessionId);
      const version = await bumpVersion(q, sessionId);
      return { poll: null, closed: [], change: 'updated' as const, sessionStatus: session.status, version };
    });
    await this.publishFor(sessionId, result);
  }

  /**
   * Runs a change to one poll: session locked, poll locked, `fn` computes and writes, version bumped.
   * `sessionStatus` from `fn` (opening starts an idle session) is written with the bump.
   */
  async run(
    pollId: string,
    fn: (
      q: Query,
      poll: Poll,
      session: { status: SessionStatusValue },
      now: Date,
    ) => Promise<Omit<Outcome, 'version' | 'sessionStatus'> & { sessionStatus?: SessionStatusValue }>,
  ): Promise<Poll> {
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await inTransaction(this.deps.database, async (q) => {
          const sessionId = await sessionOfPoll(q, pollId);
          const session = await lockSession(q, sessionId);
          if (session.status === 'archived')
            throw new AppError('session_archived', 'This session is archived.');
          const poll = await selectPoll(q, pollId, true);
          if (!poll) throw new AppError('not_found', 'No such poll.');
          const out = await fn(q, poll, session, this.now());
          const status =
            out.sessionStatus && out.sessionStatus !== session.status ? out.sessionStatus : undefined;
          const version = await bumpVersion(q, sessionId, status);
          return { ...out, sessionStatus: status ?? session.status, version };
        });
        await this.publish(result);
        return result.poll!;
      } catch (e) {
        // Another opener committed between our lock and our write (or a session row was not locked
        // by a foreign writer): the index refused a second open poll. Try again from a fresh read.
        if (pgCode(e) === UNIQUE_VIOLATION && attempt < 5) continue;
        throw e;
      }
    }
  }

  /** Publishes a committed change (cache invalidated first, so a node reloading after the event sees it). */
  async publish(o: Outcome): Promise<void> {
    const sessionId = (o.poll ?? o.closed[0])?.sessionId;
    if (!sessionId) return;
    await this.publishFor(sessionId, o);
  }

  async publishFor(sessionId: string, o: Outcome): Promise<void> {
    const event: StateEvent = {
      kind: 'state',
      sessionId,
      version: o.version,
      change: o.change,
      poll: o.poll ? pollToJson(o.poll) : null,
      closed: o.closed.map(pollToJson),
      sessionStatus: o.sessionStatus,
      at: this.deps.clock.now(),
    };
    const { crossNode, log } = this.deps;
    await crossNode.cache
      .delete(liveStateCacheKey(sessionId))
      .catch((e) => log.warn('cache invalidation failed', { err: e }));
    if (o.change === 'cleared' && o.poll)
      await crossNode.answers
        .delete(answersCacheKey(o.poll.id, o.poll.round))
        .catch((e) => log.warn('answers cache invalidation failed', { err: e }));
    await crossNode.bus
      .publish(topics.session(sessionId), event)
      .catch((e) => log.warn('bus publish failed', { err: e, sessionId }));
  }
}
