import { expect, test } from 'bun:test';
import { describeStorage } from '../../testing/storage-matrix.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { onSessionLifecycle, type SessionLifecycleEvent } from './lifecycle.ts';

describeStorage('courses, sessions, co-teachers and the audit trail', ({ open }) => {
  let t: TestApp;
  let owner: { token: string; userId: string };
  const create = async (title: string, extra: Record<string, unknown> = {}) =>
    (await t.call('POST', '/api/sessions', { token: owner.token, body: { title, ...extra } })).body;

  test('setup', async () => {
    t = await createTestApp(await open());
    owner = await t.signUp('owner@example.edu');
  });

  test('a co-teacher invited by email gets access: at once with an account, at sign-up without one', async () => {
    const s = await create('Genetics');
    const existing = await t.signUp('colleague@example.edu');
    expect((await t.call('GET', `/api/sessions/${s.id}`, { token: existing.token })).status).toBe(404);
    const inv = await t.call('POST', `/api/sessions/${s.id}/co-teachers`, {
      token: owner.token,
      body: { email: 'Colleague@example.edu' },
    });
    expect(inv.body).toMatchObject({ userId: existing.userId, pending: false });
    expect((await t.call('GET', `/api/sessions/${s.id}`, { token: existing.token })).body.role).toBe(
      'co_teacher',
    );
    const pending = await t.call('POST', `/api/sessions/${s.id}/co-teachers`, {
      token: owner.token,
      body: { email: 'newcomer@example.edu' },
    });
    expect(pending.body.pending).toBe(true);
    const newcomer = await t.signUp('newcomer@example.edu');
    expect((await t.call('GET', `/api/sessions/${s.id}`, { token: newcomer.token })).body.role).toBe(
      'co_teacher',
    );
    const list = await t.call('GET', `/api/sessions/${s.id}/co-teachers`, { token: owner.token });
    expect(list.body.map((c: { pending: boolean }) => c.pending)).toEqual([false, false]);
    // A co-teacher runs the session but cannot invite others or delete it.
    expect((await t.call('POST', `/api/sessions/${s.id}/start`, { token: existing.token })).status).toBe(200);
    expect(
      (
        await t.call('POST', `/api/sessions/${s.id}/co-teachers`, {
          token: existing.token,
          body: { email: 'x@example.edu' },
        })
      ).status,
    ).toBe(403);
    expect((await t.call('DELETE', `/api/sessions/${s.id}`, { token: existing.token })).status).toBe(403);
    await t.call('DELETE', `/api/sessions/${s.id}/co-teachers/${existing.userId}`, { token: owner.token });
    expect((await t.call('GET', `/api/sessions/${s.id}`, { token: existing.token })).status).toBe(404);
  });

  test('deleting is soft (undo with restore), purging is explicit and only from the trash', async () => {
    const s = await create('Trash me');
    expect((await t.call('POST', `/api/sessions/${s.id}/purge`, { token: owner.token })).status).toBe(409);
    const del = await t.call('DELETE', `/api/sessions/${s.id}`, { token: owner.token });
    expect(del.body.deletedAt).toBeNumber();
    const trash = await t.call('GET', '/api/sessions?trash=true', { token: owner.token });
    expect(trash.body.sessions.map((x: { id: string }) => x.id)).toContain(s.id);
    expect((await t.call('POST', `/api/sessions/${s.id}/start`, { token: owner.token })).status).toBe(409);
    expect(
      (await t.call('POST', `/api/sessions/${s.id}/restore`, { token: owner.token })).body.deletedAt,
    ).toBeNull();
    await t.call('DELETE', `/api/sessions/${s.id}`, { token: owner.token });
    expect((await t.call('POST', `/api/sessions/${s.id}/purge`, { token: owner.token })).status).toBe(200);
    expect(await t.deps.database.query('SELECT 1 FROM sessions WHERE id = $1', [s.id])).toEqual([]);
  });

  test('duplicating copies the polls as drafts; archiving makes a session read-only and frees its code', async () => {
    const s = await create('With polls', { settings: { anonymity: 'names_shown' } });
    await t.deps.database.query(
      `INSERT INTO polls (session_id, position, type, prompt, status, round) VALUES ($1, 1, 'true_false', 'Light is a wave?', 'closed', 3),
       ($1, 2, 'numeric', 'c in km/s?', 'draft', 1)`,
      [s.id],
    );
    const copy = await t.call('POST', `/api/sessions/${s.id}/duplicate`, { token: owner.token });
    expect(copy.status).toBe(201);
    expect(copy.body).toMatchObject({
      title: 'With polls (copy)',
      status: 'idle',
      settings: { anonymity: 'names_shown' },
    });
    expect(copy.body.joinCode).not.toBe(s.joinCode);
    const polls = await t.deps.database.query(
      'SELECT prompt, status, round FROM polls WHERE session_id = $1 ORDER BY position',
      [copy.body.id],
    );
    expect(polls).toEqual([
      { prompt: 'Light is a wave?', status: 'draft', round: 1 },
      { prompt: 'c in km/s?', status: 'draft', round: 1 },
    ]);
    await t.call('POST', `/api/sessions/${s.id}/archive`, { token: owner.token });
    const edit = await t.call('PATCH', `/api/sessions/${s.id}`, {
      token: owner.token,
      body: { title: 'Renamed' },
    });
    expect(edit.body.error.code).toBe('session_archived');
    expect((await t.call('GET', `/api/sessions/${s.id}`, { token: owner.token })).body.status).toBe(
      'archived',
    );
  });

  test('lists my sessions newest first with title search and cursor pages', async () => {
    const mine = await t.signUp('lister@example.edu');
    for (const title of ['Alpha lecture', 'Beta lab', 'Gamma lecture']) {
      await t.call('POST', '/api/sessions', { token: mine.token, body: { title } });
      t.clock.advance(1000);
    }
    const page1 = await t.call('GET', '/api/sessions?q=lecture&limit=1', { token: mine.token });
    expect(page1.body.sessions.map((s: { title: string }) => s.title)).toEqual(['Gamma lecture']);
    const page2 = await t.call('GET', `/api/sessions?q=lecture&limit=1&cursor=${page1.body.nextCursor}`, {
      token: mine.token,
    });
    expect(page2.body.sessions.map((s: { title: string }) => s.title)).toEqual(['Alpha lecture']);
    expect(page2.body.nextCursor).toBeNull();
  });

  test('stopping announces the change so the poll engine can close polls', async () => {
    const events: SessionLifecycleEvent[] = [];
    const off = onSessionLifecycle(t.deps, (e) => {
      events.push(e);
    });
    const s = await create('Live one');
    await t.call('POST', `/api/sessions/${s.id}/start`, { token: owner.token });
    await t.call('POST', `/api/sessions/${s.id}/stop`, { token: owner.token });
    off();
    expect(events.map((e) => e.type)).toEqual(['session.started', 'session.stopped']);
  });

  test('courses: create, rename, duplicate with sessions, soft delete and restore', async () => {
    const c = await t.call('POST', '/api/courses', { token: owner.token, body: { title: 'Physics 101' } });
    expect(c.status).toBe(201);
    await t.call('POST', '/api/sessions', {
      token: owner.token,
      body: { title: 'Week 1', courseId: c.body.id },
    });
    expect(
      (
        await t.call('PATCH', `/api/courses/${c.body.id}`, {
          token: owner.token,
          body: { title: 'Physics I' },
        })
      ).body.title,
    ).toBe('Physics I');
    const dup = await t.call('POST', `/api/courses/${c.body.id}/duplicate`, { token: owner.token });
    const copied = await t.call('GET', `/api/sessions?courseId=${dup.body.id}`, { token: owner.token });
    expect(copied.body.sessions.map((s: { title: string }) => s.title)).toEqual(['Week 1']);
    expect(
      (await t.call('DELETE', `/api/courses/${c.body.id}`, { token: owner.token })).body.deletedAt,
    ).toBeNumber();
    expect(
      (await t.call('POST', `/api/courses/${c.body.id}/restore`, { token: owner.token })).body.deletedAt,
    ).toBeNull();
  });

  test('only admins read the audit trail, filtered and paged; entries cannot be changed', async () => {
    expect((await t.call('GET', '/api/audit', { token: owner.token })).status).toBe(403);
    const admin = await t.signUp('root@example.edu');
    await t.makeAdmin(admin.userId);
    const signedIn = await t.call('POST', '/api/auth/sign-in', {
      body: { email: 'root@example.edu', password: 'blue-harbour-kettle-42' },
    });
    const token = signedIn.body.accessToken;
    const p1 = await t.call('GET', `/api/audit?action=session.created&actor=${owner.userId}&limit=2`, {
      token,
    });
    expect(p1.status).toBe(200);
    expect(p1.body.entries).toHaveLength(2);
    expect(
      p1.body.entries.every(
        (e: { action: string; ip: string }) => e.action === 'session.created' && e.ip === '203.0.113.7',
      ),
    ).toBe(true);
    const p2 = await t.call(
      'GET',
      `/api/audit?action=session.created&actor=${owner.userId}&limit=2&cursor=${p1.body.nextCursor}`,
      { token },
    );
    expect(Number(p2.body.entries[0].id)).toBeLessThan(Number(p1.body.entries[1].id));
    const future = await t.call('GET', `/api/audit?from=${t.clock.now() + 3_600_000}`, { token });
    expect(future.body.entries).toEqual([]);
    await expect(t.deps.database.query('UPDATE audit_log SET action = $1', ['x'])).rejects.toThrow();
    await expect(t.deps.database.query('DELETE FROM audit_log')).rejects.toThrow();
    expect((await t.call('DELETE', '/api/audit', { token })).status).toBe(404);
  });
});
