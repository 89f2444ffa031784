/**
 * Bounded fuzz of the LTI endpoints: 10,000 requests to /lti/login (GET and POST), /lti/launch (random
 * and mutated id_tokens — flipped characters, swapped segments, claims changed under the original
 * signature, claims changed and re-signed by the platform — with junk, used or fresh states and
 * binding cookies), /lti/register and the deep-link return helper. Expected: no 5xx, no unhandled
 * rejection, and no write from a refused request. The one write a refused launch may make is
 * consuming the real login state it presented (one-time states: a failed launch cannot be retried),
 * so for those the row counts of every other table are compared instead. Outbound calls only reach
 * the mock platform or a closed local port. Fixed seed, printed; PGlite only.
 */
import { afterAll, expect, test } from 'bun:test';
import { CANVAS_USERS, type MockLaunchSpec, MockPlatform, pageData } from '@handsup/lti/testing';
import { setRequestFacts } from '../../http/context.ts';
import { openDatabase } from '../../storage/database.ts';
import {
  committedSince,
  fuzzSeed,
  int,
  junk,
  mutate,
  pick,
  rng,
  watchProcess,
  writeMark,
} from '../../testing/fuzz.ts';
import { createTestApp, ORIGIN, PASSWORD } from '../testing/test-app.ts';
import { toolJwksOf } from './launch-harness.ts';

const INPUTS = Number(process.env.FUZZ_INPUTS ?? 10_000);
let lms: MockPlatform | undefined;
afterAll(() => lms?.stop());

test(`LTI fuzz: ${INPUTS} random and mutated logins, launches and registrations — no 5xx, no unhandled rejection, no write from a refused request`, async () => {
  const seed = fuzzSeed('lti', 20_250_109);
  const r = rng(seed);
  const t = await createTestApp(await openDatabase({ kind: 'pglite', dataDir: null }));
  const db = t.deps.database;
  const watch = watchProcess();
  lms = await MockPlatform.start({ flavor: 'canvas', toolJwks: toolJwksOf(t) });
  const admin = await t.signUp('lti-fuzz-admin@example.edu');
  await t.makeAdmin(admin.userId);
  const adminToken = (
    await t.call('POST', '/api/auth/sign-in', {
      body: { email: 'lti-fuzz-admin@example.edu', password: PASSWORD },
    })
  ).body.accessToken;
  const reg = lms.registration;
  expect(
    (
      await t.call('POST', '/api/lti/platforms', {
        token: adminToken,
        body: {
          issuer: reg.issuer,
          clientId: reg.clientId,
          authLoginUrl: reg.authLoginUrl,
          authTokenUrl: reg.authTokenUrl,
          jwksUrl: reg.jwksUrl,
          deploymentIds: reg.deploymentIds,
        },
      })
    ).status,
  ).toBe(201);
  const spec: MockLaunchSpec = { user: CANVAS_USERS.student, resourceLinkId: 'fuzz-rl' };
  const target = `${ORIGIN}/lti/launch`;

  const send = async (method: string, path: string, form?: URLSearchParams | string, cookie?: string) => {
    const headers: Record<string, string> = {};
    if (form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    if (cookie) headers.cookie = cookie;
    const req = new Request(`${ORIGIN}${path}`, { method, headers, body: form?.toString() });
    setRequestFacts(req, {
      clientAddress: `10.${int(r, 0, 255)}.${int(r, 0, 255)}.${int(r, 1, 254)}`,
      requestId: crypto.randomUUID(),
      protocol: 'http',
    });
    const res = await t.app.handle(req);
    return { status: res.status, html: await res.text(), setCookie: res.headers.get('set-cookie') ?? '' };
  };
  const login = async () => {
    const a = await send('GET', `/lti/login?${new URLSearchParams(lms!.loginParams(target, spec))}`);
    expect(a.status).toBe(200);
    const q = new URL(pageData<{ authUrl: string }>(a.html).authUrl).searchParams;
    return { state: q.get('state')!, nonce: q.get('nonce')!, cookie: a.setCookie.split(';')[0]! };
  };
  // Genuine material to mutate.
  const sample = await login();
  const genuineClaims = lms.claimsFor(spec, sample.nonce, target);
  const genuineToken = await lms.signIdToken(genuineClaims);
  const usedStates = [sample.state];
  // U+0000 cannot be stored: a login carrying it is bad input (400), not a server error.
  expect(
    (
      await send(
        'GET',
        `/lti/login?${new URLSearchParams({ ...lms.loginParams(target, spec), iss: 'a\u0000' })}`,
      )
    ).status,
  ).toBe(400);
  // The tool creates its signing key on first use; let that one-time write happen before measuring.
  await send('POST', '/lti/deep-link/return-helper', new URLSearchParams({ ticket: 'warm-up', items: '[]' }));

  const junkText = () => String(junk(r)).slice(0, 20_000);
  const mutatedToken = async (): Promise<string> => {
    const [h, p, s] = genuineToken.split('.');
    switch (int(r, 0, 6)) {
      case 0:
        return junkText();
      case 1: {
        const i = int(r, 0, genuineToken.length - 1);
        return genuineToken.slice(0, i) + pick(r, ['A', '-', '_', '.', '=', '%']) + genuineToken.slice(i + 1);
      }
      case 2:
        return pick(r, [
          `${p}.${h}.${s}`,
          `${h}.${p}`,
          `${h}..${s}`,
          `${h}.${p}.${s}.${s}`,
          `.${p}.`,
          genuineToken.slice(0, -int(r, 1, 50)),
        ]);
      case 3: {
        const b = Buffer.from(JSON.stringify(mutate(r, genuineClaims))).toString('base64url');
        return `${h}.${b}.${s}`;
      }
      case 4:
        // jose refuses to sign some mutations (a NaN exp): those go out unsigned-as-is instead.
        return lms!
          .signIdToken(mutate(r, mutate(r, genuineClaims)) as Record<string, unknown>)
          .catch(() => `${h}.${Buffer.from(JSON.stringify(junk(r))).toString('base64url')}.${s}`);
      case 5: {
        const header = Buffer.from(
          JSON.stringify(mutate(r, JSON.parse(Buffer.from(h, 'base64url').toString()))),
        ).toString('base64url');
        return `${header}.${p}.${s}`;
      }
      default:
        return `${Buffer.from(junkText()).toString('base64url')}.${Buffer.from(JSON.stringify(junk(r))).toString('base64url')}.${s}`;
    }
  };
  const tables = (
    await db.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'lti_login_states'",
    )
  ).map((x) => x.table_name);
  // Every table's row count in one statement (one round trip).
  const countsSql = `SELECT ${tables.map((tb) => `(SELECT count(*) FROM "${tb}")::int AS "${tb}"`).join(', ')}`;
  const counts = async () => (await db.query<Record<string, number>>(countsSql))[0];

  /**
   * A write mark once nothing is being written any more: an accepted launch or registration may go
   * on writing briefly after its answer (provisioning), which must not be blamed on the next request.
   */
  const settledMark = async () => {
    let mark = await writeMark(db);
    for (let i = 0; i < 50; i++) {
      await Bun.sleep(i === 0 && !lastAccepted ? 0 : 2);
      const next = await writeMark(db);
      if (next === mark && (i > 0 || !lastAccepted)) return mark;
      mark = next;
    }
    return mark;
  };
  let lastAccepted = false;
  const failures: string[] = [];
  const statuses: Record<string, number> = {};
  const kinds: Record<string, number> = {};
  const spent: Record<string, number> = {};
  for (let i = 0; i < INPUTS; i++) {
    const roll = r();
    let kind: string;
    let fresh: Awaited<ReturnType<typeof login>> | null = null;
    // A launch presenting a real login state may consume it (the allowed write): other tables compared.
    let checkRows = false;
    let input = '';
    let run: () => ReturnType<typeof send>;
    if (roll < 0.33) {
      kind = 'login';
      const params = lms.loginParams(target, spec) as Record<string, unknown>;
      const mutated = r() < 0.85 ? mutate(r, mutate(r, params)) : junk(r);
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(
        (mutated && typeof mutated === 'object' ? mutated : { x: mutated }) as object,
      ))
        q.set(k, typeof v === 'string' ? v : JSON.stringify(v));
      run = () => (r() < 0.5 ? send('GET', `/lti/login?${q}`) : send('POST', '/lti/login', q));
    } else if (roll < 0.83) {
      kind = 'launch';
      if (r() < 0.1) fresh = await login();
      const real = fresh !== null || r() < 0.3;
      const state = fresh?.state ?? (real ? pick(r, usedStates) : junkText());
      checkRows = real;
      const form = new URLSearchParams();
      if (r() < 0.95) form.set('id_token', await mutatedToken());
      if (r() < 0.95) form.set('state', state);
      if (r() < 0.2) form.set('lti_binding', junkText());
      if (r() < 0.1) form.set('error', junkText());
      if (r() < 0.1) form.set(pick(r, ['x', 'id_token', '__proto__']), junkText());
      const cookie =
        fresh && r() < 0.8
          ? fresh.cookie
          : r() < 0.3
            ? `${sample.cookie.split('=')[0]}=${encodeURIComponent(junkText())}`
            : undefined;
      const body = r() < 0.05 ? junkText() : form;
      input = `${String(body).slice(0, 300)} cookie=${cookie?.slice(0, 60)}`;
      run = () => send('POST', '/lti/launch', body, cookie);
    } else if (roll < 0.95) {
      kind = 'register';
      const q = new URLSearchParams();
      const url = pick(r, [
        lms.openidConfigurationUrl,
        `${lms.openidConfigurationUrl}x`,
        `${lms.origin}/${encodeURIComponent(Array.from(junkText()).slice(0, 50).join(''))}`,
        'http://127.0.0.1:1/.well-known/openid-configuration',
        junkText(),
        'javascript:alert(1)',
        'file:///etc/passwd',
      ]);
      if (r() < 0.9) q.set('openid_configuration', url);
      if (r() < 0.7) q.set('registration_token', junkText());
      run = () => (r() < 0.5 ? send('GET', `/lti/register?${q}`) : send('POST', '/lti/register', q));
    } else {
      kind = 'deep-link-return';
      const q = new URLSearchParams({
        ticket: r() < 0.5 ? junkText() : genuineToken,
        items: JSON.stringify(junk(r)),
      });
      run = () => send('POST', '/lti/deep-link/return-helper', q);
    }
    kinds[kind] = (kinds[kind] ?? 0) + 1;
    const started = performance.now();
    const before = await settledMark();
    const rowsBefore = checkRows ? await counts() : null;

    const res = await run();
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    spent[kind] = (spent[kind] ?? 0) + performance.now() - started;
    // Only launches and registrations provision after answering; logins write before they answer.
    lastAccepted = res.status < 400 && (kind === 'launch' || kind === 'register');
    const what = `#${i} ${kind} -> ${res.status}`;
    if (res.status >= 500) failures.push(`${what}: ${res.html.slice(0, 200)} input: ${input}`);
    if (fresh) usedStates.push(fresh.state);
    if (rowsBefore) {
      if (res.status >= 400) {
        const rowsAfter = await counts();
        if (JSON.stringify(rowsAfter) !== JSON.stringify(rowsBefore))
          failures.push(`${what}: a refused launch wrote rows`);
      }
    } else if (res.status >= 400 && (await committedSince(db, before))) {
      failures.push(`${what}: a refused request committed a write`);
    }
  }
  await Bun.sleep(50);
  watch.stop();
  console.log(`fuzz lti: ${INPUTS} requests`, kinds, statuses);
  console.log(
    'fuzz lti: ms spent per kind',
    Object.fromEntries(Object.entries(spent).map(([k, v]) => [k, Math.round(v)])),
  );
  expect(watch.problems).toEqual([]);
  expect(failures.slice(0, 20)).toEqual([]);
  // The harness reached deep: some launches were refused for their token, not just their state.
  expect(statuses['200']).toBeGreaterThan(0);
  await db.close();
}, 180_000);
