/**
 * No secret or token ever reaches the logs. A real server process at LOG_LEVEL=debug (everything
 * written) goes through a flow that touches every secret — configured secrets (JWT keys, encryption
 * key, metrics token, first-admin password), passwords at sign-up / sign-in (right and wrong), the
 * refresh cookie (rotation, reuse, forged), access tokens, participant tokens (join, WebSocket hello,
 * votes, a forged one), an LTI launch (id_token, state, binding, app-session token) — and every line
 * it printed is searched for each of those values and for token shapes (pt_, rt_, JWTs).
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { CANVAS_USERS, MockPlatform, pageData, parseAutoPostForm } from '@handsup/lti/testing';
import { freePort, type ServerProcess, spawnServer, tempDir } from '../testing/processes.ts';

const SECRETS = {
  jwt: 'k1:jwt-secret-7f3a9c1e5b2d4f6a8c0e1b3d5f7a9c2e',
  encryption: 'enc-key-4b6d8f0a2c4e6a8c0e2b4d6f8a0c2e4b',
  metrics: 'metrics-token-9e8d7c6b5a4f3e2d1c0b',
  adminPassword: 'admin-pass-plum-walrus-8841',
  teacherPassword: 'teacher-pass-violet-otter-2207',
  wrongPassword: 'wrong-pass-amber-heron-5512',
};
export const TOKEN_SHAPES = [/\bpt_[\w-]{8,}/, /\brt_[\w-]{8,}/, /eyJ[\w-]{4,}\.eyJ[\w-]{4,}/];

let s: ServerProcess;
let origin: string;
let lms: MockPlatform;
const seen: string[] = [];

beforeAll(async () => {
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  s = await spawnServer(
    {
      HANDSUP_DATA_DIR: tempDir(),
      LOG_LEVEL: 'debug',
      PUBLIC_ORIGIN: origin,
      JWT_SECRETS: SECRETS.jwt,
      HANDSUP_ENCRYPTION_KEY: SECRETS.encryption,
      METRICS_TOKEN: SECRETS.metrics,
      HANDSUP_ADMIN_EMAIL: 'admin@example.edu',
      HANDSUP_ADMIN_PASSWORD: SECRETS.adminPassword,
    },
    port,
  );
  await s.waitReady(60_000);
  lms = await MockPlatform.start({
    flavor: 'canvas',
    toolJwks: async () => (await fetch(`${origin}/lti/jwks`)).json(),
  });
}, 90_000);
afterAll(async () => {
  lms?.stop();
  await s?.kill();
});

async function call(
  method: string,
  path: string,
  o: { token?: string; cookie?: string; body?: unknown } = {},
) {
  const headers: Record<string, string> = { origin };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.cookie) headers.cookie = o.cookie;
  if (o.body !== undefined) headers['content-type'] = 'application/json';
  const r = await fetch(`${origin}${path}`, {
    method,
    headers,
    body: o.body === undefined ? undefined : JSON.stringify(o.body),
  });
  const text = await r.text();
  // biome-ignore lint/suspicious/noExplicitAny: the test reads whatever JSON came back
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {}
  const cookie = /handsup_rt=([^;]+)/.exec(r.headers.get('set-cookie') ?? '')?.[1];
  if (cookie) seen.push(cookie);
  return { status: r.status, body, cookie: cookie ? `handsup_rt=${cookie}` : undefined };
}

/** hello + votes over a real WebSocket; resolves on the last vote.accepted (or after the snapshot). */
function socket(token: string, sessionId: string, votes: unknown[] = []): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${origin.replace('http', 'ws')}/ws`);
    let accepted = 0;
    const timer = setTimeout(() => reject(new Error('socket flow timed out')), 10_000);
    const done = () => {
      clearTimeout(timer);
      ws.close();
      resolve();
    };
    ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', protocolVersion: 1, token, sessionId }));
    ws.onmessage = (e) => {
      const m = JSON.parse(String(e.data));
      if (m.type === 'session.snapshot') {
        if (votes.length === 0) return done();
        for (const value of votes)
          ws.send(
            JSON.stringify({ type: 'vote.cast', ...(value as object), clientMsgId: crypto.randomUUID() }),
          );
      } else if (m.type === 'vote.accepted' && ++accepted === votes.length) done();
      else if (m.type === 'error' && votes.length === 0) done();
    };
    ws.onclose = () => {
      clearTimeout(timer);
      resolve();
    };
  });
}

test('a full flow through every secret leaves none of them, and no token, in the logs', async () => {
  // Accounts: sign-up, a failed and a good sign-in, refresh (rotation), reuse of the old cookie, /me.
  const up = await call('POST', '/api/auth/sign-up', {
    body: { email: 'ada@example.edu', password: SECRETS.teacherPassword, displayName: 'Ada' },
  });
  expect(up.status).toBe(201);
  seen.push(up.body.accessToken);
  const bad = await call('POST', '/api/auth/sign-in', {
    body: { email: 'ada@example.edu', password: SECRETS.wrongPassword },
  });
  expect(bad.status).toBe(401);
  const inn = await call('POST', '/api/auth/sign-in', {
    body: { email: 'ada@example.edu', password: SECRETS.teacherPassword },
  });
  expect(inn.status).toBe(200);
  const token: string = inn.body.accessToken;
  seen.push(token);
  const refreshed = await call('POST', '/api/auth/refresh', { cookie: inn.cookie });
  expect(refreshed.status).toBe(200);
  seen.push(refreshed.body.accessToken);
  await Bun.sleep(50);
  await call('POST', '/api/auth/refresh', { cookie: 'handsup_rt=rt_forged-not-a-real-token-000000' });
  expect((await call('GET', '/api/auth/me', { token })).status).toBe(200);
  expect((await call('GET', '/api/auth/me', { token: `${token}x` })).status).toBe(401);
  const admin = await call('POST', '/api/auth/sign-in', {
    body: { email: 'admin@example.edu', password: SECRETS.adminPassword },
  });
  expect(admin.status).toBe(200);
  seen.push(admin.body.accessToken);
  expect(
    (await fetch(`${origin}/metrics`, { headers: { authorization: `Bearer ${SECRETS.metrics}` } })).status,
  ).toBe(200);

  // A session, a poll, a student joining by code, the teacher and the student over the WebSocket.
  const session = await call('POST', '/api/sessions', { token, body: { title: 'Logs' } });
  const poll = await call('POST', `/api/sessions/${session.body.id}/polls`, {
    token,
    body: { prompt: 'Logged?', content: { type: 'true_false' } },
  });
  expect(poll.status).toBe(201);
  await call('POST', `/api/sessions/${session.body.id}/start`, { token });
  const joined = await call('POST', `/api/join/${session.body.joinCode}`, { body: { displayName: 'Sam' } });
  expect(joined.status).toBe(200);
  const pt: string = joined.body.participantToken;
  seen.push(pt);
  await call('POST', `/api/polls/${poll.body.id}/open`, { token, body: {} });
  await socket(token, session.body.id);
  await socket(pt, session.body.id, [{ pollId: poll.body.id, value: { type: 'true_false', value: true } }]);
  await socket(`pt_${'f'.repeat(43)}`, session.body.id);
  await call('GET', `/api/join/${session.body.joinCode}`, { token: pt });
  const sse = await fetch(
    `${origin}/api/realtime/sse?sessionId=${session.body.id}&token=${encodeURIComponent(pt)}`,
  );
  await sse.body?.cancel();

  // An LTI launch: login, the platform's signed id_token, the launch post, the app-session token.
  const platform = await call('POST', '/api/lti/platforms', {
    token: admin.body.accessToken,
    body: {
      issuer: lms.issuer,
      clientId: lms.clientId,
      authLoginUrl: lms.authUrl,
      authTokenUrl: lms.tokenUrl,
      jwksUrl: lms.jwksUrl,
      deploymentIds: [lms.deploymentId],
    },
  });
  expect(platform.status).toBe(201);
  const params = new URLSearchParams(
    lms.loginParams(`${origin}/lti/launch`, { user: CANVAS_USERS.teacher, resourceLinkId: 'rl-logs' }),
  );
  const login = await fetch(`${origin}/lti/login?${params}`);
  const loginHtml = await login.text();
  expect(login.status).toBe(200);
  const { authUrl, state, binding } = pageData<{ authUrl: string; state: string; binding: string }>(
    loginHtml,
  );
  seen.push(state, binding);
  const bindingCookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const { fields } = parseAutoPostForm(await (await fetch(authUrl)).text());
  seen.push(fields.id_token!);
  const launch = await fetch(`${origin}/lti/launch`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: bindingCookie },
    body: new URLSearchParams({ id_token: fields.id_token!, state: fields.state! }),
  });
  expect(launch.status).toBe(200);
  const app = pageData<{ token: string }>(await launch.text()).token;
  seen.push(app);
  expect((await call('GET', '/api/auth/me', { token: app })).status).toBe(200);

  await Bun.sleep(300);
  expect(await s.kill()).toBe(0);
  const output = await s.output();
  expect(output).toContain('"msg":"request"'); // the logs were really captured, at debug level
  const leaks = [
    ...Object.entries(SECRETS)
      .flatMap(([name, v]) => [
        [name, v],
        [`${name} (secret part)`, v.split(':').pop()!],
      ])
      .filter(([, v]) => output.includes(v!))
      .map(([name]) => name),
    ...seen.filter((v) => v && output.includes(v)).map((v) => `a token (${v.slice(0, 6)}…)`),
    ...TOKEN_SHAPES.filter((re) => re.test(output)).map(
      (re) => `${re} : ${re.exec(output)?.[0].slice(0, 12)}…`,
    ),
  ];
  expect(leaks).toEqual([]);
}, 120_000);
