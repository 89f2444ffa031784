/**
 * Bounded fuzz of the REST API, generated from its own OpenAPI description (/api/openapi.json): every
 * operation gets random and mutated-valid path parameters, queries and bodies, from callers with and
 * without tokens. Expected: never a 5xx, no unhandled rejection, and no write from any input the
 * server refused (4xx) — checked per request with the transaction-id write detector. The one allowed
 * exception is a failed sign-in, which is audited on purpose (the audit trail of guessing is a
 * control). Fixed seed, printed; PGlite only (the checks are in the HTTP and service layers).
 */
import { expect, test } from 'bun:test';
import { setRequestFacts } from '../http/context.ts';
import { openDatabase } from '../storage/database.ts';
import {
  committedSince,
  fromSchema,
  fuzzSeed,
  int,
  junk,
  mutate,
  pick,
  rng,
  watchProcess,
  writeMark,
} from '../testing/fuzz.ts';
import { createTestApp, PASSWORD } from './testing/test-app.ts';

const INPUTS = Number(process.env.FUZZ_INPUTS ?? 10_000);

type Op = {
  method: string;
  path: string;
  // biome-ignore lint/suspicious/noExplicitAny: OpenAPI fragments
  parameters: any[];
  // biome-ignore lint/suspicious/noExplicitAny: OpenAPI fragments
  body: any;
};

test(`REST fuzz: ${INPUTS} random and mutated-valid requests over every OpenAPI operation — no 5xx, no unhandled rejection, no write from a refused input`, async () => {
  const seed = fuzzSeed('rest', 20_250_107);
  const r = rng(seed);
  const t = await createTestApp(await openDatabase({ kind: 'pglite', dataDir: null }), {
    // Sign-in and sign-up hash passwords (argon2id): a tight address limit keeps the run bounded.
    RATE_LIMIT_SIGN_IN_ADDRESS: '20/900',
    RATE_LIMIT_SIGN_UP: '20/900',
  });
  const watch = watchProcess();
  const owner = await t.signUp('fuzz-owner@example.edu');
  const admin = await t.signUp('fuzz-admin@example.edu');
  await t.makeAdmin(admin.userId);
  const adminToken = (
    await t.call('POST', '/api/auth/sign-in', {
      body: { email: 'fuzz-admin@example.edu', password: PASSWORD },
    })
  ).body.accessToken as string;
  const session = (await t.call('POST', '/api/sessions', { token: owner.token, body: { title: 'Fuzz' } }))
    .body;
  await t.call('POST', `/api/sessions/${session.id}/start`, { token: owner.token });
  const course = (await t.call('POST', '/api/courses', { token: owner.token, body: { title: 'Fuzz' } })).body;
  const poll = (
    await t.call('POST', `/api/sessions/${session.id}/polls`, {
      token: owner.token,
      body: { prompt: 'Q?', content: { type: 'true_false' } },
    })
  ).body;
  const participant = (
    await t.call('POST', `/api/join/${session.joinCode}`, { body: { displayName: 'Sam' }, ip: '10.50.0.1' })
  ).body;
  expect(poll.id).toBeString();
  expect(participant.participantToken).toStartWith('pt_');

  const doc = (await t.call('GET', '/api/openapi.json')).body;
  const ops: Op[] = [];
  for (const [path, methods] of Object.entries(doc.paths as Record<string, Record<string, Op>>)) {
    for (const [method, op] of Object.entries(methods)) {
      ops.push({
        method: method.toUpperCase(),
        path,
        parameters: op.parameters ?? [],
        body: (op as { requestBody?: { content?: Record<string, { schema: unknown }> } }).requestBody
          ?.content?.['application/json']?.schema,
      });
    }
  }
  expect(ops.length).toBeGreaterThan(50);

  const ids = [session.id, course.id, poll.id, participant.participantId, owner.userId, admin.userId];
  const paramValue = (name: string): string => {
    const roll = r();
    if (roll < 0.55) return name === 'code' ? session.joinCode : pick(r, ids);
    if (roll < 0.75) return crypto.randomUUID();
    return encodeURIComponent(String(junk(r)).slice(0, 300)) || 'x';
  };
  const write = await writeMark(t.deps.database);
  // The detector's self-test: a write moves it.
  await t.deps.database.query("UPDATE users SET display_name = display_name || '' WHERE id = $1", [
    owner.userId,
  ]);
  expect(await writeMark(t.deps.database)).not.toBe(write);

  let mark = await writeMark(t.deps.database);
  const failures: string[] = [];
  const statuses: Record<string, number> = {};
  const spent: Record<string, number> = {};
  for (let i = 0; i < INPUTS; i++) {
    const op = pick(r, ops);
    let path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => paramValue(name));
    const query = new URLSearchParams();
    for (const p of op.parameters.filter((x) => x.in === 'query')) {
      if (r() < 0.5) continue;
      const v = r() < 0.7 ? fromSchema(r, p.schema) : mutate(r, fromSchema(r, p.schema));
      query.set(p.name, typeof v === 'string' ? v : JSON.stringify(v));
    }
    if (r() < 0.1) query.set(pick(r, ['x', 'limit', 'token', '__proto__']), String(junk(r)).slice(0, 200));
    if ([...query].length) path += `?${query}`;
    let rawBody: string | undefined;
    let contentType: string | undefined;
    const shape = r();
    if (op.body || shape < 0.1) {
      const valid = fromSchema(r, op.body);
      if (shape < 0.35) rawBody = JSON.stringify(valid);
      else if (shape < 0.85) rawBody = JSON.stringify(mutate(r, mutate(r, valid)));
      else if (shape < 0.93)
        rawBody = pick(r, ['{', '{"a":', 'null', '[]', '\u0000', 'x'.repeat(int(r, 1, 70_000))]);
      else {
        rawBody = JSON.stringify(valid);
        contentType = pick(r, [
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data',
          'application/xml',
        ]);
      }
    }
    const who = r();
    // Signing out everywhere with the fixture tokens would end the run's own sign-ins.
    const ends = op.path.endsWith('/sign-out-everywhere');
    const token = ends
      ? null
      : who < 0.55
        ? owner.token
        : who < 0.7
          ? adminToken
          : who < 0.8
            ? participant.participantToken
            : who < 0.9
              ? null
              : pick(r, [
                  `${owner.token.slice(0, -3)}abc`,
                  'pt_forged',
                  'eyJhbGciOiJub25lIn0.e30.',
                  String(junk(r)),
                ]);
    const hashes = op.path === '/api/auth/sign-in' || op.path === '/api/auth/sign-up';
    const before = mark;
    const headers: Record<string, string> = { origin: 'http://localhost:3000' };
    if (token)
      headers.authorization = `Bearer ${String(token)
        .replace(/[^\x21-\x7e]/g, '')
        .slice(0, 5000)}`;
    if (rawBody !== undefined) headers['content-type'] = contentType ?? 'application/json';
    const request = new Request(`http://localhost${path}`, {
      method: op.method,
      headers,
      body: op.method === 'GET' || op.method === 'HEAD' ? undefined : rawBody,
    });
    setRequestFacts(request, {
      clientAddress: hashes ? '10.77.0.1' : `10.${int(r, 0, 255)}.${int(r, 0, 255)}.${int(r, 1, 254)}`,
      requestId: crypto.randomUUID(),
      protocol: 'http',
    });
    const started = performance.now();
    const res = await t.app.handle(request);
    if ((res.headers.get('content-type') ?? '').includes('text/event-stream')) await res.body?.cancel();
    else await res.arrayBuffer();
    const after = await writeMark(t.deps.database);
    mark = after;
    spent[`${op.method} ${op.path}`] = (spent[`${op.method} ${op.path}`] ?? 0) + performance.now() - started;
    const wrote = before !== after && (await committedSince(t.deps.database, before));
    statuses[String(res.status)[0] + 'xx'] = (statuses[String(res.status)[0] + 'xx'] ?? 0) + 1;
    const what = `#${i} ${op.method} ${path.slice(0, 120)} body=${(rawBody ?? '').slice(0, 80)}`;
    if (res.status >= 500) failures.push(`${what} -> ${res.status}`);
    const auditedFailure = op.path === '/api/auth/sign-in' && res.status === 401;
    if (res.status >= 400 && wrote && !auditedFailure) failures.push(`${what} -> ${res.status} but wrote`);
  }
  await Bun.sleep(50);
  watch.stop();
  console.log(`fuzz rest: ${INPUTS} requests over ${ops.length} operations`, statuses);
  const slowest = Object.entries(spent)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5);
  console.log(
    'fuzz rest: slowest operations (ms in total)',
    slowest.map(([k, v]) => `${k} ${Math.round(v)}`),
  );
  expect(watch.problems).toEqual([]);
  expect(failures.slice(0, 20)).toEqual([]);
  expect((await t.call('GET', '/healthz')).status).toBe(200);
  await t.deps.database.close();
}, 120_000);
