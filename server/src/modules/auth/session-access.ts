/**
 * The caller's role in a session or course, from the database (one indexed query):
 * owner -> teacher; co-teacher of the session or of its course -> co_teacher; LMS instructor of the
 * course -> teacher; admin -> admin; course student or a user who joined -> student; a participant
 * token of this session -> student (account behind it) or guest. Deleted sessions are invisible to
 * students and guests. Then `can(role, action)` (domain/access/permissions.ts) decides.
 */
import type { Principal, Role, SessionAccess } from '../../domain/access/principal.ts';
import type { AppDeps } from '../../http/context.ts';

export interface CourseAccess {
  roleInCourse(principal: Principal, courseId: string): Promise<Role | null>;
}

/** The role for actions outside any session or course (creating one, reading the audit trail). */
export function globalRole(principal: Principal | null): Role | null {
  if (!principal) return null;
  if (principal.kind === 'participant') return principal.userId ? 'student' : 'guest';
  if (principal.isAdmin) return 'admin';
  // Local accounts are teachers; LMS users teach through their courses (LTI provisioning).
  return principal.via === 'password' ? 'teacher' : 'student';
}

interface SessionRoleRow {
  owner_id: string | null;
  deleted: boolean;
  co: boolean;
  course_role: string | null;
  course_owner: string | null;
  joined: boolean;
}

export function createSessionAccess({ database }: Pick<AppDeps, 'database'>): SessionAccess & CourseAccess {
  return {
    async roleInSession(principal, sessionId) {
      if (principal.kind === 'participant') {
        if (principal.sessionId !== sessionId) return null;
        return principal.userId ? 'student' : 'guest';
      }
      const [row] = await database.query<SessionRoleRow>(
        `SELECT s.owner_id, s.deleted_at IS NOT NULL AS deleted,
           EXISTS (SELECT 1 FROM session_members m WHERE m.session_id = s.id AND m.user_id = $2) AS co,
           (SELECT cm.role FROM course_members cm WHERE cm.course_id = s.course_id AND cm.user_id = $2) AS course_role,
           (SELECT c.owner_id FROM courses c WHERE c.id = s.course_id AND c.deleted_at IS NULL) AS course_owner,
           EXISTS (SELECT 1 FROM participants p WHERE p.session_id = s.id AND p.user_id = $2 AND p.kicked_at IS NULL) AS joined
         FROM sessions s WHERE s.id = $1`,
        [sessionId, principal.userId],
      );
      if (!row) return null;
      const uid = principal.userId;
      if (row.owner_id === uid || row.course_owner === uid || row.course_role === 'teacher') return 'teacher';
      if (row.co || row.course_role === 'co_teacher') return 'co_teacher';
      if (principal.isAdmin) return 'admin';
      if (row.deleted) return null;
      if (row.course_role === 'student' || row.joined) return 'student';
      return null;
    },

    async roleInCourse(principal, courseId) {
      if (principal.kind !== 'user') return null;
      const [row] = await database.query<{ owner_id: string | null; role: string | null }>(
        `SELECT c.owner_id, (SELECT cm.role FROM course_members cm WHERE cm.course_id = c.id AND cm.user_id = $2) AS role
         FROM courses c WHERE c.id = $1`,
        [courseId, principal.userId],
      );
      if (!row) return null;
      if (row.owner_id === principal.userId || row.role === 'teacher') return 'teacher';
      if (row.role === 'co_teacher') return 'co_teacher';
      if (principal.isAdmin) return 'admin';
      if (row.role === 'student') return 'student';
      return null;
    },
  };
}
