/**
 * Security headers through a real server process: every kind of response (API JSON, a SvelteKit page,
 * a static file, an LTI page, a refused WebSocket upgrade) carries the hardening headers; pages may be
 * framed only by the configured origins and the registered LTI platforms; HSTS only behind HTTPS that
 * a trusted proxy vouches for.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type ServerProcess, spawnServer, tempDir } from '../testing/processes.ts';
import { WEB_BUILD_DIR } from '../web-handler.ts';

const ADMIN = { email: 'headers-admin@example.edu', password: 'blue-harbour-kettle-42' };
const CONFIGURED = 'https://portal.school.example';
const LMS = { issuer: 'https://lms.school.example', auth: 'https://auth.lms-cdn.example/authorize' };

let s: ServerProcess;
let untrusted: ServerProcess;
const get = (path: string, headers: Record<string, string> = {}) => fetch(`${s.url}${path}`, { headers });

beforeAll(async () => {
  [s, untrusted] = await Promise.all([
    spawnServer({
      HANDSUP_DATA_DIR: tempDir(),
      FRAME_ANCESTORS: CONFIGURED,
      TRUSTED_PROXIES: '127.0.0.1',
      HANDSUP_ADMIN_EMAIL: ADMIN.email,
      HANDSUP_ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'warn',
    }),
    spawnServer({ HANDSUP_DATA_DIR: tempDir(), LOG_LEVEL: 'warn' }),
  ]);
  await Promise.all([s.waitReady(60_000), untrusted.waitReady(60_000)]);
}, 90_000);
afterAll(async () => {
  await Promise.all([s?.kill(), untrusted?.kill()]);
});

function expectHardened(h: Headers) {
  expect(h.get('x-content-type-options')).toBe('nosniff');
  expect(h.get('referrer-policy')).toBeTruthy();
  expect(h.get('permissions-policy')).toContain('camera=()');
  expect(h.get('x-frame-options')).toBeNull();
  expect(h.get('strict-transport-security')).toBeNull();
}

/** Every CSP policy in the header (several policies are comma-joined; all are enforced). */
const policies = (h: Headers) => (h.get('content-security-policy') ?? '').split(',').map((p) => p.trim());
const directive = (h: Headers, name: string) =>
  policies(h)
    .flatMap((p) => p.split(';').map((d) => d.trim()))
    .filter((d) => d.startsWith(`${name} `) || d === name);

describe('security headers on every response of a real server', () => {
  test('API JSON: deny-all CSP, not frameable', async () => {
    const r = await get('/api/auth/me');
    expectHardened(r.headers);
    expect(r.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(directive(r.headers, 'frame-ancestors')).toEqual(["frame-ancestors 'none'"]);
  });

  test("a page: SvelteKit's nonce CSP with no 'unsafe-inline' script, frameable by the configured origin", async () => {
    const r = await get('/');
    expect(r.headers.get('content-type')).toStartWith('text/html');
    expectHardened(r.headers);
    const scripts = directive(r.headers, 'script-src');
    expect(scripts.length).toBeGreaterThan(0);
    for (const d of scripts) {
      expect(d).toMatch(/'nonce-[\w+/=]+'/);
      expect(d).not.toContain('unsafe-inline');
    }
    const html = await r.text();
    const nonce = /'nonce-([\w+/=]+)'/.exec(scripts[0])![1];
    // Every inline script carries this response's nonce.
    const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)];
    expect(inline.length).toBeGreaterThan(0);
    for (const m of inline) expect(m[1]).toContain(`nonce="${nonce}"`);
    expect(directive(r.headers, 'frame-ancestors')).toEqual([`frame-ancestors 'self' ${CONFIGURED}`]);
  });

  test('a static file from the web build', async () => {
    const dir = join(WEB_BUILD_DIR, 'client', '_app', 'immutable', 'entry');
    const file = readdirSync(dir).find((f) => f.endsWith('.js'))!;
    const r = await get(`/_app/immutable/entry/${file}`);
    expect(r.status).toBe(200);
    expectHardened(r.headers);
    expect(r.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  test('a refused WebSocket upgrade', async () => {
    const r = await get('/ws');
    expect(r.status).toBe(400);
    expectHardened(r.headers);
  });

  test("a registered LTI platform's origins may frame Handsup at once, and its LTI page has a nonce CSP", async () => {
    const signIn = await fetch(`${s.url}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://localhost:3000' },
      body: JSON.stringify(ADMIN),
    });
    expect(signIn.status).toBe(200);
    const { accessToken } = (await signIn.json()) as { accessToken: string };
    const add = await fetch(`${s.url}/api/lti/platforms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({
        issuer: LMS.issuer,
        clientId: 'handsup-tool',
        authLoginUrl: LMS.auth,
        authTokenUrl: `${LMS.issuer}/token`,
        jwksUrl: `${LMS.issuer}/jwks`,
        deploymentIds: ['1'],
      }),
    });
    expect(add.status).toBe(201);

    const page = await get('/signin');
    expect(directive(page.headers, 'frame-ancestors')).toEqual([
      `frame-ancestors 'self' ${CONFIGURED} ${LMS.issuer} https://auth.lms-cdn.example`,
    ]);

    const q = new URLSearchParams({
      iss: LMS.issuer,
      client_id: 'handsup-tool',
      login_hint: 'u1',
      target_link_uri: `http://localhost:${s.port}/lti/launch`,
    });
    const lti = await get(`/lti/login?${q}`);
    expect(lti.headers.get('content-type')).toStartWith('text/html');
    expectHardened(lti.headers);
    const html = await lti.text();
    const scripts = directive(lti.headers, 'script-src');
    expect(scripts).toHaveLength(1);
    expect(scripts[0]).not.toContain('unsafe-inline');
    const nonce = /'nonce-(\w+)'/.exec(scripts[0])![1];
    expect(html).toContain(`<script nonce="${nonce}">`);
    expect(directive(lti.headers, 'frame-ancestors')[0]).toContain(LMS.issuer);
  });

  test('HSTS only when a trusted proxy says the client used HTTPS', async () => {
    const viaProxy = await get('/', { 'x-forwarded-proto': 'https' });
    expect(viaProxy.headers.get('strict-transport-security')).toContain('max-age=31536000');
    const api = await get('/healthz', { 'x-forwarded-proto': 'https' });
    expect(api.headers.get('strict-transport-security')).toContain('max-age=31536000');
    expect((await get('/')).headers.get('strict-transport-security')).toBeNull();
  });
});

describe('an untrusted peer cannot claim HTTPS', () => {
  test('X-Forwarded-Proto from a peer outside TRUSTED_PROXIES is ignored', async () => {
    const r = await fetch(`${untrusted.url}/`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(r.headers.get('strict-transport-security')).toBeNull();
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
