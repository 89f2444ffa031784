/**
 * The authorization matrix: every route this module set adds, tried as every kind of caller, against
 * the expected allow / deny. Allowed means a 2xx answer; denied means 401 (no or bad credential) or
 * 403 / 404 (authenticated, but not allowed or not visible). Removing any check turns a deny into an
 * allow and fails this test. Each case gets a fresh course + session, so destructive routes do not
 * leak into the next case.
 */
import { expect, test } from 'bun:test';
import { generateJoinCode } from '../domain/access/join-code.ts';
import { describeStorage } from '../testing/storage-matrix.ts';
import { hashToken, randomToken } from './auth/secrets.ts';
import { accessKit } from './auth/kit.ts';
import { forgedTokens } from './testing/forged-tokens.ts';
import { createTestApp, type TestApp } from './testing/test-app.ts';

const CALLERS = [
  'admin',
  'owner',
  'co_teacher',
  'other_teacher',
  'student',
  'guest',
  'none',
  'expired',
  'wrong_key',
  'alg_none',
] as const;
type Caller = (typeof CALLERS)[number];
const STAFF: Caller[] = ['admin', 'owner', 'co_teacher'];
const OWNERS: Caller[] = ['admin', 'owner'];
const TEACHERS: Caller[] = ['admin', 'owner', 'co_teacher', 'other_teacher'];
const USERS: Caller[] = [...TEACHERS, 'student'];
const PUBLIC: Caller[] = [...USERS, 'guest', 'none'];

interface Fixture {
  sessionId: string;
  courseId: string;
  code: string;
  guestToken: string;
  coTeacherId: string;
}
interface Route {
  method: string;
  path: (f: Fixture) => string;
  body?: unknown;
  allow: Caller[];
  prepare?: 'delete_session' | 'delete_course';
}

const S =
  (suffix = '') =>
  (f: Fixture) =>
    `/api/sessions/${f.sessionId}${suffix}`;
const C =
  (suffix = '') =>
  (f: Fixture) =>
    `/api/courses/${f.courseId}${suffix}`;
const ROUTES: Route[] = [
  { method: 'POST', path: () => '/api/sessions', body: { title: 'New' }, allow: TEACHERS },
  { method: 'GET', path: () => '/api/sessions', allow: USERS },
  { method: 'GET', path: S(), allow: STAFF },
  { method: 'PATCH', path: S(), body: { title: 'Renamed' }, allow: STAFF },
  { method: 'POST', path: S('/duplicate'), allow: STAFF },
  { method: 'POST', path: S('/start'), allow: STAFF },
  { method: 'POST', path: S('/stop'), allow: STAFF },
  { method: 'POST', path: S('/archive'), allow: OWNERS },
  { method: 'DELETE', path: S(), allow: OWNERS },
  { method: 'POST', path: S('/restore'), allow: OWNERS, prepare: 'delete_session' },
  { method: 'POST', path: S('/purge'), allow: OWNERS, prepare: 'delete_session' },
  { method: 'POST', path: S('/join-code'), allow: STAFF },
  { method: 'GET', path: S('/participants'), allow: STAFF },
  { method: 'GET', path: S('/co-teachers'), allow: STAFF },
  { method: 'POST', path: S('/co-teachers'), body: { email: 'invitee@example.edu' }, allow: OWNERS },
  {
    method: 'DELETE',
    path: (f) => `/api/sessions/${f.sessionId}/co-teachers/${f.coTeacherId}`,
    allow: OWNERS,
  },
  { method: 'POST', path: () => '/api/courses', body: { title: 'Course' }, allow: TEACHERS },
  { method: 'GET', path: () => '/api/courses', allow: USERS },
  { method: 'GET', path: C(), allow: STAFF },
  { method: 'PATCH', path: C(), body: { title: 'Renamed' }, allow: STAFF },
  { method: 'POST', path: C('/duplicate'), allow: STAFF },
  { method: 'POST', path: C('/archive'), allow: STAFF },
  { method: 'DELETE', path: C(), allow: OWNERS },
  { method: 'POST', path: C('/restore'), allow: OWNERS, prepare: 'delete_course' },
  { method: 'POST', path: C('/purge'), allow: OWNERS, prepare: 'delete_course' },
  { method: 'POST', path: C('/co-teachers'), body: { email: 'invitee@example.edu' }, allow: OWNERS },
  { method: 'GET', path: () => '/api/audit', allow: ['admin'] },
  { method: 'GET', path: (f) => `/api/join/${f.code}`, allow: PUBLIC },
  { method: 'POST', path: (f) => `/api/join/${f.code}`, body: {}, allow: PUBLIC },
  { method: 'GET', path: () => '/api/auth/me', allow: USERS },
  { method: 'POST', path: () => '/api/auth/renew', allow: USERS },
  // Last: it ends the caller's sign-ins.
  { method: 'POST', path: () => '/api/auth/sign-out-everywhere', allow: USERS },
];

describeStorage('authorization matrix', ({ open }) => {
  test(`${ROUTES.length} routes × ${CALLERS.length} callers`, async () => {
    const t: TestApp = await createTestApp(await open());
    const kit = accessKit(t.deps);
    const ids: Record<string, string> = {};
    const tokens: Partial<Record<Caller, string>> = {};
    for (const who of ['admin', 'owner', 'co_teacher', 'other_teacher', 'student']) {
      const [u] = await t.deps.database.query<{ id: string }>(
        `INSERT INTO users (email, display_name, is_admin) VALUES ($1, $2, $3) RETURNING id`,
        [`${who}@matrix.example`, who, who === 'admin'],
      );
      ids[who] = u.id;
      const via = who === 'student' ? 'lti' : 'password';
      const familyId = via === 'password' ? (await kit.refresh.issue(u.id)).familyId : crypto.randomUUID();
      tokens[who as Caller] = (
        await kit.authenticator.issueAccessToken({ userId: u.id, isAdmin: who === 'admin', via, familyId })
      ).accessToken;
    }
    t.clock.advance(-20 * 60_000);
    tokens.expired = (
      await kit.authenticator.issueAccessToken({
        userId: ids.owner,
        isAdmin: false,
        via: 'password',
        familyId: crypto.randomUUID(),
      })
    ).accessToken;
    t.clock.advance(20 * 60_000);
    const forged = await forgedTokens(ids.admin, tokens.admin!);
    tokens.wrong_key = forged.wrongKey;
    tokens.alg_none = forged.algNone;

    const fixture = async (): Promise<Fixture> => {
      const q = t.deps.database.query.bind(t.deps.database);
      const [c] = await q<{ id: string }>(
        'INSERT INTO courses (title, owner_id) VALUES ($1, $2) RETURNING id',
        ['Matrix course', ids.owner],
      );
      await q(
        `INSERT INTO course_members (course_id, user_id, role) VALUES ($1, $2, 'teacher'), ($1, $3, 'co_teacher'), ($1, $4, 'student')`,
        [c.id, ids.owner, ids.co_teacher, ids.student],
      );
      const code = generateJoinCode(8);
      const [s] = await q<{ id: string }>(
        `INSERT INTO sessions (owner_id, course_id, title, join_code, status) VALUES ($1, $2, 'Matrix', $3, 'live') RETURNING id`,
        [ids.owner, c.id, code],
      );
      await q(`INSERT INTO session_members (session_id, user_id, role) VALUES ($1, $2, 'co_teacher')`, [
        s.id,
        ids.co_teacher,
      ]);
      const guestToken = randomToken('pt_');
      await q('INSERT INTO participants (session_id, display_name, token_hash) VALUES ($1, $2, $3)', [
        s.id,
        'Guest',
        hashToken(guestToken),
      ]);
      return { sessionId: s.id, courseId: c.id, code, guestToken, coTeacherId: ids.co_teacher };
    };

    const mismatches: string[] = [];
    for (const route of ROUTES) {
      for (const caller of CALLERS) {
        const f = await fixture();
        if (route.prepare === 'delete_session')
          await t.deps.database.query('UPDATE sessions SET deleted_at = now() WHERE id = $1', [f.sessionId]);
        if (route.prepare === 'delete_course')
          await t.deps.database.query('UPDATE courses SET deleted_at = now() WHERE id = $1', [f.courseId]);
        const token = caller === 'guest' ? f.guestToken : caller === 'none' ? null : tokens[caller];
        const a = await t.call(route.method, route.path(f), {
          token,
          body: route.body,
          ip: `192.0.2.${CALLERS.indexOf(caller)}`,
        });
        const allowed = a.status >= 200 && a.status < 300;
        const expected = route.allow.includes(caller);
        const deniedRight = ['none', 'expired', 'wrong_key', 'alg_none'].includes(caller)
          ? a.status === 401
          : [401, 403, 404].includes(a.status);
        if (allowed !== expected || (!expected && !deniedRight)) {
          mismatches.push(
            `${route.method} ${route.path(f)} as ${caller}: ${a.status} ${JSON.stringify(a.body).slice(0, 120)} (expected ${expected ? 'allow' : 'deny'})`,
          );
        }
      }
    }
    expect(mismatches).toEqual([]);
  }, 60_000);
});
