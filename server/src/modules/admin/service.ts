/**
 * Data retention for administrators: export everything Handsup holds about one user (account,
 * courses, sessions with their polls, their own answers as a participant) and delete a user with the
 * data that is theirs — the sessions they own (polls, participants and answers go with them), the
 * courses they own that no other teacher shares, their participations and answers elsewhere, their
 * sign-ins (refresh families revoked cluster-wide first, so no access token outlives the account).
 * The audit trail keeps that the deletion happened (who, when, counts — no personal data).
 */
import { AppError } from '@handsup/protocol';
import type { Principal } from '../../domain/access/principal.ts';
import type { AppDeps } from '../../http/context.ts';
import { accessKit } from '../auth/kit.ts';
import { globalRole } from '../auth/session-access.ts';
import { inTransaction, ms, queryOf } from '../polls/sql.ts';
import type { UserDeletion, UserExport } from './model.ts';

type Ctx = { ip: string; requestId: string };

export function requireAdmin(p: Principal): void {
  if (globalRole(p) !== 'admin') throw new AppError('forbidden', 'Only administrators manage user data.');
}

const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);

export function createRetentionService(deps: AppDeps) {
  const q = queryOf(deps.database);
  const { audit, refresh } = accessKit(deps);

  async function account(userId: string) {
    const [u] = await q<{
      id: string;
      email: string | null;
      display_name: string;
      is_admin: boolean;
      created: number;
    }>(`SELECT id, email, display_name, is_admin, ${ms('created_at', 'created')} FROM users WHERE id = $1`, [
      userId,
    ]);
    if (!u) throw new AppError('not_found', 'No such user.');
    return u;
  }

  return {
    async exportUser(p: Principal, userId: string, ctx: Ctx): Promise<UserExport> {
      requireAdmin(p);
      const u = await account(userId);
      const lti = await q<{ issuer: string; sub: string }>(
        `SELECT p.issuer, i.sub FROM lti_identities i JOIN lti_platforms p ON p.id = i.platform_id
          WHERE i.user_id = $1 ORDER BY p.issuer, i.sub`,
        [userId],
      );
      const courses = await q<{ id: string; title: string; role: string; created: number }>(
        `SELECT c.id, c.title, CASE WHEN c.owner_id = $1 THEN 'owner' ELSE m.role END AS role, ${ms('c.created_at', 'created')}
           FROM courses c LEFT JOIN course_members m ON m.course_id = c.id AND m.user_id = $1
          WHERE c.owner_id = $1 OR m.user_id IS NOT NULL ORDER BY c.created_at, c.id`,
        [userId],
      );
      const sessions = await q<{ id: string; title: string; role: string; status: string; created: number }>(
        `SELECT s.id, s.title, CASE WHEN s.owner_id = $1 THEN 'owner' ELSE 'co_teacher' END AS role, s.status,
                ${ms('s.created_at', 'created')}
           FROM sessions s LEFT JOIN session_members m ON m.session_id = s.id AND m.user_id = $1
          WHERE s.owner_id = $1 OR m.user_id IS NOT NULL ORDER BY s.created_at, s.id`,
        [userId],
      );
      const polls = await q<{
        id: string;
        session_id: string;
        type: string;
        prompt: string;
        content: unknown;
        status: string;
      }>(
        `SELECT pl.id, pl.session_id, pl.type, pl.prompt, pl.content, pl.status FROM polls pl
          WHERE pl.session_id IN (SELECT s.id FROM sessions s
                  LEFT JOIN session_members m ON m.session_id = s.id AND m.user_id = $1
                 WHERE s.owner_id = $1 OR m.user_id IS NOT NULL)
          ORDER BY pl.session_id, pl.position, pl.id`,
        [userId],
      );
      const parts = await q<{
        id: string;
        session_id: string;
        title: string;
        display_name: string;
        joined: number;
      }>(
        `SELECT p.id, p.session_id, s.title, p.display_name, ${ms('p.created_at', 'joined')}
           FROM participants p JOIN sessions s ON s.id = p.session_id WHERE p.user_id = $1 ORDER BY p.created_at, p.id`,
        [userId],
      );
      const answers = await q<{
        participant_id: string;
        poll_id: string;
        prompt: string;
        round: number;
        value: unknown;
        at: number;
      }>(
        `SELECT r.participant_id, r.poll_id, pl.prompt, r.round, r.value, ${ms('r.created_at', 'at')}
           FROM responses r JOIN polls pl ON pl.id = r.poll_id JOIN participants p ON p.id = r.participant_id
          WHERE p.user_id = $1 ORDER BY r.created_at, r.id`,
        [userId],
      );
      await audit.record({ action: 'user.exported', actor: p, target: { type: 'user', id: userId }, ...ctx });
      return {
        exportedAt: deps.clock.now(),
        account: {
          id: u.id,
          email: u.email,
          displayName: u.display_name,
          isAdmin: u.is_admin,
          createdAt: Number(u.created),
          lti,
        },
        courses: courses.map((c) => ({
          id: c.id,
          title: c.title,
          role: c.role,
          createdAt: Number(c.created),
        })),
        sessions: sessions.map((s) => ({
          id: s.id,
          title: s.title,
          role: s.role,
          status: s.status,
          createdAt: Number(s.created),
          polls: polls
            .filter((pl) => pl.session_id === s.id)
            .map((pl) => ({
              id: pl.id,
              type: pl.type,
              prompt: pl.prompt,
              content: json(pl.content),
              status: pl.status,
            })),
        })),
        participations: parts.map((x) => ({
          sessionId: x.session_id,
          sessionTitle: x.title,
          displayName: x.display_name,
          joinedAt: Number(x.joined),
          answers: answers
            .filter((a) => a.participant_id === x.id)
            .map((a) => ({
              pollId: a.poll_id,
              prompt: a.prompt,
              round: a.round,
              value: json(a.value),
              at: Number(a.at),
            })),
        })),
      };
    },

    async deleteUser(p: Principal, userId: string, ctx: Ctx): Promise<UserDeletion> {
      requireAdmin(p);
      if (p.kind === 'user' && p.userId === userId)
        throw new AppError('conflict', 'Administrators cannot delete their own account here.');
      const u = await account(userId);
      // Sign-ins end first (every node, access tokens included), then the rows go in one transaction.
      await refresh.revokeAllForUser(userId);
      const counts = await inTransaction(deps.database, async (tx) => {
        const sessions = await tx<{ id: string }>('DELETE FROM sessions WHERE owner_id = $1 RETURNING id', [
          userId,
        ]);
        const courses = await tx<{ id: string }>(
          `DELETE FROM courses c WHERE c.owner_id = $1 AND NOT EXISTS (
             SELECT 1 FROM course_members m WHERE m.course_id = c.id AND m.user_id <> $1 AND m.role <> 'student')
           RETURNING id`,
          [userId],
        );
        const parts = await tx<{ id: string }>('DELETE FROM participants WHERE user_id = $1 RETURNING id', [
          userId,
        ]);
        if (u.email) await tx('DELETE FROM invitations WHERE lower(email) = lower($1)', [u.email]);
        await tx('DELETE FROM users WHERE id = $1', [userId]);
        return { sessions: sessions.length, courses: courses.length, participations: parts.length };
      });
      await audit.record({
        action: 'user.deleted',
        actor: p,
        target: { type: 'user', id: userId },
        details: counts,
        ...ctx,
      });
      return {
        userId,
        sessionsDeleted: counts.sessions,
        coursesDeleted: counts.courses,
        participationsDeleted: counts.participations,
      };
    },
  };
}
