/**
 * The activity picker behind a deep linking launch: the teacher who launched it lists the sessions of
 * the course, picks one or names a new one, and gets the ticket plus the content item to post to
 * `/lti/deep-link/return-helper`. The item carries the session id and Handsup's signature of it, so a
 * later launch of that placement opens exactly that session (provisioner.ts).
 */
import { AppError } from '@handsup/protocol';
import type { Principal } from '../../domain/access/principal.ts';
import type { AppDeps } from '../../http/context.ts';
import { generateJoinCode } from '../../domain/access/join-code.ts';
import { accessKit } from '../auth/kit.ts';
import { DEFAULT_SETTINGS } from '../sessions/views.ts';
import { ltiKeySecret } from './key-secret.ts';
import { deepLinkCacheKey, type PendingDeepLink, sessionLinkSignature } from './provisioner.ts';

export function createDeepLinkService(deps: AppDeps) {
  const q = deps.database.query;

  async function pending(p: Principal, id: string): Promise<PendingDeepLink> {
    const dl = await deps.crossNode.cache.get<PendingDeepLink>(deepLinkCacheKey(id));
    if (!dl || p.kind !== 'user' || p.userId !== dl.userId)
      throw new AppError(
        'not_found',
        'This selection has expired; open the activity picker again from your course.',
      );
    return dl;
  }

  return {
    async describe(p: Principal, id: string) {
      const dl = await pending(p, id);
      const sessions = dl.courseId
        ? await q<{ id: string; title: string; status: string }>(
            `SELECT id, title, status FROM sessions WHERE course_id = $1 AND deleted_at IS NULL AND status <> 'archived'
             ORDER BY created_at DESC LIMIT 100`,
            [dl.courseId],
          )
        : [];
      return { suggestedTitle: dl.suggestedTitle, sessions };
    },

    async choose(p: Principal, id: string, choice: { sessionId: string } | { title: string }) {
      const dl = await pending(p, id);
      let sessionId: string;
      let title: string;
      if ('sessionId' in choice) {
        const role = await accessKit(deps).access.roleInSession(p, choice.sessionId);
        if (role !== 'teacher' && role !== 'co_teacher') throw new AppError('not_found', 'No such session.');
        const [s] = await q<{ title: string }>('SELECT title FROM sessions WHERE id = $1', [
          choice.sessionId,
        ]);
        sessionId = choice.sessionId;
        title = s.title;
      } else {
        title = choice.title.trim();
        const [s] = await q<{ id: string }>(
          `INSERT INTO sessions (owner_id, course_id, title, join_code, settings) VALUES ($1, $2, $3, $4, $5::jsonb) RETURNING id`,
          [
            dl.userId,
            dl.courseId,
            title,
            generateJoinCode(8),
            JSON.stringify({ ...DEFAULT_SETTINGS, anonymity: 'teacher_only' }),
          ],
        );
        sessionId = s.id;
      }
      const secret = await ltiKeySecret(deps);
      const item = {
        type: 'ltiResourceLink',
        title,
        url: `${deps.config.publicOrigin}/lti/launch`,
        custom: { session_id: sessionId, session_sig: sessionLinkSignature(secret, sessionId) },
        lineItem: {
          scoreMaximum: 100,
          label: `${title} — participation`.slice(0, 255),
          resourceId: sessionId,
        },
      };
      return { ticket: dl.ticket, items: [item], returnHelperUrl: '/lti/deep-link/return-helper', sessionId };
    },
  };
}
