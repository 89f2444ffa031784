/**
 * Sessions: create, read, rename / settings, duplicate (with its polls, as drafts), start / stop,
 * archive (read-only afterwards), soft delete + restore (undo) + explicit purge, join-code
 * regeneration, co-teachers. Every method asks the permission table first (`authorize`).
 */
import { AppError } from '@handsup/protocol';
import type { SessionView } from '@handsup/protocol/rest';
import { sql } from 'drizzle-orm';
import { generateJoinCode } from '../../domain/access/join-code.ts';
import { type Action, can } from '../../domain/access/permissions.ts';
import type { Principal, Role } from '../../domain/access/principal.ts';
import type { AppDeps } from '../../http/context.ts';
import { accessKit } from '../auth/kit.ts';
import { globalRole } from '../auth/session-access.ts';
import { announce, type SessionLifecycleEvent } from './lifecycle.ts';
import { DEFAULT_SETTINGS, SESSION_COLUMNS, type SessionRow, settingsOf, toSessionView } from './views.ts';

export interface Ctx {
  ip: string;
  requestId: string;
}
export type SettingsPatch = Partial<SessionView['settings']>;

/** drizzle's `execute` answers `{rows}` on PGlite and an array on postgres-js. */
const rowsOf = <T>(r: unknown): T[] => (Array.isArray(r) ? r : (r as { rows: T[] }).rows) as T[];

const isUniqueViolation = (e: unknown): boolean => {
  const err = e as { code?: string; cause?: { code?: string } };
  return err?.code === '23505' || err?.cause?.code === '23505';
};

export function createSessionService(deps: AppDeps) {
  const { database, clock } = deps;
  const { audit, access } = accessKit(deps);
  const now = () => new Date(clock.now()).toISOString();

  async function load(id: string): Promise<SessionRow> {
    const [row] = await database.query<SessionRow>(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = $1`, [
      id,
    ]);
    if (!row) throw new AppError('not_found', 'No such session.');
    return row;
  }

  /** Role check first; unknown and not-yours look the same (404), known-but-not-allowed is 403. */
  async function authorize(p: Principal, id: string, action: Action, opts: { live?: boolean } = {}) {
    const role = await access.roleInSession(p, id);
    if (!role) throw new AppError('not_found', 'No such session.');
    if (!can(role, action)) throw new AppError('forbidden', 'Your role in this session does not allow this.');
    const row = await load(id);
    if (opts.live && row.deleted_at)
      throw new AppError('conflict', 'This session is in the trash; restore it first.');
    if (opts.live && row.status === 'archived')
      throw new AppError('session_archived', 'This session is archived and read-only.');
    return { role, row };
  }

  /** Inserts with a fresh join code, retrying on the (rare) collision with a non-archived session. */
  async function insertWithCode(sql: (code: string) => Promise<SessionRow[]>): Promise<SessionRow> {
    for (let attempt = 0; ; attempt++) {
      try {
        const [row] = await sql(generateJoinCode(attempt < 3 ? 6 : 8));
        return row;
      } catch (e) {
        if (!isUniqueViolation(e) || attempt >= 5) throw e;
      }
    }
  }

  async function setStatus(p: Principal, id: string, to: 'live' | 'idle', ctx: Ctx): Promise<SessionView> {
    const { role } = await authorize(p, id, 'session.start_stop', { live: true });
    const [row] = await database.query<SessionRow>(
      `UPDATE sessions SET status = $2, updated_at = $3, started_at = CASE WHEN $2 = 'live' THEN $3::timestamptz ELSE started_at END,
         state_version = state_version + 1
       WHERE id = $1 AND status <> 'archived' RETURNING ${SESSION_COLUMNS}`,
      [id, to, now()],
    );
    const type = to === 'live' ? 'session.started' : 'session.stopped';
    await audit.record({ action: type, actor: p, target: { type: 'session', id }, ...ctx });
    await announce(deps, { type, sessionId: id, at: clock.now() });
    return toSessionView(row, role);
  }

  async function lifecycle(p: Principal, id: string, type: SessionLifecycleEvent['type'], ctx: Ctx) {
    await audit.record({ action: type, actor: p, target: { type: 'session', id }, ...ctx });
    await announce(deps, { type, sessionId: id, at: clock.now() });
  }

  return {
    authorize,

    async create(
      p: Principal,
      body: { title: string; courseId?: string; settings?: SettingsPatch },
      ctx: Ctx,
    ) {
      if (!can(globalRole(p), 'session.create') || p.kind !== 'user')
        throw new AppError('forbidden', 'Only teachers create sessions.');
      if (body.courseId) {
        const role = await access.roleInCourse(p, body.courseId);
        if (!role) throw new AppError('not_found', 'No such course.', { field: 'courseId' });
        if (!can(role, 'course.add_session'))
          throw new AppError('forbidden', 'Your role in this course does not allow this.');
      }
      const settings = { ...DEFAULT_SETTINGS, ...body.settings };
      const row = await insertWithCode((code) =>
        database.query<SessionRow>(
          `INSERT INTO sessions (owner_id, course_id, title, join_code, settings) VALUES ($1, $2, $3, $4, $5::jsonb)
           RETURNING ${SESSION_COLUMNS}`,
          [p.userId, body.courseId ?? null, body.title.trim(), code, JSON.stringify(settings)],
        ),
      );
      await audit.record({
        action: 'session.created',
        actor: p,
        target: { type: 'session', id: row.id },
        ...ctx,
      });
      return toSessionView(row, 'teacher');
    },

    async get(p: Principal, id: string): Promise<SessionView> {
      const { role, row } = await authorize(p, id, 'session.read_teacher');
      return toSessionView(row, role);
    },

    async list(
      p: Principal,
      q: { q?: string; courseId?: string; trash?: boolean; limit: number; cursor?: string },
    ) {
      if (p.kind !== 'user') throw new AppError('forbidden', 'Only signed-in users list sessions.');
      const [cAt, cId] = q.cursor ? q.cursor.split('_') : [null, null];
      const rows = await database.query<SessionRow & { my_role: Role }>(
        `SELECT ${SESSION_COLUMNS.split(', ')
          .map((c) => `s.${c}`)
          .join(', ')},
           CASE WHEN s.owner_id = $1 OR cm.role = 'teacher' OR c.owner_id = $1 THEN 'teacher' ELSE 'co_teacher' END AS my_role
         FROM sessions s
         LEFT JOIN course_members cm ON cm.course_id = s.course_id AND cm.user_id = $1
         LEFT JOIN courses c ON c.id = s.course_id
         WHERE (s.owner_id = $1 OR c.owner_id = $1 OR cm.role IN ('teacher', 'co_teacher')
                OR EXISTS (SELECT 1 FROM session_members m WHERE m.session_id = s.id AND m.user_id = $1))
           AND (s.deleted_at IS NOT NULL) = $2
           AND ($3::text IS NULL OR s.title ILIKE '%' || $3::text || '%')
           AND ($4::uuid IS NULL OR s.course_id = $4::uuid)
           AND ($5::timestamptz IS NULL OR (s.created_at, s.id) < ($5::timestamptz, $6::uuid))
         ORDER BY s.created_at DESC, s.id DESC LIMIT $7`,
        [
          p.userId,
          q.trash ?? false,
          q.q ? q.q.replace(/[\\%_]/g, (m) => `\\${m}`) : null,
          q.courseId ?? null,
          cAt ? new Date(Number(cAt)).toISOString() : null,
          cId,
          q.limit + 1,
        ],
      );
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      return {
        sessions: page.map((r) => toSessionView(r, r.my_role)),
        nextCursor:
          rows.length > q.limit && last ? `${new Date(last.created_at).getTime()}_${last.id}` : null,
      };
    },

    async update(p: Principal, id: string, body: { title?: string; settings?: SettingsPatch }, ctx: Ctx) {
      const { role, row } = await authorize(p, id, 'session.update', { live: true });
      const settings = { ...settingsOf(row), ...body.settings };
      const [next] = await database.query<SessionRow>(
        `UPDATE sessions SET title = $2, settings = $3::jsonb, updated_at = $4 WHERE id = $1 RETURNING ${SESSION_COLUMNS}`,
        [id, body.title?.trim() ?? row.title, JSON.stringify(settings), now()],
      );
      await audit.record({
        action: 'session.updated',
        actor: p,
        target: { type: 'session', id },
        details: { fields: Object.keys(body) },
        ...ctx,
      });
      return toSessionView(next, role);
    },

    async duplicate(p: Principal, id: string, ctx: Ctx) {
      const { row } = await authorize(p, id, 'session.duplicate');
      if (row.deleted_at) throw new AppError('conflict', 'This session is in the trash; restore it first.');
      if (p.kind !== 'user') throw new AppError('forbidden', 'Only signed-in users duplicate sessions.');
      const copy = await database.db.transaction(async (tx) => {
        // Each attempt in a savepoint: a join-code collision must not abort the whole copy.
        const created = await insertWithCode((code) =>
          tx.transaction(async (sp) =>
            rowsOf<SessionRow>(
              await sp.execute(sql`INSERT INTO sessions (owner_id, course_id, title, join_code, settings)
              SELECT ${p.userId}, course_id, left(title || ' (copy)', 200), ${code}, settings FROM sessions WHERE id = ${id}
              RETURNING ${sql.raw(SESSION_COLUMNS)}`),
            ),
          ),
        );
        await tx.execute(sql`INSERT INTO polls (session_id, position, type, prompt, content, settings)
          SELECT ${created.id}, position, type, prompt, content, settings FROM polls
          WHERE session_id = ${id} AND deleted_at IS NULL ORDER BY position`);
        return created;
      });
      await audit.record({
        action: 'session.duplicated',
        actor: p,
        target: { type: 'session', id: copy.id },
        details: { from: id },
        ...ctx,
      });
      return toSessionView(copy, 'teacher');
    },

    start: (p: Principal, id: string, ctx: Ctx) => setStatus(p, id, 'live', ctx),
    /** Stops a live session (status idle). The poll engine listens (onSessionLifecycle) and closes polls. */
    stop: (p: Principal, id: string, ctx: Ctx) => setStatus(p, id, 'idle', ctx),

    async archive(p: Principal, id: string, ctx: Ctx) {
      const { role } = await authorize(p, id, 'session.archive', { live: true });
      const [row] = await database.query<SessionRow>(
        `UPDATE sessions SET status = 'archived', updated_at = $2 WHERE id = $1 RETURNING ${SESSION_COLUMNS}`,
        [id, now()],
      );
      await lifecycle(p, id, 'session.archived', ctx);
      return toSessionView(row, role);
    },

    async remove(p: Principal, id: string, ctx: Ctx) {
      const { role, row } = await authorize(p, id, 'session.delete');
      if (row.deleted_at) return toSessionView(row, role);
      const [next] = await database.query<SessionRow>(
        `UPDATE sessions SET deleted_at = $2, status = CASE WHEN status = 'live' THEN 'idle' ELSE status END
         WHERE id = $1 RETURNING ${SESSION_COLUMNS}`,
        [id, now()],
      );
      await lifecycle(p, id, 'session.deleted', ctx);
      return toSessionView(next, role);
    },

    async restore(p: Principal, id: string, ctx: Ctx) {
      const { role } = await authorize(p, id, 'session.delete');
      const [row] = await database.query<SessionRow>(
        `UPDATE sessions SET deleted_at = NULL WHERE id = $1 RETURNING ${SESSION_COLUMNS}`,
        [id],
      );
      await lifecycle(p, id, 'session.restored', ctx);
      return toSessionView(row, role);
    },

    async purge(p: Principal, id: string, ctx: Ctx) {
      const { row } = await authorize(p, id, 'session.delete');
      if (!row.deleted_at) throw new AppError('conflict', 'Move the session to the trash before purging it.');
      await database.query('DELETE FROM sessions WHERE id = $1', [id]);
      await lifecycle(p, id, 'session.purged', ctx);
    },

    async regenerateJoinCode(p: Principal, id: string, ctx: Ctx) {
      const { role } = await authorize(p, id, 'session.join_code_regenerate', { live: true });
      const row = await insertWithCode((code) =>
        database.query<SessionRow>(
          `UPDATE sessions SET join_code = $2, updated_at = $3 WHERE id = $1 RETURNING ${SESSION_COLUMNS}`,
          [id, code, now()],
        ),
      );
      await audit.record({
        action: 'session.join_code_regenerated',
        actor: p,
        target: { type: 'session', id },
        ...ctx,
      });
      return toSessionView(row, role);
    },

    async participants(p: Principal, id: string) {
      const { row } = await authorize(p, id, 'participants.read');
      const rows = await database.query<{ id: string; display_name: string; user_id: string | null }>(
        'SELECT id, display_name, user_id FROM participants WHERE session_id = $1 AND kicked_at IS NULL ORDER BY created_at',
        [id],
      );
      const hidden = settingsOf(row).anonymity === 'anonymous';
      return rows.map((r) => ({
        id: r.id,
        displayName: hidden ? '' : r.display_name,
        identified: r.user_id !== null,
      }));
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
