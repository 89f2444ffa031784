import { expect, test } from 'bun:test';
import { describeStorage } from '../../testing/storage-matrix.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { DEFAULT_RATE_LIMITS } from '../../config/rate-limits.ts';

const FAILED_PER_MINUTE = DEFAULT_RATE_LIMITS.join_failed.limit;

describeStorage('joining by code', ({ open }) => {
  let t: TestApp;
  let teacher: { token: string; userId: string };
  const session = async (settings: Record<string, unknown> = {}, live = true) => {
    const s = await t.call('POST', '/api/sessions', {
      token: teacher.token,
      body: { title: 'Optics', settings },
    });
    if (live) await t.call('POST', `/api/sessions/${s.body.id}/start`, { token: teacher.token });
    return s.body as { id: string; joinCode: string };
  };

  test('setup', async () => {
    t = await createTestApp(await open());
    teacher = await t.signUp('optics@example.edu');
  });

  test('an anonymous session needs no name; the token is recognised on return', async () => {
    const s = await session();
    const look = await t.call('GET', `/api/join/${s.joinCode.toLowerCase()}`, { ip: '10.0.0.1' });
    expect(look.body).toMatchObject({ sessionId: s.id, needsName: false });
    const j = await t.call('POST', `/api/join/${s.joinCode}`, { body: {}, ip: '10.0.0.1' });
    expect(j.status).toBe(200);
    expect(j.body.participantToken).toMatch(/^pt_[\w-]{43}$/);
    const again = await t.call('POST', `/api/join/${s.joinCode}`, {
      body: {},
      token: j.body.participantToken,
      ip: '10.0.0.1',
    });
    expect(again.body.participantId).toBe(j.body.participantId);
    const [row] = await t.deps.database.query<{ token_hash: string }>(
      'SELECT token_hash FROM participants WHERE id = $1',
      [j.body.participantId],
    );
    expect(row.token_hash).not.toContain(j.body.participantToken);
  });

  test('a named session asks for a display name', async () => {
    const s = await session({ anonymity: 'names_shown' });
    const noName = await t.call('POST', `/api/join/${s.joinCode}`, { body: {}, ip: '10.0.0.2' });
    expect(noName.status).toBe(400);
    expect(noName.body.error.field).toBe('displayName');
    const j = await t.call('POST', `/api/join/${s.joinCode}`, {
      body: { displayName: 'Sam' },
      ip: '10.0.0.2',
    });
    expect(j.status).toBe(200);
  });

  test('an identified-only session refuses guests and gives an account the same participant on every device', async () => {
    const s = await session({ identifiedOnly: true });
    expect((await t.call('POST', `/api/join/${s.joinCode}`, { body: {}, ip: '10.0.0.3' })).status).toBe(403);
    const student = await t.signUp('learner@example.edu');
    const a = await t.call('POST', `/api/join/${s.joinCode}`, {
      body: {},
      token: student.token,
      ip: '10.0.0.3',
    });
    const b = await t.call('POST', `/api/join/${s.joinCode}`, {
      body: {},
      token: student.token,
      ip: '10.0.0.3',
    });
    expect(a.status).toBe(200);
    expect(b.body).toEqual(a.body);
  });

  test('unknown, stopped and archived codes get one identical answer; only a returning participant hears "not live"', async () => {
    const stopped = await session();
    const j = await t.call('POST', `/api/join/${stopped.joinCode}`, { body: {}, ip: '10.0.0.4' });
    await t.call('POST', `/api/sessions/${stopped.id}/stop`, { token: teacher.token });
    const archived = await session();
    await t.call('POST', `/api/sessions/${archived.id}/archive`, { token: teacher.token });
    const answers = [];
    for (const code of ['ZZZZZZ', stopped.joinCode, archived.joinCode]) {
      for (const method of ['GET', 'POST']) {
        const a = await t.call(method, `/api/join/${code}`, {
          body: method === 'POST' ? {} : undefined,
          ip: `10.1.0.${answers.length}`,
        });
        answers.push({ status: a.status, body: a.body });
      }
    }
    expect(answers[0]).toEqual({
      status: 404,
      body: { error: { code: 'session_unavailable', message: expect.any(String) } },
    });
    for (const a of answers) expect(a).toEqual(answers[0]);
    const returning = await t.call('GET', `/api/join/${stopped.joinCode}`, {
      token: j.body.participantToken,
      ip: '10.0.0.4',
    });
    expect(returning.status).toBe(409);
    expect(returning.body.error.code).toBe('session_not_live');
  });

  /** Runs `f` with every session-by-code read of the join service passed through `spy`. */
  const withSessionReads = async (
    spy: (read: () => Promise<unknown[]>) => Promise<unknown[]>,
    f: () => Promise<void>,
  ) => {
    const db = t.deps.database;
    const original = db.query;
    db.query = ((sql: string, params?: unknown[]) =>
      sql.includes('FROM sessions WHERE join_code')
        ? spy(() => original.call(db, sql, params))
        : original.call(db, sql, params)) as typeof db.query;
    try {
      await f();
    } finally {
      db.query = original;
    }
  };

  test('a class that misses the code cache together reads the session once', async () => {
    const s = await session(); // starting it emptied the cache
    let reads = 0;
    await withSessionReads(
      (read) => {
        reads += 1;
        return read();
      },
      async () => {
        const joins = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            t.call('POST', `/api/join/${s.joinCode}`, { body: {}, ip: `10.2.0.${i}` }),
          ),
        );
        expect(joins.map((j) => j.status)).toEqual(Array(20).fill(200));
      },
    );
    expect(reads).toBe(1);
  });

  test('a read that began before the session stopped does not keep admitting joins', async () => {
    const s = await session();
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let held = false;
    await withSessionReads(
      async (read) => {
        const rows = await read();
        if (!held) {
          held = true; // read while live; the stop lands before this read returns
          await gate;
        }
        return rows;
      },
      async () => {
        const first = t.call('POST', `/api/join/${s.joinCode}`, { body: {}, ip: '10.3.0.1' });
        while (!held) await Bun.sleep(5);
        await t.call('POST', `/api/sessions/${s.id}/stop`, { token: teacher.token });
        release();
        expect((await first).status).toBe(200); // as a join a moment before the stop
        const after = await t.call('POST', `/api/join/${s.joinCode}`, { body: {}, ip: '10.3.0.2' });
        expect(after.status).toBe(404);
        expect(after.body.error.code).toBe('session_unavailable');
      },
    );
  });

  test('failed look-ups are strictly limited per address (429 + Retry-After even for a right code), joins loosely', async () => {
    const s = await session();
    for (let i = 0; i < FAILED_PER_MINUTE; i++) {
      expect(
        (
          await t.call('GET', `/api/join/WRNG${String(i).padStart(2, '2').replace(/[01]/g, '3')}`, {
            ip: '10.9.9.9',
          })
        ).status,
      ).toBe(404);
    }
    const blocked = await t.call('GET', `/api/join/${s.joinCode}`, { ip: '10.9.9.9' });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another address is unaffected; a lecture hall behind one NAT address all gets in.
    for (let i = 0; i < 60; i++) {
      expect((await t.call('POST', `/api/join/${s.joinCode}`, { body: {}, ip: '10.8.8.8' })).status).toBe(
        200,
      );
    }
    t.clock.advance(61_000);
    expect((await t.call('GET', `/api/join/${s.joinCode}`, { ip: '10.9.9.9' })).status).toBe(200);
  });
});
