/**
 * Group commit for votes. Votes that arrive within `batchMs` (or until `maxBatch` are waiting) are
 * written together by ONE statement, its own transaction (`writeBatch`, vote-batch.ts: the rules, and
 * what the acknowledgement waits for); each caller's promise resolves only after that transaction
 * committed, so `vote.accepted` is never sent for an answer that could still be lost. Votes that
 * arrive while a batch is being written are the next batch, written as soon as it commits; the
 * embedded fan-out writes the queue before each of its turns (`flushQueued`, fanout.ts `turnFor`).
 *
 * The database down (docs/decisions/0004): a batch that fails for want of a connection, or does not
 * commit within `writeTimeoutMs`, is answered `unavailable` at once — every vote in it, no vote
 * acknowledged — and the clients re-send with the same clientMsgId. Nothing is held in memory; the
 * next batch tries the database again, so service resumes by itself when it is back. A batch that
 * timed out and commits late is counted then, and its votes' retries are acknowledged as duplicates.
 */
import { AppError } from '@handsup/protocol';
import type { AppDeps } from '../../http/context.ts';
import { queryOf, pgCode } from './sql.ts';
import { type PendingVote, unavailable, type VoteOutcome, writeBatch } from './vote-batch.ts';

type Item = { vote: PendingVote; resolve: (o: VoteOutcome) => void };

export type VoteStoreOptions = {
  batchMs: number;
  maxBatch?: number;
  /** Called once per committed batch with the votes it wrote (before their callers are resolved). */
  onCommitted?: (written: PendingVote[]) => void;
  /** A batch not committed within this time is answered `unavailable` (default 5000 ms). */
  writeTimeoutMs?: number;
};

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

  /**
   * Writes what is queued now instead of when the batch timer fires; returns the write, or null when
   * there is nothing to write or a write is already running (it takes the queue when it ends).
   */
  flushQueued(): Promise<void> | null {
    if (this.flushing || this.queue.length === 0) return null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    return this.flush();
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
        // What arrived during the write has waited longer than a batch window already: the next batch.
        void this.flush();
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
