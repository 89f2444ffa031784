/**
 * LTI in Handsup: the tool's routes (`/lti/*`, `/.well-known/jwks.json`, forwarded to @handsup/lti on
 * this app's database), the administrators' platform registry (`/api/lti/platforms`), what the landing
 * pages ask (`/api/lti/sessions/:id/status`, the deep linking picker), and the teacher's LMS services
 * beside a session (`/api/sessions/:id/roster`, `/api/sessions/:id/grades`). Grades are also sent when a
 * session stops.
 */
import { AppError } from '@handsup/protocol';
import { Type } from '@sinclair/typebox';
import { Elysia } from 'elysia';
import type { Principal } from '../../domain/access/principal.ts';
import { type AppDeps, requestFacts } from '../../http/context.ts';
import { enforceLimit } from '../../http/rate-limit.ts';
import { requireUser } from '../auth/http-auth.ts';
import { accessKit } from '../auth/kit.ts';
import { globalRole } from '../auth/session-access.ts';
import { onSessionLifecycle } from '../sessions/lifecycle.ts';
import { createDeepLinkService } from './deep-link.ts';
import { createGradeService } from './grades.ts';
import {
  DeepLinkChoice,
  DeploymentBody,
  DeploymentParams,
  GradeReport,
  GradeSyncBody,
  IdParams,
  LaunchSessionStatus,
  PendingParams,
  SessionParams,
  PlatformBody,
  PlatformStatusBody,
  PlatformView,
  Roster,
} from './model.ts';
import { createPlatformAdmin } from './platforms.ts';
import { sessionRoster } from './roster.ts';
import { sessionLinks } from './session-links.ts';
import { ltiRuntime } from './tool.ts';

export { createPlatformAdmin } from './platforms.ts';
export { ltiRuntime } from './tool.ts';

const tags = ['lti'];
const Ok = Type.Object({ ok: Type.Literal(true) });

function requireAdmin(p: Principal): void {
  if (globalRole(p) !== 'admin') throw new AppError('forbidden', 'Only administrators manage LMS platforms.');
}

export function ltiRoutes(deps: AppDeps) {
  const { authenticator, access } = accessKit(deps);
  const who = (request: Request) => requireUser(authenticator, request);
  const admin = async (request: Request) => {
    const p = await who(request);
    requireAdmin(p);
    return p;
  };
  const platforms = createPlatformAdmin(deps);
  const grades = createGradeService(deps);
  const deepLinks = createDeepLinkService(deps);
  const forward = async (request: Request) => {
    // The OIDC login writes a login state: limited per client address (a class launches at once).
    if (new URL(request.url).pathname === '/lti/login')
      await enforceLimit(deps, 'lti_login', requestFacts(request).clientAddress);
    return (await ltiRuntime(deps)).routes.handle(request);
  };

  // Grades follow the session: when it stops, every gradable placement is synced in the background.
  onSessionLifecycle(deps, (event) => {
    if (event.type !== 'session.stopped') return;
    void sessionLinks(deps, event.sessionId)
      .then((links) =>
        links.some((l) => l.lineitemUrl || l.lineitemsUrl) ? grades.syncSession(event.sessionId) : null,
      )
      .catch((e) =>
        deps.log.warn('lti grade sync after stop failed', {
          sessionId: event.sessionId,
          err: (e as Error).message,
        }),
      );
  });

  return new Elysia({ name: 'lti' })
    .get('/lti/*', ({ request }) => forward(request), { detail: { hide: true } })
    .post('/lti/*', ({ request }) => forward(request), { parse: 'none', detail: { hide: true } })
    .get('/.well-known/jwks.json', ({ request }) => forward(request), { detail: { hide: true } })
    .group('/api/lti', (g) =>
      g
        .get(
          '/platforms',
          async ({ request }) => {
            await admin(request);
            return platforms.list();
          },
          {
            response: Type.Array(PlatformView),
            detail: { summary: 'Registered LMS platforms (admin)', tags },
          },
        )
        .post(
          '/platforms',
          async ({ request, body, set }) => {
            await admin(request);
            set.status = 201;
            return platforms.add(body);
          },
          {
            body: PlatformBody,
            response: { 201: PlatformView },
            detail: { summary: 'Register an LMS platform manually (admin)', tags },
          },
        )
        .patch(
          '/platforms/:id',
          async ({ request, params, body }) => {
            await admin(request);
            return platforms.setStatus(params.id, body.status);
          },
          {
            params: IdParams,
            body: PlatformStatusBody,
            response: PlatformView,
            detail: { summary: 'Activate or disable a platform (admin)', tags },
          },
        )
        .delete(
          '/platforms/:id',
          async ({ request, params }) => {
            await admin(request);
            await platforms.remove(params.id);
            return { ok: true as const };
          },
          { params: IdParams, response: Ok, detail: { summary: 'Remove a platform (admin)', tags } },
        )
        .post(
          '/platforms/:id/deployments',
          async ({ request, params, body }) => {
            await admin(request);
            return platforms.addDeployment(params.id, body.deploymentId);
          },
          {
            params: IdParams,
            body: DeploymentBody,
            response: PlatformView,
            detail: { summary: 'Add a deployment id (admin)', tags },
          },
        )
        .delete(
          '/platforms/:id/deployments/:deploymentId',
          async ({ request, params }) => {
            await admin(request);
            return platforms.removeDeployment(params.id, params.deploymentId);
          },
          {
            params: DeploymentParams,
            response: PlatformView,
            detail: { summary: 'Remove a deployment id (admin)', tags },
          },
        )
        .get(
          '/sessions/:id/status',
          async ({ request, params }) => {
            const p = await who(request);
            const role = await access.roleInSession(p, params.id);
            if (!role) throw new AppError('not_found', 'No such session.');
            const [s] = await deps.database.query<{
              id: string;
              title: string;
              status: 'live' | 'idle' | 'archived';
              join_code: string;
            }>('SELECT id, title, status, join_code FROM sessions WHERE id = $1 AND deleted_at IS NULL', [
              params.id,
            ]);
            if (!s) throw new AppError('not_found', 'No such session.');
            return { id: s.id, title: s.title, status: s.status, role, joinCode: s.join_code };
          },
          {
            params: IdParams,
            response: LaunchSessionStatus,
            detail: {
              summary: 'A launched user’s session: status and role (the waiting page polls it)',
              tags,
            },
          },
        )
        .get(
          '/deep-link/:id',
          async ({ request, params }) => deepLinks.describe(await who(request), params.id),
          {
            params: PendingParams,
            detail: { summary: 'The activity picker: sessions of the course', tags },
          },
        )
        .post(
          '/deep-link/:id/items',
          async ({ request, params, body }) => deepLinks.choose(await who(request), params.id, body),
          {
            params: PendingParams,
            body: DeepLinkChoice,
            detail: { summary: 'Choose (or create) the session to place; answers the content item', tags },
          },
        ),
    )
    .group('/api/sessions', (g) =>
      g
        .get(
          '/:sessionId/roster',
          async ({ request, params }) => sessionRoster(deps, await who(request), params.sessionId),
          {
            params: SessionParams,
            response: Roster,
            detail: {
              summary: 'LMS roster beside the session (NRPS): joined, answered the current poll',
              tags,
            },
          },
        )
        .get(
          '/:sessionId/grades',
          async ({ request, params }) => grades.list(await who(request), params.sessionId),
          {
            params: SessionParams,
            response: GradeReport,
            detail: { summary: 'Grade passback status per student', tags },
          },
        )
        .post(
          '/:sessionId/grades/sync',
          async ({ request, params }) => grades.sync(await who(request), params.sessionId),
          {
            params: SessionParams,
            body: Type.Optional(GradeSyncBody),
            response: GradeReport,
            detail: { summary: 'Send participation grades to the LMS gradebook now (AGS)', tags },
          },
        ),
    );
}
