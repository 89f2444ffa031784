/**
 * The polls of a session as the REST API serves them — list, create, edit, reorder, duplicate, delete
 * and restore, and the live commands: permission check first (the caller's role in the session, then
 * the permission table), then the change in a transaction, then the teacher view. Changes students can
 * see go through the lifecycle service, which versions and publishes them. Results and the CSV export
 * are results-service.ts.
 */
import { AppError, type PollCreate, type PollUpdate, type PollView } from '@handsup/protocol';
import type { Principal } from '../../domain/access/principal.ts';
import {
  applySettingsPatch,
  canEditContent,
  closePoll,
  type Poll,
  resolveSettings,
  toPollView,
  validatePollDefinition,
} from '../../domain/polls/index.ts';
import type { AppDeps } from '../../http/context.ts';
import { actorOf, type PollAccess, type PollAction, requireRole } from './access.ts';
import { audit, type PollLifecycle, selectPoll, writeChanges } from './lifecycle-service.ts';
import { POLL_COLUMNS, type PollRow, pollFromRow } from './poll-rows.ts';
import { authorisePoll, lockEditableSession, sessionAnonymity } from './poll-scope.ts';
import { inTransaction, queryOf } from './sql.ts';

export class PollService {
  constructor(
    private readonly deps: Pick<AppDeps, 'database' | 'crossNode' | 'clock' | 'log'>,
    private readonly access: PollAccess,
    private readonly lifecycle: PollLifecycle,
  ) {}

  private async view(poll: Poll): Promise<PollView> {
    return toPollView(poll, {
      role: 'teacher',
      sessionAnonymity: await sessionAnonymity(this.deps.database, poll.sessionId),
    });
  }

  private authorisePoll(principal: Principal, pollId: string, action: PollAction) {
    return authorisePoll(this.deps.database, this.access, principal, pollId, action);
  }

  async list(principal: Principal, sessionId: string, deleted?: 'include' | 'only'): Promise<PollView[]> {
    await requireRole(this.access, principal, sessionId, 'poll.manage');
    const filter =
      deleted === 'include'
        ? ''
        : deleted === 'only'
          ? 'AND p.deleted_at IS NOT NULL'
          : 'AND p.deleted_at IS NULL';
    const rows = await queryOf(this.deps.database)<PollRow>(
      `SELECT ${POLL_COLUMNS} FROM polls p WHERE p.session_id = $1 ${filter} ORDER BY p.position, p.created_at`,
      [sessionId],
    );
    const anonymity = await sessionAnonymity(this.deps.database, sessionId);
    return rows.map((r) => toPollView(pollFromRow(r), { role: 'teacher', sessionAnonymity: anonymity }));
  }

  async get(principal: Principal, pollId: string): Promise<PollView> {
    await this.authorisePoll(principal, pollId, 'poll.manage');
    const poll = await selectPoll(queryOf(this.deps.database), pollId);
    if (!poll) throw new AppError('not_found', 'No such poll.');
    return this.view(poll);
  }

  async create(principal: Principal, sessionId: string, body: PollCreate): Promise<PollView> {
    const role = await requireRole(this.access, principal, sessionId, 'poll.manage');
    const settings = resolveSettings(body.settings);
    validatePollDefinition(body.content, settings);
    const poll = await inTransaction(this.deps.database, async (q) => {
      await lockEditableSession(q, sessionId);
      const [{ next }] = await q<{ next: number }>(
        `SELECT coalesce(max(position) + 1, 0)::int AS next FROM polls WHERE session_id = $1 AND deleted_at IS NULL`,
        [sessionId],
      );
      const position = body.position === undefined ? next : Math.min(body.position, next);
      if (position < next) {
        await q(
          `UPDATE polls SET position = position + 1 WHERE session_id = $1 AND position >= $2 AND deleted_at IS NULL`,
          [sessionId, position],
        );
      }
      const [row] = await q<PollRow>(
        `INSERT INTO polls AS p (session_id, position, type, prompt, content, settings)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb) RETURNING ${POLL_COLUMNS}`,
        [
          sessionId,
          position,
          body.content.type,
          body.prompt,
          JSON.stringify(body.content),
          JSON.stringify(settings),
        ],
      );
      await audit(q, { userId: actorOf(principal).userId, role }, 'poll.created', 'poll', row.id, {
        sessionId,
      });
      return pollFromRow(row);
    });
    return this.view(poll);
  }

  async update(principal: Principal, pollId: string, body: PollUpdate): Promise<PollView> {
    await this.authorisePoll(principal, pollId, 'poll.manage');
    const poll = await this.lifecycle.run(pollId, async (q, current) => {
      if (body.content && !canEditContent(current)) {
        throw new AppError(
          'conflict',
          'Options and type can only change while the poll is a draft (reset it first).',
          {
            field: 'content',
          },
        );
      }
      const content = body.content ?? current.content;
      const settings = applySettingsPatch(current.settings, body.settings);
      validatePollDefinition(content, settings);
      const [row] = await q<PollRow>(
        `UPDATE polls p SET prompt = $2, type = $3, content = $4::jsonb, settings = $5::jsonb, updated_at = now()
         WHERE p.id = $1 RETURNING ${POLL_COLUMNS}`,
        [
          pollId,
          body.prompt ?? current.prompt,
          content.type,
          JSON.stringify(content),
          JSON.stringify(settings),
        ],
      );
      if (body.position !== undefined && body.position !== current.position) {
        await this.move(q, current.sessionId, pollId, body.position);
      }
      const updated = await selectPoll(q, pollId);
      return { poll: updated ?? pollFromRow(row), closed: [], change: 'updated' };
    });
    return this.view(poll);
  }

  private async move(
    q: Parameters<Parameters<PollLifecycle['run']>[1]>[0],
    sessionId: string,
    pollId: string,
    to: number,
  ) {
    const ids = (
      await q<{ id: string }>(
        `SELECT id FROM polls WHERE session_id = $1 AND deleted_at IS NULL ORDER BY position, created_at`,
        [sessionId],
      )
    ).map((r) => r.id);
    const from = ids.indexOf(pollId);
    ids.splice(from, 1);
    ids.splice(Math.min(to, ids.length), 0, pollId);
    await this.writePositions(q, ids);
  }

  private async writePositions(q: Parameters<Parameters<PollLifecycle['run']>[1]>[0], ids: string[]) {
    const params: unknown[] = [];
    const values = ids.map((id, i) => {
      params.push(id, i);
      return `($${params.length - 1}::uuid, $${params.length}::int)`;
    });
    await q(
      `UPDATE polls SET position = v.pos FROM (VALUES ${values.join(', ')}) AS v(id, pos) WHERE polls.id = v.id`,
      params,
    );
  }

  async reorder(principal: Principal, sessionId: string, pollIds: string[]): Promise<PollView[]> {
    await requireRole(this.access, principal, sessionId, 'poll.manage');
    await inTransaction(this.deps.database, async (q) => {
      await lockEditableSession(q, sessionId);
      const existing = await q<{ id: string }>(
        `SELECT id FROM polls WHERE session_id = $1 AND deleted_at IS NULL`,
        [sessionId],
      );
      const set = new Set(existing.map((r) => r.id));
      if (set.size !== pollIds.length || pollIds.some((id) => !set.has(id))) {
        throw new AppError('validation_failed', 'pollIds must list every poll of the session exactly once.', {
          field: 'pollIds',
        });
      }
      await this.writePositions(q, pollIds);
    });
    return this.list(principal, sessionId);
  }

  async duplicate(principal: Principal, pollId: string): Promise<PollView> {
    const { sessionId, actor } = await this.authorisePoll(principal, pollId, 'poll.manage');
    const poll = await inTransaction(this.deps.database, async (q) => {
      await lockEditableSession(q, sessionId);
      const source = await selectPoll(q, pollId);
      if (!source) throw new AppError('not_found', 'No such poll.');
      await q(
        `UPDATE polls SET position = position + 1 WHERE session_id = $1 AND position > $2 AND deleted_at IS NULL`,
        [sessionId, source.position],
      );
      const [row] = await q<PollRow>(
        `INSERT INTO polls AS p (session_id, position, type, prompt, content, settings)
         SELECT session_id, position + 1, type, prompt, content, settings FROM polls WHERE id = $1
         RETURNING ${POLL_COLUMNS}`,
        [pollId],
      );
      await audit(q, actor, 'poll.duplicated', 'poll', row.id, { sessionId, from: pollId });
      return pollFromRow(row);
    });
    return this.view(poll);
  }

  /** Soft delete (an open poll is closed first); undone by `restore`. */
  async remove(principal: Principal, pollId: string): Promise<void> {
    const { actor } = await this.authorisePoll(principal, pollId, 'poll.manage');
    await this.lifecycle.run(pollId, async (q, poll, _s, now) => {
      let current = poll;
      if (poll.status === 'open') current = await writeChanges(q, poll.id, closePoll(poll, now));
      await q(`UPDATE polls SET deleted_at = now(), updated_at = now() WHERE id = $1`, [poll.id]);
      await audit(q, actor, 'poll.deleted', 'poll', poll.id, { sessionId: poll.sessionId });
      return { poll: current, closed: [], change: 'deleted' };
    });
  }

  async restore(principal: Principal, pollId: string): Promise<PollView> {
    const { sessionId, actor } = await this.authorisePoll(principal, pollId, 'poll.manage');
    const poll = await inTransaction(this.deps.database, async (q) => {
      await lockEditableSession(q, sessionId);
      const [row] = await q<PollRow>(
        `UPDATE polls p SET deleted_at = NULL, updated_at = now(),
           position = (SELECT coalesce(max(position) + 1, 0) FROM polls WHERE session_id = $2 AND deleted_at IS NULL)
         WHERE p.id = $1 AND p.deleted_at IS NOT NULL RETURNING ${POLL_COLUMNS}`,
        [pollId, sessionId],
      );
      if (!row) throw new AppError('conflict', 'This poll is not deleted.');
      await audit(q, actor, 'poll.restored', 'poll', pollId, { sessionId });
      return pollFromRow(row);
    });
    return this.view(poll);
  }

  // ---- live commands (also over the socket) ----------------------------------------------------------

  async command(
    principal: Principal,
    pollId: string,
    command:
      | { kind: 'open'; timerSeconds?: number }
      | { kind: 'close' }
      | { kind: 'extend'; seconds: number }
      | { kind: 'reveal'; results?: boolean; correct?: boolean }
      | { kind: 'clear' }
      | { kind: 'new_round' },
  ): Promise<PollView> {
    const { actor } = await this.authorisePoll(principal, pollId, 'poll.run');
    const l = this.lifecycle;
    const poll = await (command.kind === 'open'
      ? l.open(pollId, command.timerSeconds)
      : command.kind === 'close'
        ? l.close(pollId)
        : command.kind === 'extend'
          ? l.extend(pollId, command.seconds)
          : command.kind === 'reveal'
            ? l.reveal(pollId, { results: command.results, correct: command.correct })
            : command.kind === 'clear'
              ? l.clearAnswers(pollId, actor)
              : l.newRound(pollId));
    return this.view(poll);
  }
}
