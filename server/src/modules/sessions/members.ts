/**
 * Co-teachers: the owner invites by email. An existing account gets access at once; otherwise an
 * invitation waits and is honoured when an account with that email signs up (auth service).
 * Scope is a session (session_members) or a course (course_members, role co_teacher).
 */
import type { CoTeacherView } from '@handsup/protocol/rest';
import { normalizeEmail } from '../../domain/access/password-policy.ts';
import type { Principal } from '../../domain/access/principal.ts';
import type { AppDeps } from '../../http/context.ts';
import type { Audit } from '../audit/service.ts';

export type MemberScope = { kind: 'session'; id: string } | { kind: 'course'; id: string };
interface Ctx {
  ip: string;
  requestId: string;
}

async function grant(deps: Pick<AppDeps, 'database'>, scope: MemberScope, userId: string): Promise<void> {
  if (scope.kind === 'session') {
    await deps.database.query(
      `INSERT INTO session_members (session_id, user_id, role) VALUES ($1, $2, 'co_teacher') ON CONFLICT DO NOTHING`,
      [scope.id, userId],
    );
  } else {
    await deps.database.query(
      `INSERT INTO course_members (course_id, user_id, role) VALUES ($1, $2, 'co_teacher')
       ON CONFLICT (course_id, user_id) DO UPDATE SET role = 'co_teacher', updated_at = now()
       WHERE course_members.role = 'student'`,
      [scope.id, userId],
    );
  }
}

export async function inviteCoTeacher(
  deps: Pick<AppDeps, 'database'>,
  audit: Audit,
  actor: Principal,
  scope: MemberScope,
  rawEmail: string,
  ctx: Ctx,
): Promise<CoTeacherView> {
  const email = normalizeEmail(rawEmail);
  const [user] = await deps.database.query<{ id: string; display_name: string }>(
    'SELECT id, display_name FROM users WHERE email = $1 AND deleted_at IS NULL',
    [email],
  );
  const target = { type: scope.kind, id: scope.id };
  if (user) {
    await grant(deps, scope, user.id);
    await audit.record({
      action: 'membership.granted',
      actor,
      target,
      details: { userId: user.id, role: 'co_teacher' },
      ...ctx,
    });
    return { userId: user.id, email, displayName: user.display_name, pending: false };
  }
  const column = scope.kind === 'session' ? 'session_id' : 'course_id';
  await deps.database.query(
    `INSERT INTO invitations (email, ${column}, role, invited_by) VALUES ($1, $2, 'co_teacher', $3) ON CONFLICT DO NOTHING`,
    [email, scope.id, actor.kind === 'user' ? actor.userId : null],
  );
  await audit.record({
    action: 'membership.invited',
    actor,
    target,
    details: { email, role: 'co_teacher' },
    ...ctx,
  });
  return { userId: null, email, displayName: '', pending: true };
}

export async function listCoTeachers(
  deps: Pick<AppDeps, 'database'>,
  sessionId: string,
): Promise<CoTeacherView[]> {
  const members = await deps.database.query<{ id: string; email: string | null; display_name: string }>(
    `SELECT u.id, u.email, u.display_name FROM session_members m JOIN users u ON u.id = m.user_id
     WHERE m.session_id = $1 ORDER BY m.created_at`,
    [sessionId],
  );
  const pending = await deps.database.query<{ email: string }>(
    'SELECT email FROM invitations WHERE session_id = $1 AND accepted_at IS NULL ORDER BY created_at',
    [sessionId],
  );
  return [
    ...members.map((m) => ({ userId: m.id, email: m.email, displayName: m.display_name, pending: false })),
    ...pending.map((p) => ({ userId: null, email: p.email, displayName: '', pending: true })),
  ];
}

export async function removeCoTeacher(
  deps: Pick<AppDeps, 'database'>,
  audit: Audit,
  actor: Principal,
  sessionId: string,
  userId: string,
  ctx: Ctx,
): Promise<boolean> {
  const gone = await deps.database.query(
    'DELETE FROM session_members WHERE session_id = $1 AND user_id = $2 RETURNING user_id',
    [sessionId, userId],
  );
  if (gone.length) {
    await audit.record({
      action: 'membership.revoked',
      actor,
      target: { type: 'session', id: sessionId },
      details: { userId },
      ...ctx,
    });
  }
  return gone.length > 0;
}

/** Called when an account is created: pending invitations for its email become memberships. */
export async function acceptInvitations(
  deps: Pick<AppDeps, 'database'>,
  audit: Audit,
  userId: string,
  email: string,
  ctx: Ctx,
): Promise<void> {
  const open = await deps.database.query<{ id: string; session_id: string | null; course_id: string | null }>(
    `UPDATE invitations SET accepted_at = now() WHERE email = $1 AND accepted_at IS NULL RETURNING id, session_id, course_id`,
    [email],
  );
  for (const inv of open) {
    const scope: MemberScope = inv.session_id
      ? { kind: 'session', id: inv.session_id }
      : { kind: 'course', id: inv.course_id! };
    await grant(deps, scope, userId);
    await audit.record({
      action: 'membership.granted',
      actor: { userId },
      target: { type: scope.kind, id: scope.id },
      details: { userId, role: 'co_teacher', invitationId: inv.id },
      ...ctx,
    });
  }
}
