/** Liveness (`/healthz`: the process answers) and readiness (`/readyz`: its dependencies answer). */
import { Elysia, t } from 'elysia';
import type { AppDeps } from './context.ts';

const Check = t.Union([t.Literal('ok'), t.Literal('failing'), t.Literal('not_configured')]);
const Readiness = t.Object({
  status: t.Union([t.Literal('ready'), t.Literal('not_ready')]),
  db: Check,
  redis: Check,
  dbKind: t.String(),
  errors: t.Optional(t.Record(t.String(), t.String())),
});

export const healthRoutes = ({ database, crossNode, log }: AppDeps) =>
  new Elysia({ name: 'health' })
    .get('/healthz', () => ({ status: 'ok' as const }), {
      detail: { summary: 'Liveness: the process is up', tags: ['operations'] },
      response: t.Object({ status: t.Literal('ok') }),
    })
    .get(
      '/readyz',
      async ({ set }) => {
        const errors: Record<string, string> = {};
        const [db, redis] = await Promise.all([
          database.ping(2000).then(
            () => 'ok' as const,
            (e: Error) => {
              errors.db = e.message;
              return 'failing' as const;
            },
          ),
          crossNode.kind === 'memory'
            ? Promise.resolve('not_configured' as const)
            : crossNode.ping(2000).then(
                () => 'ok' as const,
                (e: Error) => {
                  errors.redis = e.message;
                  return 'failing' as const;
                },
              ),
        ]);
        const ready = db === 'ok' && redis !== 'failing';
        if (!ready) {
          set.status = 503;
          log.warn('not ready', { errors });
        }
        return {
          status: ready ? ('ready' as const) : ('not_ready' as const),
          db,
          redis,
          dbKind: database.kind,
          ...(ready ? {} : { errors }),
        };
      },
      {
        detail: {
          summary: 'Readiness: database and (when configured) Redis reachable',
          tags: ['operations'],
        },
        response: { 200: Readiness, 503: Readiness },
      },
    );
