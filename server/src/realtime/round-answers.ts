/**
 * Where a room rebuilds its tally from: the running-results cache (crossNode.answers, Redis when
 * configured) when it holds the round, else the database, which then seeds the cache. A failed cache
 * read or write (Redis unreachable) makes the cache suspect: rebuilds read the database until a seed
 * that began after the last failure succeeds, so answers a failed write left out are filled in.
 */
import type { AppDeps } from '../http/context.ts';
import type { Poll } from '../domain/polls/index.ts';
import {
  ANSWERS_CACHE_TTL_MS,
  answersCacheKey,
  decodeAnswers,
  encodeAnswer,
  type VoteRecord,
} from '../modules/polls/events.ts';
import { loadAnswers } from './live-state.ts';

export class RoundAnswers {
  /** The cache may lack answers: read the database. */
  suspect = false;
  private failures = 0;

  constructor(
    private readonly deps: Pick<AppDeps, 'database' | 'crossNode' | 'log'>,
    private readonly sessionId: string,
  ) {}

  /** The round's answers in arrival order: the cache's copy when it has one (`source` 'cache'). */
  async load(poll: Poll, source: 'cache' | 'database'): Promise<VoteRecord[]> {
    const { crossNode, log } = this.deps;
    const key = answersCacheKey(poll.id, poll.round);
    if (source === 'cache') {
      const cached = await crossNode.answers.read(key).catch((e) => {
        log.warn('answers cache read failed', { err: e as Error, sessionId: this.sessionId });
        this.failed();
        return undefined;
      });
      if (cached) return decodeAnswers(cached);
    }
    const failures = this.failures;
    const rows = await loadAnswers(this.deps, poll.id, poll.round);
    const records = rows.map((r) => ({ p: r.participantId, v: r.value, c: r.clientMsgId, n: r.name }));
    const entries: Record<string, string> = {};
    records.forEach((r, i) => {
      entries[r.p] = encodeAnswer(r, i);
    });
    await crossNode.answers.seed(key, entries, ANSWERS_CACHE_TTL_MS).then(
      () => {
        if (this.failures === failures) this.suspect = false;
      },
      (e) => {
        log.warn('answers cache seed failed', { err: e as Error, sessionId: this.sessionId });
        this.failed();
      },
    );
    return records;
  }

  /** The cache missed a read or a write (e.g. this node could not add a vote batch). */
  failed(): void {
    this.failures += 1;
    this.suspect = true;
  }
}
