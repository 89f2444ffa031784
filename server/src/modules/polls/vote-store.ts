/**
 * Group commit for votes. Votes that arrive within `batchMs` (or until `maxBatch` are waiting) are
 * written in ONE statement, its own transaction (WRITE_BATCH below: one round trip to PostgreSQL, commit
 * included); each caller's promise resolves only after that transaction committed, so `vote.accepted`
 * is never sent for an answer that could still be lost.
 *
 * In that statement the polls are read `FOR SHARE`: a vote is written only while its poll is open
 * in the database, in its round and before its deadline, and a concurrent close waits for the batch —
 * so every acknowledged vote is in the poll's final count. `INSERT … ON CONFLICT (poll_id, round,
 * participant_id)` makes a retry (same clientMsgId) a no-op, an answer change an update (when allowed),
 * and a second answer to a locked poll a no-op reported as `answer_locked`.
 *
 * Durability on PGlite: `synchronous_commit` is on (set by the statement too), so its commit returns
 * after PostgreSQL wrote the WAL record; PGlite's NodeFS maps that write straight to the data
 * directory's files (its `syncToFs` is a no-op, so electric-sql/pglite#1065 — `transaction()` not
 * awaiting a sync — does not apply). The record is in the OS page cache when we ack: it survives the
 * process being killed, not a machine crash (PGlite runs with fsync off; see ARCHITECTURE.md).
 *
 * The database down (docs/decisions/0004): a batch that fails for want of a connection, or does not
 * commit within `writeTimeoutMs`, is answered `unavailable` at once — every vote in it, no vote
 * acknowledged — and the clients re-send with the same clientMsgId. Nothing is held in memory; the
 * next batch tries the database again, so service resumes by itself when it is back. A batch that
 * timed out and commits late is counted then, and its votes' retries are acknowledged as duplicates.
 */
import { type AnswerValue, AppError } from '@handsup/protocol';
import type { AppDeps } from '../../http/context.ts';
import { pgCode, type Query, queryOf } from './sql.ts';

export type PendingVote = {
  sessionId: string;
  pollId: string;
  round: number;
  participantId: string;
  /** Display name, carried to other nodes' teacher views. */
  name: string;
  value: AnswerValue;
  clientMsgId: string;
  allowChange: boolean;
  /** Server time the vote arrived: it must be before the poll's deadline. */
  castAt: number;
};

export type VoteOutcome =
  /** `written`: stored by this call (counts change); otherwise a retry of the stored answer. */
  { ok: true; value: AnswerValue; written: boolean } | { ok: false; error: AppError };

type Item = { vote: PendingVote; resolve: (o: VoteOutcome) => void };

export type VoteStoreOptions = {
  batchMs: number;
  maxBatch?: number;
  /** Called once per committed batch with the votes it wrote (before their callers are resolved). */
  onCommitted?: (written: PendingVote[]) => void;
  /** A batch not committed within this time is answered `unavailable` (default 5000 ms). */
  writeTimeoutMs?: number;
};

const unavailable = (): VoteOutcome => ({
  ok: false,
  error: new AppError('unavailable', 'Your answer could not be saved; please try again.'),
});

/**
 * An error about this batch's data (a SQLSTATE outside connection, resources and shutdown classes), so
 * its votes are worth writing one by one; anything else means the database itself is not answering.
 */
const isDataError = (e: unknown): boolean => {
  const code = pgCode(e);
  return code !== undefined && !/^(08|53|57|58)/.test(code);
};

const key = (v: PendingVote) => `${v.pollId}:${v.round}:${v.participantId}`;

export class VoteStore {
  private queue: Item[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private flushing: Promise<void> | null = null;
  private readonly maxBatch: number;
  private closed = false;

  constructor(
    private readonly deps: Pick<AppDeps, 'database' | 'log'>,
    private readonly opts: VoteStoreOptions,
  ) {
    this.maxBatch = opts.maxBatch ?? 500;
  }

  /** Resolves after the vote is durable (or rejected); never rejects. */
  submit(vote: PendingVote): Promise<VoteOutcome> {
    if (this.closed) {
      return Promise.resolve({
        ok: false,
        error: new AppError('server_shutting_down', 'The server is restarting.'),
      });
    }
    return new Promise((resolve) => {
      this.queue.push({ vote, resolve });
      this.schedule();
    });
  }

  /** Writes what is queued and stops accepting votes. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.flushing || this.queue.length) {
      if (this.flushing) await this.flushing;
      else await this.flush();
    }
  }

  private schedule(): void {
    if (this.flushing) return; // the running flush picks the queue up when it ends
    if (this.queue.length >= this.maxBatch) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      void this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.flush();
      }, this.opts.batchMs);
    }
  }

  private flush(): Promise<void> {
    // One participant's answer appears once per batch (ON CONFLICT cannot touch a row twice in one
    // statement); a second one waits for the next batch, which keeps their order.
    const batch: Item[] = [];
    const rest: Item[] = [];
    const seen = new Set<string>();
    for (const item of this.queue) {
      const k = key(item.vote);
      if (batch.length < this.maxBatch && !seen.has(k)) {
        seen.add(k);
        batch.push(item);
      } else rest.push(item);
    }
    this.queue = rest;
    if (batch.length === 0) return Promise.resolve();
    this.flushing = this.write(batch).finally(() => {
      this.flushing = null;
      if (this.queue.length) {
        if (this.queue.length >= this.maxBatch || this.closed) void this.flush();
        else this.schedule();
      }
    });
    return this.flushing;
  }

  private async write(batch: Item[]): Promise<void> {
    const tx = writeBatch(
      queryOf(this.deps.database),
      batch.map((b) => b.vote),
    );
    const timeoutMs = this.opts.writeTimeoutMs ?? 5000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const first = await Promise.race([
      tx.then(
        (outcomes) => ({ outcomes }),
        (error: unknown) => ({ error }),
      ),
      new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    let outcomes: VoteOutcome[];
    if (first === 'timeout') {
      this.deps.log.error('vote write timed out', { votes: batch.length, timeoutMs });
      // Still running: if it commits after all, count what it wrote (its callers were answered).
      tx.then(
        (late) => this.committed(batch, late),
        () => {},
      );
      outcomes = batch.map(unavailable);
    } else if ('error' in first) {
      if (batch.length > 1 && isDataError(first.error)) {
        // One bad vote (e.g. its participant was deleted) must not fail its neighbours: write alone.
        for (const item of batch) await this.write([item]);
        return;
      }
      this.deps.log.error('vote write failed', { err: first.error as Error, votes: batch.length });
      outcomes = batch.map(unavailable);
    } else {
      outcomes = first.outcomes;
      this.committed(batch, outcomes);
    }
    for (const [i, item] of batch.entries()) item.resolve(outcomes[i]);
  }

  private committed(batch: Item[], outcomes: VoteOutcome[]): void {
    const written = batch.filter((_, i) => {
      const o = outcomes[i];
      return o.ok && o.written;
    });
    if (written.length) {
      try {
        this.opts.onCommitted?.(written.map((w) => w.vote));
      } catch (e) {
        this.deps.log.error('onCommitted failed', { err: e as Error });
      }
    }
  }
}

/** One row per vote of the batch, in order: what the statement found and did for it. */
type VoteRow = {
  /** The poll's status (null: no such poll, or deleted). */
  poll_status: string | null;
  /** Its poll is open, in its round, and the vote came before the deadline. */
  is_open: boolean;
  is_written: boolean;
  /** The participant's stored answer for the round as the statement began (null: none). */
  stored_msg_id: string | null;
  stored_value: AnswerValue | null;
};

/**
 * The whole group commit is ONE statement, so outside a transaction it is one round trip (PostgreSQL)
 * or one call (PGlite), its commit included. It calls `handsup_write_votes` (migration
 * 0005_vote_batch.sql, PL/pgSQL so its plan is kept per connection), which:
 * - sets `synchronous_commit` on for the transaction: its commit waits for the WAL flush, whatever
 *   the server's default;
 * - locks the polls `FOR SHARE` (a concurrent close waits; one that committed first is seen);
 * - inserts the votes whose poll is open, in their round and before its deadline; a conflict updates
 *   the answer where the poll allows changes (not for a retry: same clientMsgId) and otherwise does
 *   nothing;
 * - returns, for every vote, whether it was written and the answer stored before the statement.
 */
const WRITE_BATCH = 'SELECT * FROM handsup_write_votes($1::jsonb)';

/**
 * One batch; returns one outcome per vote, in order. Outside a transaction (as the store calls it) the
 * statement is its own transaction. A vote not written is acknowledged again when the stored answer
 * is its own (a retry); one that the statement's snapshot cannot settle — its stored answer committed
 * by another node meanwhile — is looked up once more, after the statement.
 */
export async function writeBatch(q: Query, votes: PendingVote[]): Promise<VoteOutcome[]> {
  const rows = await q<VoteRow>(WRITE_BATCH, [
    JSON.stringify(
      votes.map((v) => ({
        poll_id: v.pollId,
        round: v.round,
        participant_id: v.participantId,
        value: v.value,
        client_msg_id: v.clientMsgId,
        allow_change: v.allowChange,
        cast_at: v.castAt,
      })),
    ),
  ]);
  if (rows.length !== votes.length) {
    throw new Error(`handsup_write_votes returned ${rows.length} rows for ${votes.length} votes`);
  }
  const outcomes: (VoteOutcome | undefined)[] = new Array(votes.length);
  const refused: (AppError | undefined)[] = new Array(votes.length);
  const unsettled: number[] = [];
  votes.forEach((v, i) => {
    const r = rows[i];
    if (r.is_written) outcomes[i] = { ok: true, value: v.value, written: true };
    else if (r.stored_msg_id === v.clientMsgId && r.stored_value !== null) {
      outcomes[i] = { ok: true, value: r.stored_value, written: false }; // a retry of a stored answer
    } else {
      refused[i] = r.is_open
        ? new AppError('answer_locked', 'You have already answered this poll.')
        : r.poll_status === 'draft'
          ? new AppError('poll_not_open', 'This poll is not open.')
          : new AppError('poll_closed', 'This poll has closed.');
      unsettled.push(i);
    }
  });

  if (unsettled.length) {
    const params: unknown[] = [];
    const tuples = unsettled.map((i) => {
      const v = votes[i];
      params.push(v.pollId, v.round, v.participantId);
      const b = params.length - 3;
      return `($${b + 1}::uuid, $${b + 2}::int, $${b + 3}::uuid)`;
    });
    const existing = await q<{
      poll_id: string;
      participant_id: string;
      client_msg_id: string;
      value: AnswerValue;
    }>(
      `SELECT poll_id, participant_id, client_msg_id, value FROM responses WHERE (poll_id, round, participant_id) IN (${tuples.join(', ')})`,
      params,
    );
    const byKey = new Map(existing.map((e) => [`${e.poll_id}:${e.participant_id}`, e]));
    for (const i of unsettled) {
      const v = votes[i];
      const e = byKey.get(`${v.pollId}:${v.participantId}`);
      outcomes[i] =
        e && e.client_msg_id === v.clientMsgId
          ? { ok: true, value: e.value, written: false }
          : { ok: false, error: refused[i] as AppError };
    }
  }
  return outcomes as VoteOutcome[];
}
