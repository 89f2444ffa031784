/**
 * The poll on a room's screen and its exact tally: one entry per participant (an answer change moves
 * it), rebuilt whenever a poll or round comes on screen — from the running-results cache
 * (crossNode.answers) when it holds the round, else from the database, which then seeds the cache
 * (round-answers.ts). Votes that arrive while a rebuild runs are replayed onto its result, so none is
 * lost between the read and the swap.
 */
import type { Poll } from '../domain/polls/index.ts';
import { PollTally, tallyFrom } from '../domain/polls/index.ts';
import type { VoteRecord } from '../modules/polls/events.ts';
import type { Logger } from '../observability/logger.ts';
import type { RoundAnswers } from './round-answers.ts';

export type Shown = {
  poll: Poll;
  tally: PollTally;
  /** Each participant's answer and the client id it came with (duplicates, the student's snapshot). */
  meta: Map<string, { c: string; v: VoteRecord['v'] }>;
};

export class ShownPoll {
  current: Shown | null = null;
  /** Vote records received while a recount runs, replayed onto its result. */
  private buffer: { pollId: string; round: number; records: VoteRecord[] }[] | null = null;
  private generation = 0;
  private stopped = false;

  constructor(
    private readonly answers: RoundAnswers,
    /** The tally changed: results and presence frames are due. */
    private readonly changed: () => void,
    private readonly log: Logger,
    private readonly sessionId: string,
  ) {}

  /** Puts a poll on screen; the same poll and round keeps its tally (only the poll's fields change). */
  show(poll: Poll): void {
    const cur = this.current;
    if (cur && cur.poll.id === poll.id && cur.poll.round === poll.round) {
      cur.poll = poll;
      return;
    }
    this.restart(poll);
  }

  /** Puts a poll on screen with a tally rebuilt from scratch (its answers were cleared or changed). */
  restart(poll: Poll): void {
    this.current = { poll, tally: new PollTally(poll.content), meta: new Map() };
    void this.recount();
  }

  /** The poll's fields changed (closed, extended, released): if it is on screen, it keeps its tally. */
  update(poll: Poll): void {
    if (this.current?.poll.id === poll.id) this.current.poll = poll;
  }

  /** The tally of this poll when it is the one on screen. */
  tallyOf(pollId: string): PollTally | null {
    return this.current?.poll.id === pollId ? this.current.tally : null;
  }

  clear(): void {
    this.current = null;
  }

  /** Votes committed (here or on another node): exact per participant, so applying twice is harmless. */
  apply(pollId: string, round: number, records: VoteRecord[]): boolean {
    const cur = this.current;
    if (!cur || cur.poll.id !== pollId || cur.poll.round !== round) return false;
    for (const r of records) {
      cur.tally.record(r.p, r.v, r.n);
      cur.meta.set(r.p, { c: r.c, v: r.v });
    }
    this.buffer?.push({ pollId, round, records });
    return true;
  }

  /**
   * Rebuilds the tally of the poll on screen, replaying votes that arrive meanwhile: from the
   * running-results cache when it holds the round (`source` 'cache'), else from the database.
   */
  async recount(source: 'cache' | 'database' = 'cache'): Promise<void> {
    const cur = this.current;
    if (!cur || this.stopped) return;
    const gen = ++this.generation;
    this.buffer = [];
    try {
      const rows = await this.answers.load(cur.poll, source);
      if (gen !== this.generation || this.current !== cur) return;
      const tally = tallyFrom(
        cur.poll.content,
        rows.map((r) => ({ participantId: r.p, value: r.v, name: r.n })),
      );
      const meta = new Map(rows.map((r) => [r.p, { c: r.c, v: r.v }]));
      for (const b of this.buffer ?? []) {
        if (b.pollId !== cur.poll.id || b.round !== cur.poll.round) continue;
        for (const r of b.records) {
          tally.record(r.p, r.v, r.n);
          meta.set(r.p, { c: r.c, v: r.v });
        }
      }
      cur.tally = tally;
      cur.meta = meta;
      this.changed();
    } catch (e) {
      this.log.warn('recount failed', { err: e as Error, sessionId: this.sessionId });
    } finally {
      if (gen === this.generation) this.buffer = null;
    }
  }

  stop(): void {
    this.stopped = true;
  }
}
