/**
 * Where a poll request stands before it does anything: which session the poll belongs to, whether
 * the caller may act there, the session's anonymity (the teacher views' default), and — for edits —
 * the session locked and not archived. Shared by the poll service and the results service.
 */
import { AppError } from '@handsup/protocol';
import type { Principal } from '../../domain/access/principal.ts';
import type { EffectiveAnonymity } from '../../domain/polls/index.ts';
import type { Database } from '../../storage/database.ts';
import { actorOf, type PollAccess, type PollAction, requireRole } from './access.ts';
import { type Actor, lockSession, sessionOfPoll } from './lifecycle-service.ts';
import { type Query, queryOf } from './sql.ts';

const ANONYMITY = new Set(['anonymous', 'teacher_only', 'names_shown']);

/** The session's anonymity setting ('teacher_only' when unset or unknown). */
export async function sessionAnonymity(database: Database, sessionId: string): Promise<EffectiveAnonymity> {
  const [s] = await queryOf(database)<{ a: string | null }>(
    `SELECT settings->>'anonymity' AS a FROM sessions WHERE id = $1`,
    [sessionId],
  );
  return (s?.a && ANONYMITY.has(s.a) ? s.a : 'teacher_only') as EffectiveAnonymity;
}

/** Resolves the poll's session and checks the caller may do `action` there (a deleted poll too: restore). */
export async function authorisePoll(
  database: Database,
  access: PollAccess,
  principal: Principal,
  pollId: string,
  action: PollAction,
): Promise<{ sessionId: string; actor: Actor }> {
  const q = queryOf(database);
  const sessionId = await sessionOfPoll(q, pollId).catch(async (e) => {
    const [r] = await q<{ session_id: string }>('SELECT session_id FROM polls WHERE id = $1', [pollId]);
    if (!r) throw e;
    return r.session_id;
  });
  const role = await requireRole(access, principal, sessionId, action);
  return { sessionId, actor: { userId: actorOf(principal).userId, role } };
}

/** Locks the session for an edit of its polls (in the transaction of `q`); archived sessions are read-only. */
export async function lockEditableSession(q: Query, sessionId: string): Promise<void> {
  const session = await lockSession(q, sessionId);
  if (session.status === 'archived') throw new AppError('session_archived', 'This session is archived.');
}
