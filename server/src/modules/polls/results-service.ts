/**
 * A poll's results and a session's CSV export, as the REST API serves them to teachers: per-student
 * answers, with names as the session's anonymity allows. Exports are recorded in the audit log.
 */
import { AppError, type AnswerValue, type ResultsView } from '@handsup/protocol';
import type { Principal } from '../../domain/access/principal.ts';
import { tallyFrom, toResultsView } from '../../domain/polls/index.ts';
import type { AppDeps } from '../../http/context.ts';
import { actorOf, type PollAccess, requireRole } from './access.ts';
import { buildCsv } from './csv-export.ts';
import { audit, selectPoll } from './lifecycle-service.ts';
import { POLL_COLUMNS, type PollRow, pollFromRow } from './poll-rows.ts';
import { authorisePoll, sessionAnonymity } from './poll-scope.ts';
import { inTransaction, queryOf } from './sql.ts';

export class ResultsService {
  constructor(
    private readonly deps: Pick<AppDeps, 'database'>,
    private readonly access: PollAccess,
  ) {}

  /** One round's results (default: the current round), as the teacher sees them. */
  async results(
    principal: Principal,
    pollId: string,
    round?: number,
  ): Promise<{ pollId: string; round: number; answeredCount: number; results: ResultsView }> {
    const { database } = this.deps;
    await authorisePoll(database, this.access, principal, pollId, 'results.read');
    const q = queryOf(database);
    const poll = await selectPoll(q, pollId);
    if (!poll) throw new AppError('not_found', 'No such poll.');
    const r = round ?? poll.round;
    const rows = await q<{ participant_id: string; value: AnswerValue; name: string }>(
      `SELECT r.participant_id, r.value, p.display_name AS name FROM responses r JOIN participants p ON p.id = r.participant_id
       WHERE r.poll_id = $1 AND r.round = $2 ORDER BY r.id`,
      [pollId, r],
    );
    const tally = tallyFrom(
      poll.content,
      rows.map((x) => ({ participantId: x.participant_id, value: x.value, name: x.name })),
    );
    const viewer = {
      role: 'teacher' as const,
      sessionAnonymity: await sessionAnonymity(database, poll.sessionId),
    };
    return {
      pollId,
      round: r,
      answeredCount: tally.answeredCount,
      results: toResultsView(tally.results(), poll, viewer)!,
    };
  }

  /** Every answer of every round of the session's polls, as CSV; audited. */
  async exportCsv(principal: Principal, sessionId: string): Promise<string> {
    const { database } = this.deps;
    const role = await requireRole(this.access, principal, sessionId, 'results.read');
    const q = queryOf(database);
    const polls = (
      await q<PollRow>(
        `SELECT ${POLL_COLUMNS} FROM polls p WHERE p.session_id = $1 AND p.deleted_at IS NULL ORDER BY p.position, p.created_at`,
        [sessionId],
      )
    ).map(pollFromRow);
    const answers = await q<{ poll_id: string; round: number; name: string; value: AnswerValue; at: number }>(
      `SELECT r.poll_id, r.round, p.display_name AS name, r.value, (extract(epoch from r.updated_at) * 1000)::float8 AS at
       FROM responses r JOIN participants p ON p.id = r.participant_id JOIN polls pl ON pl.id = r.poll_id
       WHERE pl.session_id = $1 AND pl.deleted_at IS NULL ORDER BY r.poll_id, r.round, r.id`,
      [sessionId],
    );
    await inTransaction(database, (tq) =>
      audit(tq, { userId: actorOf(principal).userId, role }, 'results.exported', 'session', sessionId, {
        polls: polls.length,
      }),
    );
    return buildCsv(
      polls,
      answers.map((a) => ({
        pollId: a.poll_id,
        round: a.round,
        name: a.name,
        value: a.value,
        at: Number(a.at),
      })),
      await sessionAnonymity(database, sessionId),
    );
  }
}
