/**
 * Which real services the integration suites can use. In CI (CI=true) every service is mandatory:
 * a missing one fails the run. Elsewhere a suite whose service is missing is reported as skipped,
 * with the reason, never silently.
 */
import { describe, test } from 'bun:test';
import postgres from 'postgres';

export const isCI = process.env.CI === 'true';
export const PG_TEST_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_TEST_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface Probe {
  ok: boolean;
  reason: string;
}

async function probePostgres(): Promise<Probe> {
  const sql = postgres(PG_TEST_URL, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`SELECT 1`;
    return { ok: true, reason: '' };
  } catch (e) {
    return { ok: false, reason: `PostgreSQL not reachable at ${PG_TEST_URL} (${(e as Error).message})` };
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

async function probeRedis(): Promise<Probe> {
  const url = new URL(REDIS_TEST_URL);
  try {
    const socket = await Bun.connect({
      hostname: url.hostname,
      port: Number(url.port || 6379),
      socket: { data() {}, error() {} },
    });
    socket.end();
    return { ok: true, reason: '' };
  } catch (e) {
    return { ok: false, reason: `Redis not reachable at ${REDIS_TEST_URL} (${(e as Error).message})` };
  }
}

export const services = { postgres: await probePostgres(), redis: await probeRedis() };

/** A name no other suite or run will pick: tests share one PostgreSQL and one Redis. */
export const uniqueName = (prefix: string): string =>
  `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;

/**
 * `describe` for a suite that needs something of the machine (`reason` null: it is there): runs when
 * it is, fails in CI when it is not (one test named after what is `required`), and is reported as
 * skipped with the reason elsewhere. The one place the test suites decide that.
 */
export function describeNeeding(
  reason: string | null,
  required: string,
  title: string,
  body: () => void,
): void {
  if (reason === null) {
    describe(title, body);
    return;
  }
  if (isCI) {
    describe(title, () => {
      test(`${required} (required in CI)`, () => {
        throw new Error(reason);
      });
    });
    return;
  }
  console.warn(`SKIPPED ${title}: ${reason}`);
  describe.skip(`${title} — skipped: ${reason}`, body);
}

/** `describe` for a suite that needs real services (describeNeeding). */
export function describeWith(needs: ('postgres' | 'redis')[], title: string, body: () => void): void {
  const missing = needs.filter((n) => !services[n].ok);
  const reason = missing.length ? missing.map((m) => services[m].reason).join('; ') : null;
  describeNeeding(reason, `${needs.join(' and ')} reachable`, title, body);
}
