import { afterAll, expect, test } from 'bun:test';
import { describe } from 'bun:test';
import { PROTOCOL_VERSION } from '@handsup/protocol';
import { type ServerProcess, spawnServer, tempDir } from '../testing/processes.ts';
import { describeWith, REDIS_TEST_URL, uniqueName } from '../testing/services.ts';
import { createPostgresDatabase } from '../testing/storage-matrix.ts';
import { Client, ORIGIN } from './testing/live-kit.ts';

/** Real server processes: crash drills for durability and timers, and a two-process cluster. */
const JWT = `k1:${'x'.repeat(24)}${crypto.randomUUID().replaceAll('-', '')}`;
const env = (extra: Record<string, string>) => ({
  PUBLIC_ORIGIN: ORIGIN,
  JWT_SECRETS: JWT,
  LOG_LEVEL: 'warn',
  ...extra,
});

// biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the server answered
type Json = any;
const call = async (
  s: ServerProcess,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
): Promise<Json> => {
  const headers: Record<string, string> = { origin: ORIGIN };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const r = await fetch(s.url + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return JSON.parse(text);
};

async function setup(s: ServerProcess, students: number) {
  const up = await call(s, 'POST', '/api/auth/sign-up', undefined, {
    email: `t-${crypto.randomUUID().slice(0, 8)}@example.edu`,
    password: 'blue-harbour-kettle-42',
  });
  const teacher = up.accessToken as string;
  const session = await call(s, 'POST', '/api/sessions', teacher, { title: 'Drill' });
  await call(s, 'POST', `/api/sessions/${session.id}/start`, teacher);
  const tokens: string[] = [];
  for (let i = 0; i < students; i++) {
    const j = await call(s, 'POST', `/api/join/${session.joinCode}`, undefined, { displayName: `S${i}` });
    tokens.push(j.participantToken);
  }
  const poll = await call(s, 'POST', `/api/sessions/${session.id}/polls`, teacher, {
    prompt: 'Q?',
    content: { type: 'true_false' },
  });
  return { teacher, sessionId: session.id as string, pollId: poll.id as string, tokens };
}

const wsOf = (s: ServerProcess) => `${s.url.replace('http', 'ws')}/ws`;

async function student(s: ServerProcess, token: string, sessionId: string) {
  const c = await Client.connect(wsOf(s));
  c.send({ type: 'hello', protocolVersion: PROTOCOL_VERSION, token, sessionId });
  await c.next('session.snapshot', () => true, 10_000);
  return c;
}

describe('embedded process', () => {
  const procs: ServerProcess[] = [];
  afterAll(async () => {
    for (const p of procs) await p.kill('SIGKILL').catch(() => {});
  });

  test('SIGKILL right after a burst of acknowledgements: every acknowledged answer is there after restart', async () => {
    const dir = tempDir();
    const s = await spawnServer(env({ HANDSUP_DATA_DIR: dir }));
    procs.push(s);
    await s.waitReady(60_000);
    const room = await setup(s, 30);
    await call(s, 'POST', `/api/polls/${room.pollId}/open`, room.teacher, {});
    const clients = await Promise.all(room.tokens.map((t) => student(s, t, room.sessionId)));
    let acked = 0;
    await Promise.all(
      clients.map(async (c, i) => {
        const id = crypto.randomUUID();
        c.send({
          type: 'vote.cast',
          pollId: room.pollId,
          value: { type: 'true_false', value: i % 2 === 0 },
          clientMsgId: id,
        });
        await c.next('vote.accepted', (m) => m.clientMsgId === id, 10_000);
        acked++;
      }),
    );
    await s.kill('SIGKILL');
    expect(acked).toBe(30);
    const again = await spawnServer(env({ HANDSUP_DATA_DIR: dir }));
    procs.push(again);
    await again.waitReady(60_000);
    const r = await call(again, 'GET', `/api/polls/${room.pollId}/results`, room.teacher);
    expect(r.answeredCount).toBe(acked);
    expect(r.results.options).toEqual([
      { id: 'true', count: 15 },
      { id: 'false', count: 15 },
    ]);
    await again.kill();
  }, 120_000);
});

describeWith(['postgres', 'redis'], 'two server processes on one PostgreSQL and one Redis', () => {
  const procs: ServerProcess[] = [];
  let drop: (() => Promise<void>) | null = null;
  afterAll(async () => {
    for (const p of procs) await p.kill('SIGKILL').catch(() => {});
    await drop?.();
  });

  test('students on both nodes see the poll; all answers count on the survivor; the timer closes the poll after its opener was killed', async () => {
    const pg = await createPostgresDatabase();
    drop = pg.drop;
    const shared = env({
      DATABASE_URL: pg.url,
      REDIS_URL: REDIS_TEST_URL,
      REDIS_PREFIX: `${uniqueName('hsp')}:`,
    });
    const a = await spawnServer(shared);
    procs.push(a);
    await a.waitReady(60_000);
    const b = await spawnServer(shared);
    procs.push(b);
    await b.waitReady(60_000);
    const room = await setup(a, 10);
    const onA = await Promise.all(room.tokens.slice(0, 5).map((t) => student(a, t, room.sessionId)));
    const onB = await Promise.all(room.tokens.slice(5).map((t) => student(b, t, room.sessionId)));
    const teacherB = await Client.connect(wsOf(b));
    teacherB.send({
      type: 'hello',
      protocolVersion: PROTOCOL_VERSION,
      token: room.teacher,
      sessionId: room.sessionId,
    });
    await teacherB.next('session.snapshot');
    await call(a, 'POST', `/api/polls/${room.pollId}/open`, room.teacher, { timerSeconds: 5 });
    const opened = await Promise.all([...onA, ...onB].map((c) => c.next('poll.opened', () => true, 5000)));
    const closesAt = opened[0].closesAt!;
    await Promise.all(
      [...onA, ...onB].map(async (c, i) => {
        const id = crypto.randomUUID();
        c.send({
          type: 'vote.cast',
          pollId: room.pollId,
          value: { type: 'true_false', value: i < 7 },
          clientMsgId: id,
        });
        await c.next('vote.accepted', (m) => m.clientMsgId === id, 5000);
      }),
    );
    const final = await teacherB.next('results.updated', (m) => m.answeredCount === 10, 5000);
    expect(final.results).toMatchObject({
      total: 10,
      options: [
        { id: 'true', count: 7 },
        { id: 'false', count: 3 },
      ],
    });
    // The node that opened the poll dies; the survivor closes it at its deadline.
    await a.kill('SIGKILL');
    const closed = await onB[0].next('poll.closed', () => true, 10_000);
    const late = Date.now() - closesAt;
    expect(closed.closedAt).toBe(closesAt);
    expect(late).toBeLessThan(1000);
    const r = await call(b, 'GET', `/api/polls/${room.pollId}/results`, room.teacher);
    expect(r.answeredCount).toBe(10);
    for (const c of [...onB, teacherB]) c.close();
    await b.kill();
  }, 120_000);
});
