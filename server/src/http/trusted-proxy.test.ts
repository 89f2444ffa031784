/**
 * A real server process with TRUSTED_PROXIES unset: a client that claims another address in
 * `X-Forwarded-For` is still counted, limited and audited as the socket peer (127.0.0.1). If the
 * header were believed, rotating it would evade the limit and the audit entry would name 1.2.3.4.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { type ServerProcess, spawnServer, tempDir } from '../testing/processes.ts';

const ADMIN = { email: 'proxy-admin@example.edu', password: 'blue-harbour-kettle-42' };
let s: ServerProcess;

beforeAll(async () => {
  s = await spawnServer({
    HANDSUP_DATA_DIR: tempDir('handsup-proxy-'),
    JWT_SECRETS: `k1:${crypto.randomUUID()}${crypto.randomUUID()}`,
    HANDSUP_ADMIN_EMAIL: ADMIN.email,
    HANDSUP_ADMIN_PASSWORD: ADMIN.password,
    RATE_LIMIT_JOIN_FAILED: '3/60',
    TRUSTED_PROXIES: '',
  });
  await s.waitReady(60_000);
}, 70_000);
afterAll(async () => {
  await s?.kill();
});

const spoofed = (i: number) => ({ 'x-forwarded-for': `1.2.3.${4 + i}`, 'x-real-ip': `1.2.3.${4 + i}` });

test('with TRUSTED_PROXIES unset, a spoofed X-Forwarded-For cannot evade the failed-join limit (the key is the socket peer)', async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await fetch(`${s.url}/api/join/WRNGCD`, { headers: spoofed(i) });
    statuses.push(r.status);
  }
  expect(statuses).toEqual([404, 404, 404, 429, 429]);
});

test('with TRUSTED_PROXIES unset, the audit entry and the request log name the socket peer, not the forwarded address', async () => {
  const failed = await fetch(`${s.url}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...spoofed(100) },
    body: JSON.stringify({ email: ADMIN.email, password: 'not-the-password-1' }),
  });
  expect(failed.status).toBe(401);
  const signIn = await fetch(`${s.url}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  expect(signIn.status).toBe(200);
  const { accessToken } = (await signIn.json()) as { accessToken: string };
  const page = (await (
    await fetch(`${s.url}/api/audit?action=auth.sign_in_failed`, {
      headers: { authorization: `Bearer ${accessToken}` },
    })
  ).json()) as { entries: { ip: string | null }[] };
  expect(page.entries.length).toBeGreaterThanOrEqual(1);
  for (const e of page.entries) expect(e.ip).toBe('127.0.0.1');
  const out = await s.output();
  const requestLines = out.split('\n').filter((l) => l.includes('"path":"/api/auth/sign-in"'));
  expect(requestLines.length).toBeGreaterThanOrEqual(2);
  expect(out).not.toContain('1.2.3.');
});
