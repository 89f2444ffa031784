/**
 * Every kind of token, forged every way an attacker (or a stale tab) would: each must be refused.
 * - JWTs: access tokens (local accounts), app-session tokens (LTI users) and LTI id_tokens at
 *   /lti/launch — `alg: none`, HS/RS confusion, wrong key, expired, not yet valid, issued in the
 *   future, wrong audience, wrong issuer, tampered payload. Each forgery is signed with the real key
 *   where the claim is what is wrong, so each row fails if its one check is removed.
 * - Opaque tokens: refresh (`rt_…`) and participant (`pt_…`) — forged, truncated, from another
 *   session, revoked.
 * Each table starts with a control: the genuine token is accepted, so a refusal means the forgery.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { CANVAS_USERS, type MockLaunchSpec, MockPlatform, pageData } from '@handsup/lti/testing';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { pollEngineFor } from './polls/index.ts';
import { openDatabase } from '../storage/database.ts';
import { accessKit } from './auth/kit.ts';
import { jwtKeys } from './auth/keys.ts';
import { hashToken } from './auth/secrets.ts';
import { toolJwksOf } from './lti/launch-harness.ts';
import { createTestApp, ORIGIN, PASSWORD, type TestApp } from './testing/test-app.ts';

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const enc = (s: string) => new TextEncoder().encode(s);
const decode = (jwt: string) => ({
  header: JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString()),
  payload: JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()),
});

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp(await openDatabase({ kind: 'pglite', dataDir: null }));
});
afterAll(() => t.deps.database.close());

describe('account JWTs: access tokens and LTI app-session tokens', () => {
  type Kind = 'access' | 'app-session';
  const genuine = async (kind: Kind): Promise<string> => {
    const u = await t.signUp(`${kind}-${crypto.randomUUID().slice(0, 6)}@example.edu`);
    if (kind === 'access') return u.token;
    return (await accessKit(t.deps).authenticator.issueAppSessionToken(u.userId)).accessToken;
  };

  /** Forgeries of a genuine token: each is the real token with exactly one thing wrong. */
  async function forgeries(token: string): Promise<Record<string, string>> {
    const { header, payload } = decode(token);
    const [key] = await jwtKeys(t.deps);
    const secret = enc(key.secret);
    const now = Math.floor(t.clock.now() / 1000);
    const sign = (
      claims: Record<string, unknown>,
      h: Record<string, unknown> = header,
      k: Parameters<SignJWT['sign']>[0] = secret,
    ) => new SignJWT(claims).setProtectedHeader(h as { alg: string }).sign(k);
    const rsa = await generateKeyPair('RS256', { extractable: true });
    const rsaPublicJwk = JSON.stringify(await exportJWK(rsa.publicKey));
    const [h, p, s] = token.split('.');
    return {
      'alg none': `${b64({ ...header, alg: 'none' })}.${p}.`,
      'alg none, no signature part': `${b64({ ...header, alg: 'none' })}.${p}`,
      'RS256 header, HMAC-signed with the server secret': `${b64({ ...header, alg: 'RS256' })}.${p}.${s}`,
      'RS256, signed by an attacker RSA key with the server kid': await sign(
        payload,
        { alg: 'RS256', kid: header.kid },
        rsa.privateKey,
      ),
      'HS256 keyed with an RSA public key': await sign(payload, header, enc(rsaPublicJwk)),
      'HS512 with the server secret': await sign(payload, { ...header, alg: 'HS512' }),
      'wrong key, same kid': await sign(payload, header, enc('not-the-server-key-not-the-server-key')),
      'unknown kid': await sign(payload, { ...header, kid: 'k-attacker' }),
      expired: await sign({ ...payload, iat: now - 3600, exp: now - 1 }),
      'not yet valid (nbf in the future)': await sign({ ...payload, nbf: now + 600 }),
      'issued in the future (iat)': await sign({ ...payload, iat: now + 600, exp: now + 900 }),
      'far-future exp (longer than an access token lives)': await sign({
        ...payload,
        exp: now + 30 * 86_400,
      }),
      'wrong audience': await sign({ ...payload, aud: 'someone-else' }),
      'no audience': await sign(Object.fromEntries(Object.entries(payload).filter(([k]) => k !== 'aud'))),
      'wrong issuer': await sign({ ...payload, iss: 'https://evil.example' }),
      'tampered payload (adm: true), original signature': `${h}.${b64({ ...payload, adm: true })}.${s}`,
      'tampered payload (other sub), original signature': `${h}.${b64({ ...payload, sub: crypto.randomUUID() })}.${s}`,
      'signature truncated': `${h}.${p}.${s.slice(0, -4)}`,
      'no family claim': await sign(Object.fromEntries(Object.entries(payload).filter(([k]) => k !== 'fam'))),
      'unknown via': await sign({ ...payload, via: 'saml' }),
    };
  }

  for (const kind of ['access', 'app-session'] as const) {
    test(`a genuine ${kind} token is accepted (control for the rows below)`, async () => {
      const me = await t.call('GET', '/api/auth/me', { token: await genuine(kind) });
      expect(me.status).toBe(200);
    });

    test(`${kind} token forgeries are all refused 401 (alg none, HS/RS confusion, wrong key, expired, nbf/iat in the future, wrong aud/iss, tampered)`, async () => {
      const forged = await forgeries(await genuine(kind));
      const accepted: string[] = [];
      for (const [name, token] of Object.entries(forged)) {
        const me = await t.call('GET', '/api/auth/me', { token });
        if (me.status !== 401) accepted.push(`${name} -> ${me.status}`);
      }
      expect(accepted).toEqual([]);
    });
  }

  test('a signed-out family is refused token_revoked (revoked access token)', async () => {
    const u = await t.signUp('revoked-jwt@example.edu');
    expect((await t.call('GET', '/api/auth/me', { token: u.token })).status).toBe(200);
    await t.call('POST', '/api/auth/sign-out-everywhere', { token: u.token });
    const me = await t.call('GET', '/api/auth/me', { token: u.token });
    expect(me.status).toBe(401);
    expect(me.body.error.code).toBe('token_revoked');
  });
});

describe('opaque tokens', () => {
  test('refresh tokens: forged, truncated, revoked by sign-out, replayed after rotation, or of another kind are refused', async () => {
    const u = await t.signUp('refresh-forge@example.edu');
    const refresh = (cookie: string) => t.call('POST', '/api/auth/refresh', { cookie });
    const value = u.cookie.split('=')[1];
    const rotated = await refresh(u.cookie);
    expect(rotated.status).toBe(200);
    const current = t.refreshCookieOf(rotated)!;
    const currentValue = current.split('=')[1];
    const bad: Record<string, string> = {
      forged: `handsup_rt=rt_${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url')}`,
      truncated: `handsup_rt=${currentValue.slice(0, -6)}`,
      'one character changed': `handsup_rt=${currentValue.slice(0, -1)}${currentValue.endsWith('A') ? 'B' : 'A'}`,
      'an access token as the cookie': `handsup_rt=${u.token}`,
      empty: 'handsup_rt=',
    };
    const accepted: string[] = [];
    for (const [name, cookie] of Object.entries(bad)) {
      const r = await refresh(cookie);
      if (r.status !== 401) accepted.push(`${name} -> ${r.status}`);
    }
    expect(accepted).toEqual([]);
    // The genuine current token still works (the forgeries did not revoke it)…
    const again = await refresh(current);
    expect(again.status).toBe(200);
    // …the replayed first one (after the grace period) is refused and ends the family…
    t.clock.advance(5 * 60_000);
    expect((await refresh(`handsup_rt=${value}`)).status).toBe(401);
    expect((await refresh(t.refreshCookieOf(again)!)).status).toBe(401);
    // …and a signed-out one is refused.
    const v = await t.signUp('refresh-out@example.edu');
    await t.call('POST', '/api/auth/sign-out', { cookie: v.cookie });
    expect((await refresh(v.cookie)).status).toBe(401);
  });

  test('a refresh token is not a bearer token', async () => {
    const u = await t.signUp('rt-bearer@example.edu');
    const me = await t.call('GET', '/api/auth/me', { token: u.cookie.split('=')[1] });
    expect(me.status).toBe(401);
  });

  test('participant tokens: forged, truncated, of another session, kicked (in the database or by revocation) are refused', async () => {
    const owner = await t.signUp('pt-owner@example.edu');
    const mk = async (title: string) => {
      const s = (await t.call('POST', '/api/sessions', { token: owner.token, body: { title } })).body;
      await t.call('POST', `/api/sessions/${s.id}/start`, { token: owner.token });
      return s as { id: string; joinCode: string };
    };
    const a = await mk('A');
    const b = await mk('B');
    const join = async (code: string, name: string) =>
      (await t.call('POST', `/api/join/${code}`, { body: { displayName: name } })).body as {
        participantToken: string;
        participantId: string;
      };
    const p = await join(a.joinCode, 'Sam');
    const { handler } = pollEngineFor(t.deps);
    const refusal = (token: string, sessionId: string) =>
      handler.authorise(token, sessionId).then(
        () => 'accepted',
        (e: { code?: string }) => e.code ?? 'error',
      );
    expect(await refusal(p.participantToken, a.id)).toBe('accepted');
    expect(await refusal(`pt_${'A'.repeat(43)}`, a.id)).toBe('unauthenticated');
    expect(await refusal(p.participantToken.slice(0, -3), a.id)).toBe('unauthenticated');
    expect(await refusal(`${p.participantToken}x`, a.id)).toBe('unauthenticated');
    expect(await refusal(p.participantToken, b.id)).toBe('forbidden');
    // Kicked, and the token no longer cached (join caches it for a minute): the database says so.
    const q = await join(a.joinCode, 'Kim');
    await t.deps.crossNode.cache.delete(`participant-token:${hashToken(q.participantToken)}`);
    await t.deps.database.query('UPDATE participants SET kicked_at = now() WHERE id = $1', [q.participantId]);
    expect(await refusal(q.participantToken, a.id)).toBe('kicked');
    // Kicked while its token is cached on this node: the revocation says so.
    await t.deps.database.query('UPDATE participants SET kicked_at = now() WHERE id = $1', [p.participantId]);
    await t.deps.crossNode.revocations.revoke(`participant:${p.participantId}`, 60_000);
    expect(await refusal(p.participantToken, a.id)).toBe('kicked');
  });
});

describe('LTI id_tokens at /lti/launch', () => {
  let lms: MockPlatform;
  const spec: MockLaunchSpec = { user: CANVAS_USERS.student, resourceLinkId: 'forgery-rl' };
  beforeAll(async () => {
    lms = await MockPlatform.start({ flavor: 'canvas', toolJwks: toolJwksOf(t) });
    const admin = await t.signUp('lti-admin@example.edu');
    await t.makeAdmin(admin.userId);
    const signedIn = await t.call('POST', '/api/auth/sign-in', {
      body: { email: 'lti-admin@example.edu', password: PASSWORD },
    });
    const r = lms.registration;
    const a = await t.call('POST', '/api/lti/platforms', {
      token: signedIn.body.accessToken,
      body: {
        issuer: r.issuer,
        clientId: r.clientId,
        authLoginUrl: r.authLoginUrl,
        authTokenUrl: r.authTokenUrl,
        jwksUrl: r.jwksUrl,
        deploymentIds: r.deploymentIds,
      },
    });
    expect(a.status).toBe(201);
  });
  afterAll(() => lms?.stop());

  /** A real login at the tool: its state, nonce and binding cookie, for a launch we sign ourselves. */
  async function login() {
    const params = new URLSearchParams(lms.loginParams(`${ORIGIN}/lti/launch`, spec));
    const res = await t.app.handle(new Request(`${ORIGIN}/lti/login?${params}`));
    const html = await res.text();
    expect(res.status).toBe(200);
    const { authUrl } = pageData<{ authUrl: string }>(html);
    const q = new URL(authUrl).searchParams;
    return {
      state: q.get('state')!,
      nonce: q.get('nonce')!,
      cookie: (res.headers.get('set-cookie') ?? '').split(';')[0]!,
    };
  }
  const launch = async (idToken: string, l: Awaited<ReturnType<typeof login>>) => {
    const res = await t.app.handle(
      new Request(`${ORIGIN}/lti/launch`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: l.cookie },
        body: new URLSearchParams({ id_token: idToken, state: l.state }),
      }),
    );
    const html = await res.text();
    return { status: res.status, handedOff: /"token"\s*:\s*"ey/.test(html), html };
  };
  const publishedJwk = async () =>
    ((await (await fetch(lms.jwksUrl)).json()) as { keys: Record<string, unknown>[] }).keys[0];

  test('a genuine id_token launches (control for the rows below)', async () => {
    const l = await login();
    const r = await launch(await lms.signIdToken(lms.claimsFor(spec, l.nonce, `${ORIGIN}/lti/launch`)), l);
    expect(r.status).toBe(200);
    expect(r.handedOff).toBe(true);
  });

  const now = () => Math.floor(Date.now() / 1000);
  const cases: Record<string, (claims: Record<string, unknown>) => Promise<string>> = {
    'alg none': async (c) =>
      `${b64({ alg: 'none', typ: 'JWT', kid: (await publishedJwk()).kid })}.${b64(c)}.`,
    'HS256 keyed with the platform public key (RS/HS confusion)': async (c) => {
      const jwk = await publishedJwk();
      return new SignJWT(c)
        .setProtectedHeader({ alg: 'HS256', kid: jwk.kid as string })
        .sign(enc(JSON.stringify(jwk)));
    },
    'HS256 keyed with the modulus of the platform key': async (c) => {
      const jwk = await publishedJwk();
      return new SignJWT(c)
        .setProtectedHeader({ alg: 'HS256', kid: jwk.kid as string })
        .sign(Buffer.from(jwk.n as string, 'base64url'));
    },
    'wrong key with the published kid': (c) => lms.signIdToken(c, 'wrong-key-same-kid'),
    'an unpublished key': (c) => lms.signIdToken(c, 'unpublished-key'),
    expired: (c) => lms.signIdToken({ ...c, iat: now() - 7200, exp: now() - 3600 }),
    'not yet valid (nbf)': (c) => lms.signIdToken({ ...c, nbf: now() + 3600 }),
    'issued in the future (iat)': (c) => lms.signIdToken({ ...c, iat: now() + 3600, exp: now() + 7200 }),
    'wrong audience': (c) => lms.signIdToken({ ...c, aud: 'another-tool' }),
    'audience list without azp for us': (c) => lms.signIdToken({ ...c, aud: [c.aud, 'x'], azp: 'x' }),
    'wrong issuer': (c) => lms.signIdToken({ ...c, iss: 'https://evil.example' }),
    'wrong nonce': (c) => lms.signIdToken({ ...c, nonce: crypto.randomUUID() }),
    'tampered payload (role Instructor), original signature': async (c) => {
      const [h, , s] = (await lms.signIdToken(c)).split('.');
      const roles = ['http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor'];
      return `${h}.${b64({ ...c, 'https://purl.imsglobal.org/spec/lti/claim/roles': roles })}.${s}`;
    },
    'signature truncated': async (c) => (await lms.signIdToken(c)).slice(0, -5),
    'empty header segment': async (c) => `.${(await lms.signIdToken(c)).split('.').slice(1).join('.')}`,
  };

  test('id_token forgeries are refused, write nothing and hand off no token (alg none, HS/RS confusion, wrong key, expired, nbf/iat in the future, wrong aud/iss/nonce, tampered)', async () => {
    const users = await t.count('users');
    const accepted: string[] = [];
    for (const [name, forge] of Object.entries(cases)) {
      const l = await login();
      const r = await launch(await forge(lms.claimsFor(spec, l.nonce, `${ORIGIN}/lti/launch`)), l);
      if (r.status < 400 || r.handedOff) accepted.push(`${name} -> ${r.status}`);
    }
    expect(accepted).toEqual([]);
    expect(await t.count('users')).toBe(users);
  });

  test('a genuine id_token replayed with its used state is refused', async () => {
    const l = await login();
    const token = await lms.signIdToken(lms.claimsFor(spec, l.nonce, `${ORIGIN}/lti/launch`));
    expect((await launch(token, l)).status).toBe(200);
    const again = await launch(token, l);
    expect(again.status).toBeGreaterThanOrEqual(400);
    expect(again.handedOff).toBe(false);
  });
});
