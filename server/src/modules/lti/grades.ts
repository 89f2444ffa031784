/**
 * Grade passback (AGS) per session: participation = polls answered / polls opened, as a score out of
 * 100, for every student member of the placement's course who launched from that LMS. On demand and
 * when the session stops. Teachers are skipped (never posted); a student the LMS refuses (400) is
 * marked not gradable without failing the batch; other failures are retried (bounded) and their
 * status and last error are kept for the teacher (`lti_grade_syncs`).
 */
import { AppError } from '@handsup/protocol';
import { findOrCreateLineItem, postScores, SCOPES, type Score } from '@handsup/lti';
import type { Principal } from '../../domain/access/principal.ts';
import type { AppDeps } from '../../http/context.ts';
import type { GradeReport } from './model.ts';
import { requireSessionRole, type SessionLink, sessionLinks } from './session-links.ts';
import { ltiRuntime } from './tool.ts';

export const MAX_ATTEMPTS = 3;
const SCORE_MAXIMUM = 100;

interface Candidate {
  user_id: string;
  sub: string;
  name: string;
  role: 'teacher' | 'co_teacher' | 'student';
  opened: number;
  answered: number;
}

export function createGradeService(deps: AppDeps, opts: { retryDelayMs?: number } = {}) {
  const q = deps.database.query;
  const retryDelayMs = opts.retryDelayMs ?? 500;
  const now = () => new Date(deps.clock.now()).toISOString();

  async function record(
    sessionId: string,
    userId: string,
    score: number,
    status: string,
    attempts: number,
    error: string | null,
  ) {
    await q(
      `INSERT INTO lti_grade_syncs (session_id, user_id, score_given, score_maximum, status, attempts, last_error, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (session_id, user_id) DO UPDATE SET score_given = EXCLUDED.score_given, score_maximum = EXCLUDED.score_maximum,
         status = EXCLUDED.status, attempts = EXCLUDED.attempts, last_error = EXCLUDED.last_error, updated_at = EXCLUDED.updated_at`,
      [sessionId, userId, score, SCORE_MAXIMUM, status, attempts, error, now()],
    );
  }

  async function syncLink(sessionId: string, title: string, link: SessionLink): Promise<void> {
    const { tool } = await ltiRuntime(deps);
    const client = tool.serviceClient(link.platform);
    const candidates = await q<Candidate>(
      `SELECT u.id AS user_id, i.sub, u.display_name AS name, cm.role,
         (SELECT count(*)::int FROM polls p WHERE p.session_id = $1 AND p.opened_at IS NOT NULL AND p.deleted_at IS NULL) AS opened,
         (SELECT count(DISTINCT r.poll_id)::int FROM responses r JOIN participants pa ON pa.id = r.participant_id
            JOIN polls p ON p.id = r.poll_id AND p.deleted_at IS NULL
          WHERE pa.session_id = $1 AND pa.user_id = u.id) AS answered
       FROM course_members cm JOIN users u ON u.id = cm.user_id
       JOIN lti_identities i ON i.user_id = u.id AND i.platform_id = $2
       WHERE cm.course_id = $3 ORDER BY u.created_at`,
      [sessionId, link.platform.id, link.courseId],
    );
    const students = candidates.filter((c) => c.role === 'student');
    for (const t of candidates.filter((c) => c.role !== 'student')) {
      await record(sessionId, t.user_id, 0, 'not_gradable', 0, 'Teachers are not graded.');
    }
    if (students.length === 0) return;
    const lineItemUrl =
      link.lineitemUrl ??
      (
        await findOrCreateLineItem(client, link.lineitemsUrl!, {
          label: `${title} — participation`.slice(0, 255),
          scoreMaximum: SCORE_MAXIMUM,
          resourceId: sessionId,
          resourceLinkId: link.resourceLinkId,
        })
      ).id;
    const scoreOf = (c: Candidate) =>
      c.opened === 0 ? 0 : Math.round((c.answered / c.opened) * 10_000) / 100;
    const scores = new Map<string, Score>(
      students.map((c) => [
        c.sub,
        {
          userId: c.sub,
          scoreGiven: scoreOf(c),
          scoreMaximum: SCORE_MAXIMUM,
          comment: `Answered ${c.answered} of ${c.opened} polls.`,
          activityProgress: 'Completed',
          gradingProgress: 'FullyGraded',
          timestamp: new Date(deps.clock.now()).toISOString(),
        },
      ]),
    );
    let pending = students;
    for (let attempt = 1; pending.length > 0 && attempt <= MAX_ATTEMPTS; attempt++) {
      if (attempt > 1) await Bun.sleep(retryDelayMs * (attempt - 1));
      const outcomes = await postScores(
        client,
        lineItemUrl,
        pending.map((c) => scores.get(c.sub)!),
      );
      const retry: Candidate[] = [];
      for (const o of outcomes) {
        const c = pending.find((s) => s.sub === o.userId)!;
        if (o.ok) await record(sessionId, c.user_id, scoreOf(c), 'sent', attempt, null);
        else if (o.notGradable)
          await record(sessionId, c.user_id, scoreOf(c), 'not_gradable', attempt, o.error.slice(0, 500));
        else {
          await record(
            sessionId,
            c.user_id,
            scoreOf(c),
            'failed',
            attempt,
            `${o.status}: ${o.error}`.slice(0, 500),
          );
          retry.push(c);
        }
      }
      pending = retry;
    }
  }

  async function report(sessionId: string): Promise<typeof GradeReport.static> {
    const rows = await q<{
      user_id: string;
      name: string;
      score_given: number;
      score_maximum: number;
      status: 'pending' | 'sent' | 'not_gradable' | 'failed';
      attempts: number;
      last_error: string | null;
      updated_at: Date;
    }>(
      `SELECT g.user_id, u.display_name AS name, g.score_given, g.score_maximum, g.status, g.attempts, g.last_error, g.updated_at
       FROM lti_grade_syncs g JOIN users u ON u.id = g.user_id WHERE g.session_id = $1 ORDER BY g.status, u.display_name`,
      [sessionId],
    );
    const grades = rows.map((r) => ({
      userId: r.user_id,
      name: r.name,
      scoreGiven: Number(r.score_given),
      scoreMaximum: Number(r.score_maximum),
      status: r.status,
      attempts: r.attempts,
      lastError: r.last_error,
      updatedAt: new Date(r.updated_at).getTime(),
    }));
    const n = (s: string) => grades.filter((g) => g.status === s).length;
    return { sessionId, sent: n('sent'), notGradable: n('not_gradable'), failed: n('failed'), grades };
  }

  /** Sync every gradable placement of the session (no permission check: callers check). */
  async function syncSession(sessionId: string): Promise<typeof GradeReport.static> {
    const [s] = await q<{ title: string }>('SELECT title FROM sessions WHERE id = $1', [sessionId]);
    if (!s) throw new AppError('not_found', 'No such session.');
    const links = (await sessionLinks(deps, sessionId)).filter(
      (l) => l.courseId && (l.lineitemUrl || l.lineitemsUrl) && l.agsScopes.includes(SCOPES.agsScore),
    );
    if (links.length === 0)
      throw new AppError(
        'conflict',
        'This session has no LMS gradebook column (its placement does not offer grades).',
      );
    for (const link of links) await syncLink(sessionId, s.title, link);
    return report(sessionId);
  }

  return {
    syncSession,
    async sync(p: Principal, sessionId: string) {
      await requireSessionRole(deps, p, sessionId, 'session.start_stop');
      return syncSession(sessionId);
    },
    async list(p: Principal, sessionId: string) {
      await requireSessionRole(deps, p, sessionId, 'participants.read');
      return report(sessionId);
    },
  };
}
