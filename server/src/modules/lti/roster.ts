/**
 * The course roster beside a session (NRPS): every member the LMS lists, whether they have joined this
 * session and whether they answered the current poll (the open one, else the last opened). Roster
 * roles are informational only (Moodle lists non-editing teachers as Learner).
 */
import { AppError } from '@handsup/protocol';
import { fetchRoster, type NrpsMember } from '@handsup/lti';
import type { Principal } from '../../domain/access/principal.ts';
import type { AppDeps } from '../../http/context.ts';
import type { Roster } from './model.ts';
import { requireSessionRole, sessionLinks } from './session-links.ts';
import { ltiRuntime } from './tool.ts';

const rosterRole = (m: NrpsMember): 'teacher' | 'student' | 'other' => {
  const r = m.roles.join(' ');
  if (/Instructor|Administrator|TeachingAssistant/i.test(r)) return 'teacher';
  if (/Learner/i.test(r)) return 'student';
  return 'other';
};

export async function sessionRoster(
  deps: AppDeps,
  p: Principal,
  sessionId: string,
): Promise<typeof Roster.static> {
  await requireSessionRole(deps, p, sessionId, 'participants.read');
  const link = (await sessionLinks(deps, sessionId)).find((l) => l.nrpsUrl);
  if (!link)
    throw new AppError(
      'not_found',
      'This session has no LMS roster (it was not launched from an LMS course).',
    );
  const { tool } = await ltiRuntime(deps);
  let members: NrpsMember[];
  try {
    members = (await fetchRoster(tool.serviceClient(link.platform), link.nrpsUrl!)).members;
  } catch (e) {
    deps.log.warn('lti roster fetch failed', { sessionId, err: (e as Error).message });
    throw new AppError('unavailable', 'The LMS did not answer the roster request; try again in a moment.');
  }
  const q = deps.database.query;
  const [poll] = await q<{ id: string; round: number }>(
    `SELECT id, round FROM polls WHERE session_id = $1 AND opened_at IS NOT NULL
     ORDER BY (status = 'open') DESC, opened_at DESC LIMIT 1`,
    [sessionId],
  );
  const seen = await q<{ sub: string; answered: boolean }>(
    `SELECT i.sub, EXISTS (SELECT 1 FROM responses r WHERE r.participant_id = pa.id AND r.poll_id = $3 AND r.round = $4) AS answered
     FROM lti_identities i JOIN participants pa ON pa.user_id = i.user_id AND pa.session_id = $2
     WHERE i.platform_id = $1 AND pa.kicked_at IS NULL`,
    [link.platform.id, sessionId, poll?.id ?? null, poll?.round ?? 0],
  );
  const bySub = new Map(seen.map((s) => [s.sub, s.answered]));
  return {
    sessionId,
    currentPollId: poll?.id ?? null,
    members: members.map((m) => ({
      ltiUserId: m.user_id,
      name: (m.name ?? [m.given_name, m.family_name].filter(Boolean).join(' ')).trim(),
      role: rosterRole(m),
      status: m.status ?? 'Active',
      joined: bySub.has(m.user_id),
      answeredCurrentPoll: poll ? (bySub.get(m.user_id) ?? false) : null,
    })),
  };
}
