/**
 * The dependency audit's three outcomes, each from a real `bun audit` of this repository against a
 * local stand-in for the registry's advisory endpoint (POST /-/npm/v1/security/advisories/bulk).
 */
import { afterAll, expect, test } from 'bun:test';
import { join } from 'node:path';
import { classifyAudit, runAudit } from './audit.ts';

const root = join(import.meta.dir, '..');
const servers: { stop(force?: boolean): void }[] = [];

/** A registry whose advisory endpoint answers with `reply` for the packages it is asked about. */
function registry(reply: (packages: string[]) => Response): string {
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(req) {
      if (!new URL(req.url).pathname.endsWith('/security/advisories/bulk'))
        return new Response('not found', { status: 404 });
      const body = new Uint8Array(await req.arrayBuffer());
      const gzipped = req.headers.get('content-encoding') === 'gzip';
      const asked = JSON.parse(new TextDecoder().decode(gzipped ? Bun.gunzipSync(body) : body)) as Record<
        string,
        string[]
      >;
      return reply(Object.keys(asked));
    },
  });
  servers.push(server);
  return `http://127.0.0.1:${server.port}/`;
}

const advisory = (severity: string) => (packages: string[]) => {
  const name = packages.includes('jose') ? 'jose' : packages[0];
  return Response.json({
    [name]: [
      {
        id: 1,
        url: 'https://example.invalid/advisories/1',
        title: `A ${severity} test advisory`,
        severity,
        vulnerable_versions: '>=0.0.0',
        cwe: [],
        cvss: { score: severity === 'critical' ? 9.8 : 2.0, vectorString: null },
      },
    ],
  });
};

const audit = (registryUrl: string) =>
  runAudit(process.execPath, root, {
    ...process.env,
    NPM_CONFIG_REGISTRY: registryUrl,
    BUN_CONFIG_REGISTRY: registryUrl,
  });

afterAll(() => {
  for (const s of servers) s.stop(true);
});

test('a critical advisory for a production dependency fails the audit', async () => {
  const outcome = await audit(registry(advisory('critical')));
  expect(outcome.status).toBe('failed');
  expect(outcome.output).toMatch(/critical/i);
});

test('an advisory below critical does not fail it', async () => {
  const outcome = await audit(registry(advisory('low')));
  expect(outcome.status).toBe('ok');
});

test('no advisories: ok', async () => {
  const outcome = await audit(registry(() => Response.json({})));
  expect(outcome.status).toBe('ok');
});

test('an advisory endpoint the mirror does not serve (405) skips the audit, with the reason', async () => {
  const outcome = await audit(registry(() => new Response('method not allowed', { status: 405 })));
  expect(outcome).toMatchObject({ status: 'skipped', reason: expect.stringContaining('405') });
});

test('a registry that cannot be reached skips the audit', async () => {
  const gone = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: () => new Response('') });
  const url = `http://127.0.0.1:${gone.port}/`;
  gone.stop(true);
  const outcome = await audit(url);
  expect(outcome.status).toBe('skipped');
});

test('output that reports vulnerabilities always fails, even beside a connection error', () => {
  expect(classifyAudit(1, 'ECONNREFUSED on one request\n1 vulnerability (1 critical)').status).toBe('failed');
  expect(classifyAudit(1, 'error: advisories/bulk - 405').status).toBe('skipped');
  expect(classifyAudit(0, '').status).toBe('ok');
});
