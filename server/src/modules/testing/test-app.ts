/**
 * A real app for module tests: the given database, in-process cross-node state, a clock the test can
 * move, and a small client that speaks JSON, carries the refresh cookie and sets Origin like our pages.
 */
import { parseConfig } from '../../config/config.ts';
import { createCrossNode } from '../../crossnode/index.ts';
import { createApp } from '../../http/app.ts';
import type { AppDeps } from '../../http/context.ts';
import { setRequestFacts } from '../../http/context.ts';
import { createLogger } from '../../observability/logger.ts';
import type { Database } from '../../storage/database.ts';

export const ORIGIN = 'http://localhost:3000';
export const PASSWORD = 'blue-harbour-kettle-42';

export interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the server answered
  body: any;
  headers: Headers;
}

export interface CallOptions {
  token?: string | null;
  body?: unknown;
  rawBody?: string;
  cookie?: string | null;
  origin?: string | null;
  ip?: string;
  contentType?: string;
}

export class TestClock {
  constructor(public t = Date.now()) {}
  now = () => this.t;
  advance(ms: number) {
    this.t += ms;
  }
}

export async function createTestApp(database: Database, env: Record<string, string> = {}) {
  const clock = new TestClock();
  const deps: AppDeps = {
    config: parseConfig({ NODE_ENV: 'test', PUBLIC_ORIGIN: ORIGIN, LOG_LEVEL: 'silent', ...env }),
    database,
    crossNode: await createCrossNode({ redisUrl: null, nodeId: 'test' }),
    log: createLogger('silent'),
    clock,
    nodeId: 'test',
  };
  const app = createApp(deps);

  async function call(method: string, path: string, o: CallOptions = {}): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    if (o.cookie) headers.cookie = o.cookie;
    if (o.origin !== null) headers.origin = o.origin ?? ORIGIN;
    let body: string | undefined;
    if (o.rawBody !== undefined) body = o.rawBody;
    else if (o.body !== undefined) body = JSON.stringify(o.body);
    if (body !== undefined) headers['content-type'] = o.contentType ?? 'application/json';
    const request = new Request(`http://localhost${path}`, { method, headers, body });
    setRequestFacts(request, {
      clientAddress: o.ip ?? '203.0.113.7',
      requestId: crypto.randomUUID(),
      protocol: 'http',
    } as never);
    const res = await app.handle(request);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {}
    return { status: res.status, body: parsed, headers: res.headers };
  }

  /** The `handsup_rt=…` pair from a Set-Cookie header (or null when cleared / absent). */
  const refreshCookieOf = (a: Answer): string | null => {
    const m = /handsup_rt=([^;]*)/.exec(a.headers.get('set-cookie') ?? '');
    return m?.[1] ? `handsup_rt=${m[1]}` : null;
  };

  async function signUp(email: string, opts: { displayName?: string } = {}) {
    const a = await call('POST', '/api/auth/sign-up', { body: { email, password: PASSWORD, ...opts } });
    if (a.status !== 201) throw new Error(`sign-up failed: ${a.status} ${JSON.stringify(a.body)}`);
    return {
      token: a.body.accessToken as string,
      userId: a.body.user.id as string,
      cookie: refreshCookieOf(a)!,
    };
  }

  async function makeAdmin(userId: string) {
    await database.query('UPDATE users SET is_admin = true WHERE id = $1', [userId]);
  }

  const count = async (table: string): Promise<number> =>
    Number((await database.query<{ n: string | number }>(`SELECT count(*) AS n FROM ${table}`))[0].n);

  return { app, deps, clock, call, signUp, makeAdmin, refreshCookieOf, count };
}

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;
