/**
 * `/metrics` in Prometheus text format, plus the HTTP metrics of every Elysia route (mounted early in
 * createApp so its global hooks see every route after it).
 *
 * Who may scrape: with METRICS_TOKEN set, a request carrying `Authorization: Bearer <token>`; without
 * it, only a loopback client that did not come through a proxy (a proxied request carries
 * X-Forwarded-For, so a local load balancer with no TRUSTED_PROXIES does not open it to the world).
 * Database and Redis latency are measured at scrape time (one ping each, 1 s bound).
 */
import { timingSafeEqual } from 'node:crypto';
import { AppError } from '@handsup/protocol';
import { Elysia } from 'elysia';
import { type AppDeps, requestFacts } from '../http/context.ts';
import { CONTENT_TYPE, metrics, type Registry } from './metrics.ts';
import { startProcessMetrics } from './metrics-process.ts';

const PING_TIMEOUT_MS = 1000;

export function isLoopback(address: string): boolean {
  return /^127\./.test(address) || address === '::1' || /^::ffff:127\./i.test(address);
}

const sameSecret = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** Why a scrape is refused, or null when it is allowed. */
export function refuseScrape(request: Request, clientAddress: string, token: string | null): AppError | null {
  if (token) {
    const auth = request.headers.get('authorization') ?? '';
    return sameSecret(auth, `Bearer ${token}`)
      ? null
      : new AppError('unauthenticated', 'Metrics need the bearer token (METRICS_TOKEN).');
  }
  const proxied =
    request.headers.has('x-forwarded-for') ||
    request.headers.has('forwarded') ||
    request.headers.has('x-real-ip');
  if (isLoopback(clientAddress) && !proxied) return null;
  return new AppError(
    'forbidden',
    'Metrics are served to loopback clients only; set METRICS_TOKEN to scrape from elsewhere.',
  );
}

type MetricsDeps = Pick<AppDeps, 'config' | 'database' | 'crossNode'>;

export function metricsRoutes({ config, database, crossNode }: MetricsDeps, registry: Registry = metrics) {
  startProcessMetrics(registry);
  const requests = registry.counter({
    name: 'handsup_http_requests_total',
    help: 'HTTP requests answered by the API, by method, route template and status.',
    labels: ['method', 'route', 'status'],
  });
  const duration = registry.histogram({
    name: 'handsup_http_request_duration_seconds',
    help: 'Time to answer an API request, by method and route template.',
    labels: ['method', 'route'],
  });
  const dbPing = registry.gauge({
    name: 'handsup_db_ping_seconds',
    help: 'Round trip of SELECT 1 to the database, measured at scrape.',
  });
  const dbUp = registry.gauge({
    name: 'handsup_db_up',
    help: '1 when the database answered the last ping within 1 s.',
  });
  // Registered only in the cluster shape: an embedded server has no Redis to report as down.
  const redis =
    crossNode.kind === 'memory'
      ? null
      : {
          ping: registry.gauge({
            name: 'handsup_redis_ping_seconds',
            help: 'Round trip of PING to Redis, measured at scrape.',
          }),
          up: registry.gauge({
            name: 'handsup_redis_up',
            help: '1 when Redis answered the last ping within 1 s.',
          }),
        };
  const started = new WeakMap<Request, number>();

  const timePing = async (ping: () => Promise<void>, latency: typeof dbPing, up: typeof dbUp) => {
    const t0 = performance.now();
    try {
      await ping();
      latency.set(undefined, (performance.now() - t0) / 1000);
      up.set(undefined, 1);
    } catch {
      up.set(undefined, 0);
    }
  };

  return new Elysia()
    .onRequest(({ request }) => {
      started.set(request, performance.now());
    })
    .onAfterResponse({ as: 'global' }, ({ request, route, set, responseValue }) => {
      const t0 = started.get(request);
      const template = route || '(unmatched)';
      const status =
        responseValue instanceof Response
          ? responseValue.status
          : typeof set.status === 'number'
            ? set.status
            : 200;
      requests.inc({ method: request.method, route: template, status });
      if (t0 !== undefined)
        duration.observe((performance.now() - t0) / 1000, { method: request.method, route: template });
    })
    .get(
      '/metrics',
      async ({ request }) => {
        const refused = refuseScrape(request, requestFacts(request).clientAddress, config.metricsToken);
        if (refused) {
          const headers: Record<string, string> =
            refused.code === 'unauthenticated' ? { 'www-authenticate': 'Bearer realm="metrics"' } : {};
          return Response.json(refused.toBody(), { status: refused.status, headers });
        }
        await Promise.all([
          timePing(() => database.ping(PING_TIMEOUT_MS), dbPing, dbUp),
          redis ? timePing(() => crossNode.ping(PING_TIMEOUT_MS), redis.ping, redis.up) : undefined,
        ]);
        return new Response(await registry.render(), {
          headers: { 'content-type': CONTENT_TYPE, 'cache-control': 'no-store' },
        });
      },
      {
        detail: {
          summary: 'Prometheus metrics (bearer METRICS_TOKEN, or loopback only when unset)',
          tags: ['operations'],
        },
      },
    );
}
