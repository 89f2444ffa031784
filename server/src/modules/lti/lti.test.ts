import { afterAll, beforeAll, expect, test } from 'bun:test';
import { CANVAS_USERS, MOODLE_USERS, MockPlatform } from '@handsup/lti/testing';
import { describeStorage } from '../../testing/storage-matrix.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { LTI_CLAIM, launchAs, returnDeepLink, toolJwksOf } from './launch-harness.ts';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/';

describeStorage('LTI launches into Handsup', ({ open }) => {
  let t: TestApp;
  let canvas: MockPlatform;
  let moodle: MockPlatform;
  let adminToken: string;

  beforeAll(async () => {
    t = await createTestApp(await open());
    canvas = await MockPlatform.start({ flavor: 'canvas', toolJwks: toolJwksOf(t) });
    moodle = await MockPlatform.start({ flavor: 'moodle', toolJwks: toolJwksOf(t) });
    const admin = await t.signUp('admin@example.edu');
    await t.makeAdmin(admin.userId);
    const signIn = await t.call('POST', '/api/auth/sign-in', {
      body: { email: 'admin@example.edu', password: 'blue-harbour-kettle-42' },
    });
    adminToken = signIn.body.accessToken;
    for (const lms of [canvas, moodle]) {
      const r = lms.registration;
      const a = await t.call('POST', '/api/lti/platforms', {
        token: adminToken,
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
    }
  });
  afterAll(() => {
    canvas?.stop();
    moodle?.stop();
  });

  const userOf = async (lms: MockPlatform, sub: string) =>
    (
      await t.deps.database.query<{ id: string; display_name: string }>(
        `SELECT u.id, u.display_name FROM users u JOIN lti_identities i ON i.user_id = u.id
         JOIN lti_platforms p ON p.id = i.platform_id WHERE p.issuer = $1 AND i.sub = $2`,
        [lms.issuer, sub],
      )
    )[0];
  const memberRole = async (userId: string) =>
    (
      await t.deps.database.query<{ role: string; title: string }>(
        'SELECT cm.role, c.title FROM course_members cm JOIN courses c ON c.id = cm.course_id WHERE cm.user_id = $1',
        [userId],
      )
    )[0];

  test('a Canvas teacher lands in the live control of a session created for the link, with a working app-session token', async () => {
    const l = await launchAs(t, canvas, { user: CANVAS_USERS.teacher, resourceLinkId: 'canvas-rl-1' });
    expect(l.status).toBe(200);
    const m = /^\/lti-app\/teach\/([0-9a-f-]{36})$/.exec(l.to);
    expect(m).not.toBeNull();
    const sessionId = m![1]!;
    const u = await userOf(canvas, CANVAS_USERS.teacher.sub);
    expect(u.display_name).toBe('Ada Teacher');
    expect(await memberRole(u.id)).toEqual({ role: 'teacher', title: 'Biology' });
    const me = await t.call('GET', `/api/lti/sessions/${sessionId}/status`, { token: l.token });
    expect(me.body).toMatchObject({ id: sessionId, title: 'Lecture polls', status: 'idle', role: 'teacher' });
    // The app-session token is an account token: the session routes accept it.
    const start = await t.call('POST', `/api/sessions/${sessionId}/start`, { token: l.token });
    expect(start.status).toBe(200);
    // A second launch of the same link opens the same session.
    const again = await launchAs(t, canvas, { user: CANVAS_USERS.teacher, resourceLinkId: 'canvas-rl-1' });
    expect(again.to).toBe(l.to);
  });

  test('a Canvas student without a name lands in the student view of that session with a participant row', async () => {
    const l = await launchAs(t, canvas, {
      user: CANVAS_USERS.anonymousStudent,
      resourceLinkId: 'canvas-rl-1',
    });
    const sessionId = /^\/lti-app\/session\/([0-9a-f-]{36})$/.exec(l.to)![1]!;
    const u = await userOf(canvas, CANVAS_USERS.anonymousStudent.sub);
    expect(u.display_name).toBe('');
    expect((await memberRole(u.id)).role).toBe('student');
    const status = await t.call('GET', `/api/lti/sessions/${sessionId}/status`, { token: l.token });
    expect(status.body).toMatchObject({ status: 'live', role: 'student' });
    const rows = await t.deps.database.query(
      'SELECT 1 FROM participants WHERE session_id = $1 AND user_id = $2',
      [sessionId, u.id],
    );
    expect(rows.length).toBe(1);
    // Students cannot run the session.
    expect((await t.call('POST', `/api/sessions/${sessionId}/stop`, { token: l.token })).status).toBe(403);
  });

  test('a student arriving before any teacher gets the link’s session (not live yet); the teacher later owns it', async () => {
    const s = await launchAs(t, moodle, { user: MOODLE_USERS.student, resourceLinkId: 'moodle-rl-early' });
    const sessionId = /\/lti-app\/session\/(.+)$/.exec(s.to)![1]!;
    const st = await t.call('GET', `/api/lti/sessions/${sessionId}/status`, { token: s.token });
    expect(st.body.status).toBe('idle');
    const tl = await launchAs(t, moodle, { user: MOODLE_USERS.teacher, resourceLinkId: 'moodle-rl-early' });
    expect(tl.to).toBe(`/lti-app/teach/${sessionId}`);
    const [row] = await t.deps.database.query<{ owner_id: string }>(
      'SELECT owner_id FROM sessions WHERE id = $1',
      [sessionId],
    );
    expect(row.owner_id).toBe((await userOf(moodle, MOODLE_USERS.teacher.sub)).id);
    expect((await t.call('POST', `/api/sessions/${sessionId}/start`, { token: tl.token })).status).toBe(200);
    const live = await t.call('GET', `/api/lti/sessions/${sessionId}/status`, { token: s.token });
    expect(live.body.status).toBe('live');
  });

  test('Moodle roles are updated at every launch (student, then instructor, then student again)', async () => {
    const sub = MOODLE_USERS.student2.sub;
    await launchAs(t, moodle, { user: MOODLE_USERS.student2, resourceLinkId: 'moodle-rl-roles' });
    const u = await userOf(moodle, sub);
    expect((await memberRole(u.id)).role).toBe('student');
    const promoted = await launchAs(t, moodle, {
      user: MOODLE_USERS.student2,
      resourceLinkId: 'moodle-rl-roles',
      overrides: { [LTI_CLAIM.roles]: [`${LIS}membership#Instructor`] },
    });
    expect(promoted.to).toStartWith('/lti-app/teach/');
    expect(await memberRole(u.id)).toEqual({ role: 'teacher', title: 'Physics 101' });
    await launchAs(t, moodle, { user: MOODLE_USERS.student2, resourceLinkId: 'moodle-rl-roles' });
    expect((await memberRole(u.id)).role).toBe('student');
  });

  test('an observer is not seated; a user with no course role is refused with its reason', async () => {
    const o = await launchAs(t, canvas, { user: CANVAS_USERS.observer, resourceLinkId: 'canvas-rl-1' });
    expect(o.to).toBe('/lti-app/info?reason=observer');
    const n = await launchAs(t, canvas, { user: CANVAS_USERS.nobody, resourceLinkId: 'canvas-rl-1' });
    expect(n.status).toBe(400);
    expect(n.html).toContain('no_course_role');
  });

  test('deep linking: the teacher picks a new session, the LMS gets a signed item, and that link opens the session', async () => {
    const dl = await launchAs(t, canvas, {
      user: CANVAS_USERS.teacher,
      messageType: 'LtiDeepLinkingRequest',
    });
    const id = new URL(dl.to, 'http://x').searchParams.get('dl')!;
    expect(dl.to).toStartWith('/lti-app/pick?dl=');
    const picker = await t.call('GET', `/api/lti/deep-link/${id}`, { token: dl.token });
    expect(picker.body.suggestedTitle).toBe('Biology');
    // Someone else's token cannot use the picker.
    const other = await launchAs(t, canvas, { user: CANVAS_USERS.ta, resourceLinkId: 'canvas-rl-1' });
    expect((await t.call('GET', `/api/lti/deep-link/${id}`, { token: other.token })).status).toBe(404);
    const chosen = await t.call('POST', `/api/lti/deep-link/${id}/items`, {
      token: dl.token,
      body: { title: 'Week 5 check-in' },
    });
    expect(chosen.status).toBe(200);
    expect(await returnDeepLink(t, chosen.body.ticket, chosen.body.items)).toBe(200);
    const response = canvas.recorded.deepLinkResponses.at(-1)!;
    const items = response['https://purl.imsglobal.org/spec/lti-dl/claim/content_items'] as {
      custom: Record<string, string>;
      title: string;
    }[];
    expect(items[0]!.title).toBe('Week 5 check-in');
    expect(items[0]!.custom.session_id).toBe(chosen.body.sessionId);
    // The LMS creates the placement; its first launch (by a student) carries the custom parameters.
    const s = await launchAs(t, canvas, {
      user: CANVAS_USERS.student,
      resourceLinkId: 'canvas-rl-deep',
      overrides: { [LTI_CLAIM.custom]: items[0]!.custom },
    });
    expect(s.to).toBe(`/lti-app/session/${chosen.body.sessionId}`);
    // A forged session id (no valid signature) does not open someone else's session.
    const forged = await launchAs(t, canvas, {
      user: CANVAS_USERS.student,
      resourceLinkId: 'canvas-rl-forged',
      overrides: { [LTI_CLAIM.custom]: { session_id: chosen.body.sessionId, session_sig: 'nope' } },
    });
    expect(forged.to).not.toBe(`/lti-app/session/${chosen.body.sessionId}`);
  });

  test('roster: NRPS members with joined / answered the current poll', async () => {
    const tl = await launchAs(t, moodle, { user: MOODLE_USERS.teacher, resourceLinkId: 'moodle-rl-roster' });
    const sessionId = tl.to.split('/').at(-1)!;
    await launchAs(t, moodle, { user: MOODLE_USERS.student, resourceLinkId: 'moodle-rl-roster' });
    const [poll] = await t.deps.database.query<{ id: string }>(
      `INSERT INTO polls (session_id, position, type, prompt, status, opened_at) VALUES ($1, 0, 'true_false', 'Q1', 'open', now()) RETURNING id`,
      [sessionId],
    );
    const studentUser = await userOf(moodle, MOODLE_USERS.student.sub);
    await t.deps.database.query(
      `INSERT INTO responses (poll_id, round, participant_id, value, client_msg_id)
       SELECT $1, 1, id, '{"choice":true}'::jsonb, 'm1' FROM participants WHERE session_id = $2 AND user_id = $3`,
      [poll.id, sessionId, studentUser.id],
    );
    const r = await t.call('GET', `/api/sessions/${sessionId}/roster`, { token: tl.token });
    expect(r.status).toBe(200);
    expect(r.body.currentPollId).toBe(poll.id);
    const bySub = Object.fromEntries(r.body.members.map((m: { ltiUserId: string }) => [m.ltiUserId, m]));
    expect(bySub[MOODLE_USERS.student.sub]).toMatchObject({
      joined: true,
      answeredCurrentPoll: true,
      role: 'student',
    });
    expect(bySub[MOODLE_USERS.student2.sub]).toMatchObject({ joined: false, answeredCurrentPoll: false });
    expect(Object.keys(bySub).length).toBe(moodle.users.length);
    // Pagination was followed (page size 2) and the roster is refused to students.
    const s = await launchAs(t, moodle, { user: MOODLE_USERS.student, resourceLinkId: 'moodle-rl-roster' });
    expect((await t.call('GET', `/api/sessions/${sessionId}/roster`, { token: s.token })).status).toBe(403);
  });

  test('grades: Moodle line item with a query string gets participation scores; teachers are skipped; status is visible', async () => {
    const tl = await launchAs(t, moodle, { user: MOODLE_USERS.teacher, resourceLinkId: 'moodle-rl-roster' });
    const sessionId = tl.to.split('/').at(-1)!;
    const sync = await t.call('POST', `/api/sessions/${sessionId}/grades/sync`, { token: tl.token });
    expect(sync.status).toBe(200);
    const student = await userOf(moodle, MOODLE_USERS.student.sub);
    const teacher = await userOf(moodle, MOODLE_USERS.teacher.sub);
    const byUser = Object.fromEntries(sync.body.grades.map((g: { userId: string }) => [g.userId, g]));
    expect(byUser[student.id]).toMatchObject({ status: 'sent', scoreGiven: 100, scoreMaximum: 100 });
    expect(byUser[teacher.id]).toMatchObject({ status: 'not_gradable' });
    const posted = moodle.recorded.scores.filter((s) => s.body.userId === MOODLE_USERS.student.sub);
    expect(posted.at(-1)!.url).toMatch(/\/lineitem\/scores\?type_id=1$/);
    expect(moodle.recorded.scores.some((s) => s.body.userId === MOODLE_USERS.teacher.sub)).toBe(false);
    const list = await t.call('GET', `/api/sessions/${sessionId}/grades`, { token: tl.token });
    expect(list.body.sent).toBeGreaterThanOrEqual(1);
  });

  test('dynamic registration creates a pending platform that cannot launch until an admin activates it', async () => {
    const lms = await MockPlatform.start({
      flavor: 'moodle',
      clientId: 'dyn-client',
      toolJwks: toolJwksOf(t),
    });
    try {
      const reg = await t.call(
        'GET',
        `/lti/register?openid_configuration=${encodeURIComponent(lms.openidConfigurationUrl)}&registration_token=tok`,
      );
      expect(reg.status).toBe(200);
      const list = await t.call('GET', '/api/lti/platforms', { token: adminToken });
      const p = list.body.find((x: { issuer: string }) => x.issuer === lms.issuer);
      expect(p.status).toBe('pending');
      await expect(launchAs(t, lms, { user: MOODLE_USERS.student })).rejects.toThrow(/login refused/);
      // Teachers cannot manage platforms.
      const teacher = await launchAs(t, canvas, {
        user: CANVAS_USERS.teacher,
        resourceLinkId: 'canvas-rl-1',
      });
      expect(
        (
          await t.call('PATCH', `/api/lti/platforms/${p.id}`, {
            token: teacher.token,
            body: { status: 'active' },
          })
        ).status,
      ).toBe(403);
      const act = await t.call('PATCH', `/api/lti/platforms/${p.id}`, {
        token: adminToken,
        body: { status: 'active' },
      });
      expect(act.body.status).toBe('active');
      const ok = await launchAs(t, lms, { user: MOODLE_USERS.student });
      expect(ok.to).toStartWith('/lti-app/session/');
    } finally {
      lms.stop();
    }
  });
});
