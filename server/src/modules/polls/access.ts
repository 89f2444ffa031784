/**
 * What the poll engine needs from accounts: who the caller is (Authenticator), their role in a session
 * (SessionAccess) and the permission table (`can`). Injected, so the engine does not depend on how
 * accounts are implemented; `requireRole` is the one permission check every poll route and teacher
 * command goes through.
 */
import { AppError } from '@handsup/protocol';
import type { Authenticator, Principal, Role, SessionAccess } from '../../domain/access/principal.ts';

/** The actions of the poll engine, as named in the permission table. */
export type PollAction =
  | 'poll.manage' // create, edit, reorder, duplicate, delete, restore
  | 'poll.run' // open, close, extend, reveal, reset, new round
  | 'session.stop'
  | 'results.read' // per-student answers and names (teacher views, export)
  | 'poll.vote';

export interface PollAccess {
  authenticator: Authenticator;
  sessionAccess: SessionAccess;
  can(role: Role, action: PollAction): boolean;
}

/**
 * Until the accounts module provides the permission table: teachers, co-teachers and admins run and
 * manage polls; students and guests vote.
 */
export const defaultCan = (role: Role, action: PollAction): boolean =>
  action === 'poll.vote'
    ? role === 'student' || role === 'guest'
    : role === 'teacher' || role === 'co_teacher' || role === 'admin';

/** Access that lets nobody in (a server without an accounts module). */
export const denyAllAccess: PollAccess = {
  authenticator: {
    authenticate: async () => {
      throw new AppError('unauthenticated', 'Sign-in is not available on this server.');
    },
  },
  sessionAccess: { roleInSession: async () => null },
  can: () => false,
};

/** The caller's role in the session, or throws: 404 when they have none (no hint it exists), 403 when not allowed. */
export const requireRole = async (
  access: PollAccess,
  principal: Principal,
  sessionId: string,
  action: PollAction,
): Promise<Role> => {
  const role = await access.sessionAccess.roleInSession(principal, sessionId);
  if (role === null) throw new AppError('not_found', 'No such session.');
  if (!access.can(role, action))
    throw new AppError('forbidden', 'Your role in this session does not allow that.');
  return role;
};

/** Resolves a bearer token from an Authorization header. */
export const bearerToken = (header: string | null | undefined): string | null => {
  if (!header) return null;
  const m = /^Bearer\s+(\S{1,4096})$/i.exec(header.trim());
  return m ? m[1] : null;
};

/** The audit actor of a principal. */
export const actorOf = (principal: Principal): { userId: string | null; label: string } =>
  principal.kind === 'user'
    ? { userId: principal.userId, label: 'user' }
    : { userId: principal.userId, label: 'participant' };
