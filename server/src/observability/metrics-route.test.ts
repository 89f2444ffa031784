import { describe, expect, test } from 'bun:test';
import { Elysia } from 'elysia';
import { parseConfig } from '../config/config.ts';
import { createCrossNode } from '../crossnode/index.ts';
import { setRequestFacts } from '../http/context.ts';
import type { Database } from '../storage/database.ts';
import { Registry } from './metrics.ts';
import { isLoopback, metricsRoutes } from './metrics-route.ts';

// The route only needs the database's ping; the real PostgreSQL ping is scraped in the cluster suite.
const database = (ok: boolean) =>
  ({
    kind: 'postgres',
    ping: async () => (ok ? undefined : Promise.reject(new Error('down'))),
  }) as unknown as Database;

async function appWith(env: Record<string, string>, dbOk = true) {
  const registry = new Registry();
  const crossNode = await createCrossNode({ redisUrl: null, nodeId: 'test', keyPrefix: 't:' });
  const app = new Elysia()
    .use(metricsRoutes({ config: parseConfig(env), database: database(dbOk), crossNode }, registry))
    .get('/things/:id', () => 'thing');
  const call = (path: string, from: string, headers: Record<string, string> = {}) => {
    const request = new Request(`http://handsup.test${path}`, { headers });
    setRequestFacts(request, { clientAddress: from, requestId: 'r1', protocol: 'http' });
    return app.handle(request);
  };
  return { call, registry };
}

describe('/metrics', () => {
  test('without METRICS_TOKEN it answers loopback clients only, and never a proxied request', async () => {
    const { call } = await appWith({});
    const local = await call('/metrics', '127.0.0.1');
    expect(local.status).toBe(200);
    expect(local.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect((await call('/metrics', '::1')).status).toBe(200);
    const remote = await call('/metrics', '203.0.113.7');
    expect(remote.status).toBe(403);
    expect((await remote.json()).error.code).toBe('forbidden');
    // A local proxy that is not a trusted proxy makes every client look like 127.0.0.1.
    expect((await call('/metrics', '127.0.0.1', { 'x-forwarded-for': '203.0.113.7' })).status).toBe(403);
  });

  test('with METRICS_TOKEN it wants the bearer token, from anywhere, and nothing else', async () => {
    const { call } = await appWith({ METRICS_TOKEN: 's3cret-token' });
    const none = await call('/metrics', '127.0.0.1');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    expect((await call('/metrics', '10.0.0.5', { authorization: 'Bearer wrong-token!' })).status).toBe(401);
    expect((await call('/metrics', '10.0.0.5', { authorization: 's3cret-token' })).status).toBe(401);
    const ok = await call('/metrics', '10.0.0.5', { authorization: 'Bearer s3cret-token' });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('# TYPE process_cpu_seconds_total counter');
  });

  test('reports process, event-loop, database and HTTP metrics by route template', async () => {
    const { call } = await appWith({});
    await call('/things/1', '127.0.0.1');
    await call('/things/2', '127.0.0.1');
    await call('/nowhere', '127.0.0.1');
    await Bun.sleep(250); // let the event-loop sampler run
    const text = await (await call('/metrics', '127.0.0.1')).text();
    expect(text).toContain('handsup_http_requests_total{method="GET",route="/things/:id",status="200"} 2\n');
    expect(text).toContain('handsup_http_requests_total{method="GET",route="(unmatched)",status="404"} 1\n');
    expect(text).toContain(
      'handsup_http_request_duration_seconds_count{method="GET",route="/things/:id"} 2\n',
    );
    expect(text).toContain('handsup_db_up 1\n');
    expect(text).toMatch(/^handsup_db_ping_seconds \d/m);
    expect(text).not.toMatch(/^handsup_redis_up /m);
    expect(text).toMatch(/^process_resident_memory_bytes [1-9]\d*$/m);
    expect(text).toMatch(/^process_cpu_seconds_total [\d.e-]+$/m);
    expect(text).toMatch(/^handsup_event_loop_lag_seconds_count [1-9]\d*$/m);
  });

  test('a database that does not answer is reported as down, not as a failed scrape', async () => {
    const { call } = await appWith({}, false);
    const res = await call('/metrics', '127.0.0.1');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('handsup_db_up 0\n');
  });

  test('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.9.9.9', '::1', '::ffff:127.0.0.1'].every(isLoopback)).toBe(true);
    expect(['10.0.0.1', '::2', 'unknown', '128.0.0.1'].some(isLoopback)).toBe(false);
  });
});
