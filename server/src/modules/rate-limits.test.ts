/**
 * Every configured limit, applied where the brief says: each test lowers one limit through its
 * RATE_LIMIT_<NAME> variable and shows the request past it refused with 429 + Retry-After (or the
 * realtime equivalent) — so removing the enforcement makes it fail. PGlite only: the counters live in
 * the cross-node layer, whose memory and Redis engines share one suite (crossnode/rate-limiter.test.ts).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { openDatabase } from '../storage/database.ts';
import {
  type Classroom,
  choice,
  classroom,
  connect,
  createPoll,
  type Node,
  startNode,
} from '../realtime/testing/live-kit.ts';
import { createTestApp, PASSWORD, type TestApp } from './testing/test-app.ts';

const uuid = () => crypto.randomUUID();

describe('rate limits over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(await openDatabase({ kind: 'pglite', dataDir: null }), {
      RATE_LIMIT_SIGN_IN_ADDRESS: '4/60',
      RATE_LIMIT_SIGN_IN_ACCOUNT: '2/16',
      RATE_LIMIT_SIGN_UP: '6/60',
      RATE_LIMIT_REFRESH: '3/60',
      RATE_LIMIT_LTI_LOGIN: '3/60',
      RATE_LIMIT_EXPORTS: '2/60',
    });
  });
  afterAll(() => t.deps.database.close());

  const signIn = (email: string, password: string, ip: string) =>
    t.call('POST', '/api/auth/sign-in', { body: { email, password }, ip });

  test('sign-in backs off per account after its free failures (2 s, 4 s, …), refuses even the right password meanwhile, and lets the teacher in once it passes', async () => {
    await t.signUp('backoff@example.edu');
    for (let i = 0; i < 3; i++) {
      // Each failure from another address: the account back-off, not the address limit, is tested.
      expect((await signIn('backoff@example.edu', `wrong-${i}-xxxxxx`, `198.51.100.${i}`)).status).toBe(401);
    }
    const refused = await signIn('backoff@example.edu', PASSWORD, '198.51.100.50');
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBe(2);
    t.clock.advance(2_001);
    expect((await signIn('backoff@example.edu', PASSWORD, '198.51.100.51')).status).toBe(200);
    // The success reset it: a new failure does not back off.
    expect((await signIn('backoff@example.edu', 'wrong-again-xxxx', '198.51.100.52')).status).toBe(401);
    expect((await signIn('backoff@example.edu', PASSWORD, '198.51.100.53')).status).toBe(200);
  });

  test('the sign-in back-off is capped (here 16 s, by default 15 min) however long an attacker keeps failing: no indefinite lock-out', async () => {
    await t.signUp('capped@example.edu');
    const waits: number[] = [];
    for (let i = 0, failures = 0; failures < 8 && i < 30; i++) {
      const a = await signIn('capped@example.edu', `wrong-${i}-xxxxxx`, `198.51.101.${i}`);
      if (a.status === 429) {
        const wait = Number(a.headers.get('retry-after'));
        waits.push(wait);
        t.clock.advance(wait * 1000 + 1);
      } else {
        expect(a.status).toBe(401);
        failures++;
      }
    }
    expect(waits).toEqual([2, 4, 8, 16, 16]);
    // At most the cap after the attacker's last failure, the teacher gets in.
    t.clock.advance(16_001);
    expect((await signIn('capped@example.edu', PASSWORD, '198.51.101.250')).status).toBe(200);
  });

  test('sign-in attempts are limited per client address across accounts (the guesser is stopped, not the teacher)', async () => {
    const ip = '198.51.102.1';
    for (let i = 0; i < 4; i++) {
      expect((await signIn(`nobody${i}@example.edu`, 'wrong-password-x', ip)).status).toBe(401);
    }
    const blocked = await signIn('nobody99@example.edu', 'wrong-password-x', ip);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await signIn('nobody99@example.edu', 'wrong-password-x', '198.51.102.2')).status).toBe(401);
  });

  test('sign-ups are limited per client address', async () => {
    const up = (i: number) =>
      t.call('POST', '/api/auth/sign-up', {
        body: { email: `many${i}@example.edu`, password: PASSWORD },
        ip: '198.51.103.1',
      });
    for (let i = 0; i < 6; i++) expect((await up(i)).status).toBe(201);
    const blocked = await up(6);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await t.count("users WHERE email = 'many6@example.edu'")).toBe(0);
  });

  test('refreshes are limited per client address, and being limited does not clear the refresh cookie', async () => {
    const u = await t.signUp('refresher@example.edu');
    let cookie = u.cookie;
    for (let i = 0; i < 3; i++) {
      const r = await t.call('POST', '/api/auth/refresh', { cookie, ip: '198.51.104.1' });
      expect(r.status).toBe(200);
      cookie = t.refreshCookieOf(r)!;
    }
    const blocked = await t.call('POST', '/api/auth/refresh', { cookie, ip: '198.51.104.1' });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(blocked.headers.get('set-cookie')).toBeNull();
    expect((await t.call('POST', '/api/auth/refresh', { cookie, ip: '198.51.104.2' })).status).toBe(200);
  });

  test('LTI logins are limited per client address', async () => {
    const login = (ip: string) =>
      t.call('GET', '/lti/login?iss=https%3A%2F%2Flms.example&login_hint=u1&target_link_uri=x', { ip });
    for (let i = 0; i < 3; i++) expect((await login('198.51.105.1')).status).not.toBe(429);
    const blocked = await login('198.51.105.1');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await login('198.51.105.2')).status).not.toBe(429);
  });

  test('CSV exports are limited per user', async () => {
    const u = await t.signUp('exporter@example.edu');
    const s = (await t.call('POST', '/api/sessions', { token: u.token, body: { title: 'Export' } })).body;
    const csv = () => t.call('GET', `/api/sessions/${s.id}/results.csv`, { token: u.token });
    for (let i = 0; i < 2; i++) expect((await csv()).status).toBe(200);
    const blocked = await csv();
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  test('RATE_LIMITS=off switches every limit off (what the benchmarks run with)', async () => {
    const off = await createTestApp(t.deps.database, { RATE_LIMITS: 'off' });
    for (let i = 0; i < 15; i++) {
      expect((await off.call('GET', '/api/join/ZZZZZZ', { ip: '10.1.1.1' })).status).toBe(404);
    }
    for (let i = 0; i < 10; i++) {
      expect((await t.call('GET', '/api/join/ZZZZZZ', { ip: '10.1.1.1' })).status).toBe(404);
    }
    expect((await t.call('GET', '/api/join/ZZZZZZ', { ip: '10.1.1.1' })).status).toBe(429);
  });
});

describe('rate limits over the socket', () => {
  let node: Node;
  let room: Classroom;
  beforeAll(async () => {
    node = await startNode(await openDatabase({ kind: 'pglite', dataDir: null }), {
      env: { RATE_LIMIT_VOTES: '3/60', RATE_LIMIT_WS_MESSAGES: '10/1' },
    });
    room = await classroom(node, 2);
  });
  afterAll(() => node?.stop());

  test('votes past the per-participant limit are rejected rate_limited (with retryAfterS) and not written', async () => {
    const poll = await createPoll(node, room, choice('Q', { allowAnswerChange: true }));
    const teacher = await connect(node, room.teacherToken, room.sessionId);
    const student = await connect(node, room.students[0].token, room.sessionId);
    teacher.send({ type: 'poll.open', pollId: poll.id });
    await student.next('poll.opened');
    const answers: string[] = [];
    for (const optionId of ['a', 'b', 'c', 'a']) {
      const id = uuid();
      student.send({
        type: 'vote.cast',
        pollId: poll.id,
        value: { type: 'single_choice', optionId },
        clientMsgId: id,
      });
      const m = await Promise.race([
        student.next('vote.accepted', (x) => x.clientMsgId === id),
        student.next('vote.rejected', (x) => x.clientMsgId === id),
      ]);
      answers.push(m.type === 'vote.rejected' ? m.code : m.type);
      if (m.type === 'vote.rejected') expect((m as { retryAfterS?: number }).retryAfterS).toBeGreaterThan(0);
    }
    expect(answers).toEqual(['vote.accepted', 'vote.accepted', 'vote.accepted', 'rate_limited']);
    const [row] = await node.deps.database.query<{ value: { optionId: string } }>(
      'SELECT value FROM responses WHERE poll_id = $1',
      [poll.id],
    );
    expect(row.value.optionId).toBe('c');
    teacher.close();
    student.close();
  });

  test('a connection past the message limit gets error rate_limited, and one that keeps flooding (3x) is closed 4529', async () => {
    const student = await connect(node, room.students[1].token, room.sessionId);
    for (let i = 0; i < 40; i++) student.send({ type: 'ping', t: i });
    await student.closed;
    expect(student.closeCode).toBe(4529);
    const errors = student.frames.filter((f) => f.type === 'error').map((f) => (f as { code: string }).code);
    expect(errors).toContain('rate_limited');
    expect(errors.at(-1)).toBe('rate_limited_terminal');
    // Within the limit, nothing was refused: the first 10 - 2 (hello counted) pings got pongs.
    expect(student.frames.filter((f) => f.type === 'pong').length).toBeGreaterThanOrEqual(8);
  });
});
