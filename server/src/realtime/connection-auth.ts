/**
 * Who a connection's token is in the session it names: the principal, its role in the session, and
 * for a student the participant it answers as — or an AppError whose close code says why not. Shared
 * by `hello` and by token renewal over an open connection.
 */
import { AppError } from '@handsup/protocol';
import type { Principal, Role } from '../domain/access/principal.ts';
import { revocationIds } from '../modules/auth/authenticator.ts';
import { queryOf } from '../modules/polls/sql.ts';
import type { ConnState } from './connection.ts';
import type { HandlerContext } from './connection-handler.ts';

type AuthoriseContext = Pick<HandlerContext, 'access' | 'hub' | 'deps'>;

const TEACHER_ROLES: Role[] = ['admin', 'teacher', 'co_teacher'];

/** `exp` of a JWT (already verified by the authenticator), in ms; null for opaque tokens. */
const tokenExpiry = (token: string): number | null => {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : null;
  } catch {
    return null;
  }
};

/** The revocation ids that close this connection (the authenticator's names for them). */
const revocationIdsOf = (p: Principal): string[] => {
  const ids: string[] = [];
  if (p.kind === 'user') {
    ids.push(revocationIds.user(p.userId));
    if (p.tokenId) ids.push(p.tokenId); // already `family:{id}`
  } else {
    ids.push(revocationIds.participant(p.participantId));
    if (p.userId) ids.push(revocationIds.user(p.userId));
  }
  return ids;
};

/** Who this token is in this session, or an AppError with the close code that says why not. */
export async function authoriseConnection(
  ctx: AuthoriseContext,
  token: string,
  sessionId: string,
): Promise<ConnState> {
  const { access } = ctx;
  const principal = await access.authenticator.authenticate(token);
  if (principal.kind === 'participant' && principal.sessionId !== sessionId) {
    throw new AppError('forbidden', 'This token belongs to another session.');
  }
  const sessionRole = await access.sessionAccess.roleInSession(principal, sessionId);
  if (sessionRole === null) throw new AppError('session_unavailable', 'No such session, or no access to it.');
  // The room holds the session's live state (kept current by the bus, re-read when stale), so a
  // class connecting at once costs no database read per hello. Throws when the session is gone.
  const session = (await ctx.hub.open(sessionId)).state.session;
  const base = {
    sessionId,
    principal,
    revocationIds: revocationIdsOf(principal),
    tokenExpiresAt: tokenExpiry(token),
  };
  if (TEACHER_ROLES.includes(sessionRole) && access.can(sessionRole, 'poll.run')) {
    return { ...base, role: 'teacher', sessionRole, name: '' } as ConnState;
  }
  if (!access.can(sessionRole, 'poll.vote'))
    throw new AppError('forbidden', 'Your role cannot join this session.');
  if (session.status === 'archived') throw new AppError('session_archived', 'This session is archived.');
  if (session.status !== 'live')
    throw new AppError('session_not_live', 'This session is not live right now.');
  const q = queryOf(ctx.deps.database);
  // A participant token read from the database or issued by join carries the name, and the
  // authenticator has refused it if it was kicked (kicked_at, or the revocation a kick spreads).
  const [participant] =
    principal.kind === 'participant' && principal.displayName !== undefined
      ? [{ id: principal.participantId, display_name: principal.displayName, kicked: false }]
      : principal.kind === 'participant'
        ? await q<{ id: string; display_name: string; kicked: boolean }>(
            'SELECT id, display_name, kicked_at IS NOT NULL AS kicked FROM participants WHERE id = $1 AND session_id = $2',
            [principal.participantId, sessionId],
          )
        : await q<{ id: string; display_name: string; kicked: boolean }>(
            'SELECT id, display_name, kicked_at IS NOT NULL AS kicked FROM participants WHERE user_id = $1 AND session_id = $2',
            [principal.userId, sessionId],
          );
  if (!participant) throw new AppError('forbidden', 'Join the session first.');
  if (participant.kicked) throw new AppError('kicked', 'You were removed from this session.');
  return {
    ...base,
    role: 'student',
    sessionRole,
    participantId: participant.id,
    name: participant.display_name,
    revocationIds: [...base.revocationIds, revocationIds.participant(participant.id)],
  } as ConnState;
}
