/**
 * Courses: a teacher's grouping of sessions (or an LMS course bound by LTI). Create, list, rename,
 * duplicate (with its sessions and their polls, as drafts), archive, soft delete + restore + purge,
 * invite co-teachers. Permission table first, as everywhere.
 */
import { AppError } from '@handsup/protocol';
import type { CourseView } from '@handsup/protocol/rest';
import { type Action, can } from '../../domain/access/permissions.ts';
import type { Principal, Role } from '../../domain/access/principal.ts';
import type { AppDeps } from '../../http/context.ts';
import { accessKit } from '../auth/kit.ts';
import { globalRole } from '../auth/session-access.ts';
import { createSessionService } from '../sessions/service.ts';

interface Ctx {
  ip: string;
  requestId: string;
}
interface CourseRow {
  id: string;
  title: string;
  owner_id: string | null;
  created_at: Date | string;
  archived_at: Date | string | null;
  deleted_at: Date | string | null;
}
const COLUMNS = 'id, title, owner_id, created_at, archived_at, deleted_at';
const ms = (d: Date | string | null) => (d ? new Date(d).getTime() : null);

export const toCourseView = (r: CourseRow, role: Role): CourseView => ({
  id: r.id,
  title: r.title,
  ownerId: r.owner_id,
  role,
  createdAt: ms(r.created_at)!,
  archivedAt: ms(r.archived_at),
  deletedAt: ms(r.deleted_at),
});

export function createCourseService(deps: AppDeps) {
  const { database, clock } = deps;
  const { audit, access } = accessKit(deps);
  const sessions = createSessionService(deps);
  const now = () => new Date(clock.now()).toISOString();

  async function authorize(p: Principal, id: string, action: Action, opts: { live?: boolean } = {}) {
    const role = await access.roleInCourse(p, id);
    if (!role) throw new AppError('not_found', 'No such course.');
    if (!can(role, action)) throw new AppError('forbidden', 'Your role in this course does not allow this.');
    const [row] = await database.query<CourseRow>(`SELECT ${COLUMNS} FROM courses WHERE id = $1`, [id]);
    if (!row) throw new AppError('not_found', 'No such course.');
    if (opts.live && row.deleted_at)
      throw new AppError('conflict', 'This course is in the trash; restore it first.');
    return { role, row };
  }

  const record = (p: Principal, action: string, id: string, ctx: Ctx, details?: Record<string, unknown>) =>
    audit.record({ action, actor: p, target: { type: 'course', id }, details, ...ctx });

  async function setColumn(p: Principal, id: string, action: Action, set: string, event: string, ctx: Ctx) {
    const { role } = await authorize(p, id, action);
    const [row] = await database.query<CourseRow>(
      `UPDATE courses SET ${set}, updated_at = $2 WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, now()],
    );
    await record(p, event, id, ctx);
    return toCourseView(row, role);
  }

  return {
    authorize,

    async create(p: Principal, title: string, ctx: Ctx) {
      if (p.kind !== 'user' || !can(globalRole(p), 'course.create'))
        throw new AppError('forbidden', 'Only teachers create courses.');
      const [row] = await database.query<CourseRow>(
        `INSERT INTO courses (title, owner_id) VALUES ($1, $2) RETURNING ${COLUMNS}`,
        [title.trim(), p.userId],
      );
      await database.query(
        `INSERT INTO course_members (course_id, user_id, role) VALUES ($1, $2, 'teacher')`,
        [row.id, p.userId],
      );
      await record(p, 'course.created', row.id, ctx);
      return toCourseView(row, 'teacher');
    },

    async list(p: Principal, q: { q?: string; trash?: boolean; limit: number }) {
      if (p.kind !== 'user') throw new AppError('forbidden', 'Only signed-in users list courses.');
      const rows = await database.query<CourseRow & { my_role: Role }>(
        `SELECT c.id, c.title, c.owner_id, c.created_at, c.archived_at, c.deleted_at,
           CASE WHEN c.owner_id = $1 OR cm.role = 'teacher' THEN 'teacher' ELSE 'co_teacher' END AS my_role
         FROM courses c LEFT JOIN course_members cm ON cm.course_id = c.id AND cm.user_id = $1
         WHERE (c.owner_id = $1 OR cm.role IN ('teacher', 'co_teacher')) AND (c.deleted_at IS NOT NULL) = $2
           AND ($3::text IS NULL OR c.title ILIKE '%' || $3::text || '%')
         ORDER BY c.created_at DESC, c.id DESC LIMIT $4`,
        [p.userId, q.trash ?? false, q.q ? q.q.replace(/[\\%_]/g, (m) => `\\${m}`) : null, q.limit],
      );
      return { courses: rows.map((r) => toCourseView(r, r.my_role)) };
    },

    async get(p: Principal, id: string) {
      const { role, row } = await authorize(p, id, 'course.read');
      return toCourseView(row, role);
    },

    async rename(p: Principal, id: string, title: string, ctx: Ctx) {
      const { role } = await authorize(p, id, 'course.update', { live: true });
      const [row] = await database.query<CourseRow>(
        `UPDATE courses SET title = $2, updated_at = $3 WHERE id = $1 RETURNING ${COLUMNS}`,
        [id, title.trim(), now()],
      );
      await record(p, 'course.updated', id, ctx, { fields: ['title'] });
      return toCourseView(row, role);
    },

    async duplicate(p: Principal, id: string, ctx: Ctx) {
      const { row } = await authorize(p, id, 'course.update', { live: true });
      const copy = await this.create(p, `${row.title} (copy)`.slice(0, 200), ctx);
      const ids = await database.query<{ id: string }>(
        `SELECT id FROM sessions WHERE course_id = $1 AND deleted_at IS NULL ORDER BY created_at`,
        [id],
      );
      for (const s of ids) {
        const dup = await sessions.duplicate(p, s.id, ctx);
        await database.query(
          "UPDATE sessions SET course_id = $2, title = left(regexp_replace(title, $3, ''), 200) WHERE id = $1",
          [dup.id, copy.id, ' \\(copy\\)$'],
        );
      }
      await record(p, 'course.duplicated', copy.id, ctx, { from: id, sessions: ids.length });
      return copy;
    },

    archive: (p: Principal, id: string, ctx: Ctx) =>
      setColumn(p, id, 'course.update', 'archived_at = now()', 'course.archived', ctx),
    remove: (p: Principal, id: string, ctx: Ctx) =>
      setColumn(p, id, 'course.delete', 'deleted_at = now()', 'course.deleted', ctx),
    restore: (p: Principal, id: string, ctx: Ctx) =>
      setColumn(p, id, 'course.delete', 'deleted_at = NULL', 'course.restored', ctx),

    async purge(p: Principal, id: string, ctx: Ctx) {
      const { row } = await authorize(p, id, 'course.delete');
      if (!row.deleted_at) throw new AppError('conflict', 'Move the course to the trash before purging it.');
      const gone = await database.query<{ id: string }>(
        'DELETE FROM sessions WHERE course_id = $1 RETURNING id',
        [id],
      );
      await database.query('DELETE FROM courses WHERE id = $1', [id]);
      await record(p, 'course.purged', id, ctx, { sessions: gone.length });
    },
  };
}
