import { expect, test } from 'bun:test';
import { describeStorage } from '../../testing/storage-matrix.ts';
import { forgedTokens } from '../testing/forged-tokens.ts';
import { createTestApp, PASSWORD, type TestApp } from '../testing/test-app.ts';
import { parseConfig } from '../../config/config.ts';
import { bootstrapAdmin } from './admin-bootstrap.ts';
import { ACCESS_TOKEN_TTL_MS } from './authenticator.ts';
import { REFRESH_GRACE_MS } from './refresh-tokens.ts';

const auditActions = async (t: TestApp) =>
  (await t.deps.database.query<{ action: string }>('SELECT action FROM audit_log ORDER BY id')).map(
    (r) => r.action,
  );

describeStorage('accounts and tokens', ({ open }) => {
  let t: TestApp;
  test('setup', async () => {
    t = await createTestApp(await open());
  });

  test('sign-up normalises the email, refuses weak passwords and duplicates, and sets an HttpOnly refresh cookie', async () => {
    const weak = await t.call('POST', '/api/auth/sign-up', {
      body: { email: 'weak@example.edu', password: 'password123' },
    });
    expect(weak.status).toBe(400);
    expect(weak.body.error.field).toBe('password');
    const short = await t.call('POST', '/api/auth/sign-up', {
      body: { email: 'weak@example.edu', password: 'short' },
    });
    expect(short.status).toBe(400);
    const a = await t.call('POST', '/api/auth/sign-up', {
      body: { email: '  Ada@Example.EDU ', password: PASSWORD },
    });
    expect(a.status).toBe(400); // surrounding spaces fail the email pattern: the page trims
    const ok = await t.call('POST', '/api/auth/sign-up', {
      body: { email: 'Ada@Example.EDU', password: PASSWORD },
    });
    expect(ok.status).toBe(201);
    expect(ok.body.user.email).toBe('ada@example.edu');
    expect(ok.headers.get('set-cookie')).toMatch(
      /^handsup_rt=rt_[\w-]+; HttpOnly; SameSite=Lax; Path=\/api\/auth; Max-Age=\d+$/,
    );
    const header = JSON.parse(Buffer.from(ok.body.accessToken.split('.')[0], 'base64url').toString());
    expect(header).toMatchObject({ alg: 'HS256', kid: 'dev' });
    expect(ok.body.expiresAt - t.clock.now()).toBeLessThanOrEqual(15 * 60_000);
    const dup = await t.call('POST', '/api/auth/sign-up', {
      body: { email: 'ada@example.edu', password: PASSWORD },
    });
    expect(dup.status).toBe(409);
    const stored = await t.deps.database.query<{ password_hash: string }>(
      'SELECT password_hash FROM credentials',
    );
    // OWASP's argon2id setting (19 MiB, 2 passes, 1 lane), not Bun's 64 MiB default.
    expect(stored[0].password_hash).toStartWith('$argon2id$v=19$m=19456,t=2,p=1$');
  });

  test("a password hashed with Bun's earlier default (64 MiB) still signs in", async () => {
    const old = await Bun.password.hash(PASSWORD, { algorithm: 'argon2id' });
    expect(old).toStartWith('$argon2id$v=19$m=65536,');
    const up = await t.call('POST', '/api/auth/sign-up', {
      body: { email: 'old@example.edu', password: PASSWORD },
    });
    expect(up.status).toBe(201);
    await t.deps.database.query('UPDATE credentials SET password_hash = $1 WHERE user_id = $2', [
      old,
      up.body.user.id,
    ]);
    const signIn = await t.call('POST', '/api/auth/sign-in', {
      body: { email: 'old@example.edu', password: PASSWORD },
    });
    expect(signIn.status).toBe(200);
  });

  test('a wrong email and a wrong password get the identical answer, and both are audited', async () => {
    const wrongEmail = await t.call('POST', '/api/auth/sign-in', {
      body: { email: 'nobody@example.edu', password: PASSWORD },
    });
    const wrongPassword = await t.call('POST', '/api/auth/sign-in', {
      body: { email: 'ada@example.edu', password: 'not-the-password' },
    });
    expect(wrongEmail.status).toBe(401);
    expect(wrongEmail.body).toEqual(wrongPassword.body);
    const ok = await t.call('POST', '/api/auth/sign-in', {
      body: { email: 'ADA@example.edu', password: PASSWORD },
    });
    expect(ok.status).toBe(200);
    const me = await t.call('GET', '/api/auth/me', { token: ok.body.accessToken });
    expect(me.body).toMatchObject({ email: 'ada@example.edu', isAdmin: false, via: 'password' });
    const actions = await auditActions(t);
    expect(actions.filter((a) => a === 'auth.sign_in_failed').length).toBe(2);
    expect(actions).toContain('auth.signed_in');
  });

  test('repeated failures for one email are rate-limited with Retry-After', async () => {
    let last = await t.call('POST', '/api/auth/sign-in', {
      body: { email: 'victim@example.edu', password: 'guess-000000' },
      ip: '198.51.100.9',
    });
    for (let i = 0; i < 10 && last.status !== 429; i++) {
      last = await t.call('POST', '/api/auth/sign-in', {
        body: { email: 'victim@example.edu', password: `guess-${i}-xxxx` },
        ip: '198.51.100.9',
      });
    }
    expect(last.status).toBe(429);
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  test('every refresh rotates the token; an old token replayed after the grace period revokes the family and is audited', async () => {
    const u = await t.signUp('rotate@example.edu');
    const r1 = await t.call('POST', '/api/auth/refresh', { cookie: u.cookie });
    expect(r1.status).toBe(200);
    const c1 = t.refreshCookieOf(r1)!;
    expect(c1).not.toBe(u.cookie);
    t.clock.advance(REFRESH_GRACE_MS + 1);
    const replay = await t.call('POST', '/api/auth/refresh', { cookie: u.cookie });
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe('token_revoked');
    // The whole family is gone: the legitimate newest token no longer works, nor its access tokens.
    expect((await t.call('POST', '/api/auth/refresh', { cookie: c1 })).status).toBe(401);
    expect((await t.call('GET', '/api/auth/me', { token: r1.body.accessToken })).body.error.code).toBe(
      'token_revoked',
    );
    const [entry] = await t.deps.database.query<{ actor_user_id: string; ip: string }>(
      `SELECT actor_user_id, ip FROM audit_log WHERE action = 'auth.refresh_token_reused'`,
    );
    expect(entry).toEqual({ actor_user_id: u.userId, ip: '203.0.113.7' });
  });

  test('two tabs refreshing within the grace period get the same new token and stay signed in', async () => {
    const u = await t.signUp('tabs@example.edu');
    const [a, b] = await Promise.all([
      t.call('POST', '/api/auth/refresh', { cookie: u.cookie }),
      t.call('POST', '/api/auth/refresh', { cookie: u.cookie }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(t.refreshCookieOf(a)).toBe(t.refreshCookieOf(b));
    t.clock.advance(REFRESH_GRACE_MS - 1000);
    const c = await t.call('POST', '/api/auth/refresh', { cookie: u.cookie });
    expect(t.refreshCookieOf(c)).toBe(t.refreshCookieOf(a));
    expect((await t.call('POST', '/api/auth/refresh', { cookie: t.refreshCookieOf(a)! })).status).toBe(200);
  });

  test('refresh and sign-out are refused without our Origin (CSRF)', async () => {
    const u = await t.signUp('csrf@example.edu');
    for (const origin of [null, 'https://evil.example']) {
      const a = await t.call('POST', '/api/auth/refresh', { cookie: u.cookie, origin });
      expect(a.status).toBe(403);
      expect(a.body.error.code).toBe('csrf_rejected');
      expect((await t.call('POST', '/api/auth/sign-out', { cookie: u.cookie, origin })).status).toBe(403);
    }
    expect((await t.call('POST', '/api/auth/refresh', { cookie: u.cookie })).status).toBe(200);
  });

  test("sign-out ends this browser's family and its access tokens", async () => {
    const u = await t.signUp('bye@example.edu');
    const out = await t.call('POST', '/api/auth/sign-out', { cookie: u.cookie });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    expect((await t.call('POST', '/api/auth/refresh', { cookie: u.cookie })).status).toBe(401);
    expect((await t.call('GET', '/api/auth/me', { token: u.token })).status).toBe(401);
  });

  test('sign-out everywhere ends every family and announces the user revocation to every node', async () => {
    const u = await t.signUp('everywhere@example.edu');
    const other = await t.call('POST', '/api/auth/sign-in', {
      body: { email: 'everywhere@example.edu', password: PASSWORD },
    });
    const seen: string[] = [];
    const off = await t.deps.crossNode.revocations.onRevoked((id) => seen.push(id));
    const a = await t.call('POST', '/api/auth/sign-out-everywhere', { token: u.token });
    expect(a.status).toBe(200);
    expect((await t.call('GET', '/api/auth/me', { token: other.body.accessToken })).status).toBe(401);
    expect((await t.call('POST', '/api/auth/refresh', { cookie: t.refreshCookieOf(other)! })).status).toBe(
      401,
    );
    await Bun.sleep(20);
    expect(seen).toContain(`user:${u.userId}`);
    await off();
    const again = await t.call('POST', '/api/auth/sign-in', {
      body: { email: 'everywhere@example.edu', password: PASSWORD },
    });
    expect((await t.call('GET', '/api/auth/me', { token: again.body.accessToken })).status).toBe(200);
  });

  test('expired, wrong-key and alg:none tokens are refused; renewal gives a fresh token for the same sign-in', async () => {
    const u = await t.signUp('jwt@example.edu');
    const forged = await forgedTokens(u.userId, u.token);
    expect((await t.call('GET', '/api/auth/me', { token: forged.wrongKey })).body.error.code).toBe(
      'unauthenticated',
    );
    expect((await t.call('GET', '/api/auth/me', { token: forged.algNone })).body.error.code).toBe(
      'unauthenticated',
    );
    const renewed = await t.call('POST', '/api/auth/renew', { token: u.token });
    expect(renewed.status).toBe(200);
    t.clock.advance(ACCESS_TOKEN_TTL_MS + 1000);
    const expired = await t.call('GET', '/api/auth/me', { token: u.token });
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('token_expired');
  });

  test('HANDSUP_ADMIN_EMAIL / _PASSWORD create the first admin once, and never a second', async () => {
    const env = (email: string) =>
      parseConfig({ HANDSUP_ADMIN_EMAIL: email, HANDSUP_ADMIN_PASSWORD: 'first-admin-passphrase' });
    await bootstrapAdmin({ ...t.deps, config: env('Boss@example.edu') });
    await bootstrapAdmin({ ...t.deps, config: env('second@example.edu') });
    const admins = await t.deps.database.query<{ email: string }>('SELECT email FROM users WHERE is_admin');
    expect(admins).toEqual([{ email: 'boss@example.edu' }]);
    const a = await t.call('POST', '/api/auth/sign-in', {
      body: { email: 'boss@example.edu', password: 'first-admin-passphrase' },
    });
    expect(a.body.user.isAdmin).toBe(true);
    expect((await t.call('GET', '/api/audit', { token: a.body.accessToken })).status).toBe(200);
  });
});
