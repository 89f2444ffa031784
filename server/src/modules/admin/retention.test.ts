import { expect, test } from 'bun:test';
import { describeStorage } from '../../testing/storage-matrix.ts';
import { createTestApp, PASSWORD, type TestApp } from '../testing/test-app.ts';

describeStorage('data retention: session purge, user export and deletion', ({ open }) => {
  let t: TestApp;
  let admin: { token: string; userId: string };
  let teacher: { token: string; userId: string };

  const count = async (sql: string, params: unknown[]) =>
    Number((await t.deps.database.query<{ n: string | number }>(sql, params))[0].n);
  const auditOf = async (action: string) =>
    (await t.call('GET', `/api/audit?action=${action}`, { token: admin.token })).body.entries as {
      action: string;
      targetId: string;
      actorUserId: string;
    }[];

  /** A session with one poll and one answer from a guest and (optionally) from a user account. */
  async function sessionWithAnswers(owner: { token: string }, title: string, answeringUser?: string) {
    const s = (await t.call('POST', '/api/sessions', { token: owner.token, body: { title } })).body;
    const poll = await t.call('POST', `/api/sessions/${s.id}/polls`, {
      token: owner.token,
      body: { prompt: `${title}: true?`, content: { type: 'true_false' } },
    });
    expect(poll.status).toBe(201);
    await t.call('POST', `/api/sessions/${s.id}/start`, { token: owner.token });
    const guest = await t.call('POST', `/api/join/${s.joinCode}`, { body: { displayName: 'Guest' } });
    expect(guest.status).toBeLessThan(300);
    const participants = [guest.body.participantId as string];
    if (answeringUser) {
      const [row] = await t.deps.database.query<{ id: string }>(
        `INSERT INTO participants (session_id, user_id, display_name, token_hash) VALUES ($1, $2, 'Lee', $3) RETURNING id`,
        [s.id, answeringUser, `hash-${crypto.randomUUID()}`],
      );
      participants.push(row.id);
    }
    for (const pid of participants)
      await t.deps.database.query(
        `INSERT INTO responses (poll_id, round, participant_id, value, client_msg_id) VALUES ($1, 1, $2, $3, $4)`,
        [poll.body.id, pid, JSON.stringify({ type: 'true_false', value: true }), crypto.randomUUID()],
      );
    return { id: s.id as string, pollId: poll.body.id as string, participants };
  }

  test('setup', async () => {
    t = await createTestApp(await open());
    admin = await t.signUp('admin@example.edu');
    await t.makeAdmin(admin.userId);
    // The role travels in the access token: sign in again to carry it.
    const again = await t.call('POST', '/api/auth/sign-in', {
      body: { email: 'admin@example.edu', password: PASSWORD },
    });
    admin.token = again.body.accessToken;
    teacher = await t.signUp('teacher@example.edu');
  });

  test('a teacher deletes a session for good: its polls, participants and answers are gone, the audit trail keeps it', async () => {
    const s = await sessionWithAnswers(teacher, 'Purge me');
    expect(await count('SELECT count(*) AS n FROM responses WHERE poll_id = $1', [s.pollId])).toBe(1);
    await t.call('POST', `/api/sessions/${s.id}/stop`, { token: teacher.token });
    expect((await t.call('DELETE', `/api/sessions/${s.id}`, { token: teacher.token })).status).toBe(200);
    expect((await t.call('POST', `/api/sessions/${s.id}/purge`, { token: teacher.token })).status).toBe(200);
    expect(await count('SELECT count(*) AS n FROM responses WHERE poll_id = $1', [s.pollId])).toBe(0);
    expect(await count('SELECT count(*) AS n FROM participants WHERE session_id = $1', [s.id])).toBe(0);
    expect(await count('SELECT count(*) AS n FROM polls WHERE session_id = $1', [s.id])).toBe(0);
    const purged = await auditOf('session.purged');
    expect(purged.map((e) => [e.targetId, e.actorUserId])).toContainEqual([s.id, teacher.userId]);
  });

  test("only administrators export or delete a user's data", async () => {
    for (const path of [`/api/admin/users/${teacher.userId}/export`]) {
      expect((await t.call('GET', path, { token: teacher.token })).status).toBe(403);
      expect((await t.call('GET', path)).status).toBe(401);
    }
    expect(
      (await t.call('DELETE', `/api/admin/users/${admin.userId}`, { token: teacher.token })).status,
    ).toBe(403);
    expect((await t.call('DELETE', `/api/admin/users/${teacher.userId}`)).status).toBe(401);
    expect(
      (await t.call('DELETE', `/api/admin/users/${crypto.randomUUID()}`, { token: admin.token })).status,
    ).toBe(404);
    expect((await t.call('DELETE', `/api/admin/users/${admin.userId}`, { token: admin.token })).status).toBe(
      409,
    );
    const doc = (await t.call('GET', '/api/openapi.json')).body;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/admin/users/{userId}/export', '/api/admin/users/{userId}']),
    );
  });

  test("an admin exports a user's account, courses, sessions with polls and their own answers", async () => {
    const lee = await t.signUp('lee@example.edu', { displayName: 'Lee' });
    const course = await t.call('POST', '/api/courses', { token: lee.token, body: { title: 'Optics' } });
    expect(course.status).toBe(201);
    const own = await sessionWithAnswers(lee, 'Lee teaches');
    const elsewhere = await sessionWithAnswers(teacher, 'Lee answers', lee.userId);
    const a = await t.call('GET', `/api/admin/users/${lee.userId}/export`, { token: admin.token });
    expect(a.status).toBe(200);
    expect(a.body.account).toMatchObject({ id: lee.userId, email: 'lee@example.edu', displayName: 'Lee' });
    expect(a.body.courses.map((c: { title: string }) => c.title)).toEqual(['Optics']);
    expect(a.body.sessions).toHaveLength(1);
    expect(a.body.sessions[0]).toMatchObject({ id: own.id, role: 'owner' });
    expect(a.body.sessions[0].polls[0]).toMatchObject({ id: own.pollId, prompt: 'Lee teaches: true?' });
    expect(a.body.participations).toEqual([
      expect.objectContaining({
        sessionId: elsewhere.id,
        displayName: 'Lee',
        answers: [
          expect.objectContaining({ pollId: elsewhere.pollId, value: { type: 'true_false', value: true } }),
        ],
      }),
    ]);
    expect(JSON.stringify(a.body)).not.toContain('hash');
    expect((await auditOf('user.exported')).map((e) => e.targetId)).toContain(lee.userId);
  });

  test('an admin deletes a user: their sessions, courses, answers and sign-ins go; others keep theirs; the audit trail keeps the deletion', async () => {
    const kim = await t.signUp('kim@example.edu', { displayName: 'Kim' });
    await t.call('POST', '/api/courses', { token: kim.token, body: { title: 'Kim course' } });
    const own = await sessionWithAnswers(kim, 'Kim teaches');
    const elsewhere = await sessionWithAnswers(teacher, 'Kim answers', kim.userId);
    const d = await t.call('DELETE', `/api/admin/users/${kim.userId}`, { token: admin.token });
    expect(d.status).toBe(200);
    expect(d.body).toEqual({
      userId: kim.userId,
      sessionsDeleted: 1,
      coursesDeleted: 1,
      participationsDeleted: 1,
    });

    expect(await count('SELECT count(*) AS n FROM users WHERE id = $1', [kim.userId])).toBe(0);
    expect(await count('SELECT count(*) AS n FROM sessions WHERE id = $1', [own.id])).toBe(0);
    expect(await count('SELECT count(*) AS n FROM responses WHERE poll_id = $1', [own.pollId])).toBe(0);
    expect(await count("SELECT count(*) AS n FROM courses WHERE title = 'Kim course'", [])).toBe(0);
    expect(
      await count('SELECT count(*) AS n FROM participants WHERE id = $1', [elsewhere.participants[1]]),
    ).toBe(0);
    // The other teacher's session and the guest's answer stay.
    expect(await count('SELECT count(*) AS n FROM responses WHERE poll_id = $1', [elsewhere.pollId])).toBe(1);
    expect(await count('SELECT count(*) AS n FROM refresh_tokens WHERE user_id = $1', [kim.userId])).toBe(0);
    // Sign-ins end at once: the access token and the refresh cookie are refused.
    expect((await t.call('GET', '/api/auth/me', { token: kim.token })).status).toBe(401);
    expect((await t.call('POST', '/api/auth/refresh', { cookie: kim.cookie })).status).toBe(401);
    const deleted = await auditOf('user.deleted');
    expect(deleted.map((e) => [e.targetId, e.actorUserId])).toContainEqual([kim.userId, admin.userId]);
    expect(
      (await t.call('GET', `/api/admin/users/${kim.userId}/export`, { token: admin.token })).status,
    ).toBe(404);
  });
});
