/**
 * createApp(deps): the whole HTTP application as one Elysia instance. Feature modules are mounted
 * here and nowhere else; the Bun server (server.ts) hands it `/api/*`, `/lti/*`, `/healthz`, `/readyz`.
 */
import { Elysia } from 'elysia';
import { apiDocs } from './api-docs.ts';
import { type AppDeps, requestFacts } from './context.ts';
import { errorHandling } from './errors.ts';
import { healthRoutes } from './health.ts';
import { adminRoutes } from '../modules/admin/index.ts';
import { auditRoutes } from '../modules/audit/index.ts';
import { authRoutes } from '../modules/auth/index.ts';
import { courseRoutes } from '../modules/courses/index.ts';
import { joinRoutes } from '../modules/join/index.ts';
import { ltiRoutes } from '../modules/lti/index.ts';
import { pollsModule } from '../modules/polls/index.ts';
import { realtimeSseModule } from '../realtime/sse-routes.ts';
import { sessionRoutes } from '../modules/sessions/index.ts';
import { metricsRoutes } from '../observability/metrics-route.ts';

export function createApp(deps: AppDeps) {
  const { log } = deps;
  return new Elysia({ normalize: false })
    .use(errorHandling(log))
    .derive({ as: 'global' }, ({ request }) => {
      const f = requestFacts(request);
      return {
        requestId: f.requestId,
        clientAddress: f.clientAddress,
        protocol: f.protocol,
        log: log.child({ requestId: f.requestId }),
      };
    })
    .onAfterResponse(
      { as: 'global' },
      ({ request, set, requestId, clientAddress, protocol, log: reqLog }) => {
        const url = new URL(request.url);
        (reqLog ?? log).info('request', {
          requestId,
          method: request.method,
          path: url.pathname,
          status: typeof set.status === 'number' ? set.status : 200,
          ip: clientAddress,
          proto: protocol,
        });
      },
    )
    .use(metricsRoutes(deps))
    .use(apiDocs())
    .use(healthRoutes(deps))
    .use(authRoutes(deps))
    .use(courseRoutes(deps))
    .use(sessionRoutes(deps))
    .use(joinRoutes(deps))
    .use(auditRoutes(deps))
    .use(adminRoutes(deps))
    .use(pollsModule(deps))
    .use(realtimeSseModule(deps))
    .use(ltiRoutes(deps));
}

export type App = ReturnType<typeof createApp>;
