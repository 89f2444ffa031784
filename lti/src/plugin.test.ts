/** Real RS256 launches end to end through the plugin, with Canvas- and Moodle-shaped platforms. */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { LTI } from './claims.ts';
import {
  CANVAS_USERS,
  failureReason,
  type Harness,
  MOODLE_USERS,
  pageData,
  parseAutoPostForm,
  startHarness,
  TOOL_ORIGIN,
} from './testing/index.ts';

describe('Canvas-shaped launches', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ flavor: 'canvas' });
  });
  afterAll(() => h.stop());

  test('a teacher lands with an app-session token handed over without cookies', async () => {
    const r = await h.fullLaunch({ user: CANVAS_USERS.teacher });
    expect(failureReason(r.html)).toBeNull();
    const data = pageData<{ token: string; to: string; key: string }>(r.html);
    expect(data).toEqual({
      token: 'app-token-for-canvas-teacher-1',
      to: `${TOOL_ORIGIN}/lti/landing/teacher`,
      key: 'handsup.lti.session',
    });
    expect(r.res.headers.get('set-cookie')).toContain('Max-Age=0');
    expect(r.res.headers.get('cache-control')).toBe('no-store');
    expect(r.res.headers.get('content-security-policy')).toContain("script-src 'nonce-");
    const launch = h.provisioner.launches.at(-1)!;
    expect(launch.role).toBe('teacher');
    expect(launch.platform.issuer).toBe(h.lms.issuer);
    expect(launch.deploymentId).toBe(h.lms.deploymentId);
    expect(launch.context?.id).toBe(h.lms.contextId);
    expect(launch.resourceLink?.id).toBe('rl-1');
    expect(launch.nrps?.contextMembershipsUrl).toContain('/nrps/');
    expect(launch.ags?.lineitems).toContain('/line_items');
    expect(launch.custom).toEqual({ canvas_course_id: h.lms.contextId });
  });

  test('the login asks the platform for exactly the OIDC parameters LTI requires', async () => {
    const login = await h.login({ user: CANVAS_USERS.student });
    const q = new URL(login.authUrl).searchParams;
    expect(Object.fromEntries(q)).toMatchObject({
      scope: 'openid',
      response_type: 'id_token',
      response_mode: 'form_post',
      prompt: 'none',
      client_id: h.lms.clientId,
      redirect_uri: `${TOOL_ORIGIN}/lti/launch`,
      login_hint: CANVAS_USERS.student.sub,
      state: login.state,
      nonce: login.nonce,
    });
    expect(q.get('lti_message_hint')).toBeTruthy();
    expect(login.setCookie).toContain('Secure; HttpOnly; SameSite=None; Partitioned');
    expect(login.state.length).toBeGreaterThanOrEqual(43);
    const stored = await h.loginStates.find(login.state);
    expect(stored?.nonce).toBe(login.nonce);
    expect(stored?.bindingHash).not.toBe(login.binding);
  });

  test('login by POST works the same', async () => {
    const login = await h.login({ user: CANVAS_USERS.student }, { method: 'POST' });
    const { idToken, state } = await h.authorize(login.authUrl);
    const r = await h.launch({ id_token: idToken, state }, login.cookie);
    expect(failureReason(r.html)).toBeNull();
    expect(h.provisioner.launches.at(-1)!.role).toBe('student');
  });

  test('a student without name or email still launches', async () => {
    const r = await h.fullLaunch({ user: CANVAS_USERS.anonymousStudent });
    expect(failureReason(r.html)).toBeNull();
    const launch = h.provisioner.launches.at(-1)!;
    expect(launch.role).toBe('student');
    expect(launch.name).toBeUndefined();
    expect(launch.email).toBeUndefined();
  });

  test('designer -> teacher, observer -> observer, TA -> teacher, Student View -> student', async () => {
    const roles: Record<string, string> = {};
    for (const [name, user] of Object.entries({
      designer: CANVAS_USERS.designer,
      observer: CANVAS_USERS.observer,
      ta: CANVAS_USERS.ta,
      testStudent: CANVAS_USERS.testStudent,
    })) {
      expect(failureReason((await h.fullLaunch({ user })).html)).toBeNull();
      roles[name] = h.provisioner.launches.at(-1)!.role;
    }
    expect(roles).toEqual({
      designer: 'teacher',
      observer: 'observer',
      ta: 'teacher',
      testStudent: 'student',
    });
  });

  test('third-party cookies blocked: the binding comes back from platform storage / localStorage', async () => {
    const login = await h.login({ user: CANVAS_USERS.student }, { storageTarget: '_parent' });
    expect(pageData(login.html)).toMatchObject({ target: '_parent', platformOrigin: h.lms.origin });
    expect(login.html).toContain('lti.put_data');
    const { idToken, state } = await h.authorize(login.authUrl);
    const recovery = await h.launch({ id_token: idToken, state }); // no cookie arrives
    expect(failureReason(recovery.html)).toBeNull();
    expect(recovery.html).toContain('lti.get_data');
    expect(recovery.html).toContain('localStorage');
    expect(recovery.html).toContain('Open Handsup in a new window');
    const form = parseAutoPostForm(recovery.html);
    expect(form.action).toBe(`${TOOL_ORIGIN}/lti/launch`);
    expect(form.fields).toMatchObject({ id_token: idToken, state, lti_binding: '' });
    const newWindow = new URL(
      recovery.html.match(/href="([^"]*\/lti\/login[^"]*)"/)![1]!.replaceAll('&amp;', '&'),
    );
    expect(newWindow.searchParams.get('login_hint')).toBe(CANVAS_USERS.student.sub);
    expect(newWindow.searchParams.has('lti_storage_target')).toBe(false);
    // what the page script does once it has read the value:
    const r = await h.launch({ ...form.fields, lti_binding: login.binding });
    expect(failureReason(r.html)).toBeNull();
  });

  test('a deep linking launch hands a ticket; the return helper signs the chosen items', async () => {
    const r = await h.fullLaunch({ user: CANVAS_USERS.teacher, messageType: 'LtiDeepLinkingRequest' });
    expect(failureReason(r.html)).toBeNull();
    const launch = h.provisioner.launches.at(-1)!;
    expect(pageData<{ to: string }>(r.html).to).toBe(`${TOOL_ORIGIN}/lti/pick`);
    expect(launch.deepLinking?.deepLinkReturnUrl).toBe(`${h.lms.origin}/deep_link_return`);
    const items = [
      {
        type: 'ltiResourceLink',
        title: 'Week 3 polls',
        url: `${TOOL_ORIGIN}/lti/launch`,
        custom: { session_id: 's-42' },
      },
    ];
    const res = await h.app.handle(
      new Request(`${TOOL_ORIGIN}/lti/deep-link/return-helper`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ticket: launch.deepLinkTicket!, items: JSON.stringify(items) }),
      }),
    );
    const form = parseAutoPostForm(await res.text());
    expect(form.action).toBe(launch.deepLinking!.deepLinkReturnUrl);
    const { payload, protectedHeader } = await jwtVerify(
      form.fields.JWT!,
      createLocalJWKSet(await h.tool.signer.jwks()),
      {
        issuer: h.lms.clientId,
        audience: h.lms.issuer,
      },
    );
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload[LTI.messageType]).toBe('LtiDeepLinkingResponse');
    expect(payload[LTI.version]).toBe('1.3.0');
    expect(payload[LTI.deploymentId]).toBe(h.lms.deploymentId);
    expect(payload[LTI.deepLinkingData]).toBe(`opaque-${h.lms.contextId}`);
    expect(payload.nonce).toBeTruthy();
    expect(payload[LTI.deepLinkingContentItems]).toEqual([{ ...items[0], url: `${TOOL_ORIGIN}/lti/launch` }]);
    // and the platform accepts it, verifying against our public JWKS
    const back = await fetch(form.action, { method: 'POST', body: new URLSearchParams(form.fields) });
    expect(back.status).toBe(200);
    expect(h.lms.recorded.deepLinkResponses).toHaveLength(1);
  });

  test('the return helper refuses a forged ticket and foreign links', async () => {
    const post = (fields: Record<string, string>) =>
      h.app.handle(
        new Request(`${TOOL_ORIGIN}/lti/deep-link/return-helper`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(fields),
        }),
      );
    expect(failureReason(await (await post({ ticket: 'forged', items: '[]' })).text())).toBe(
      'deep_link_ticket_invalid',
    );
    await h.fullLaunch({ user: CANVAS_USERS.teacher, messageType: 'LtiDeepLinkingRequest' });
    const ticket = h.provisioner.launches.at(-1)!.deepLinkTicket!;
    const foreign = [{ type: 'ltiResourceLink', title: 'x', url: 'https://evil.example/' }];
    expect(failureReason(await (await post({ ticket, items: JSON.stringify(foreign) })).text())).toBe(
      'deep_link_items_invalid',
    );
  });

  test('login refusals: unknown platform, foreign target, platform error', async () => {
    const bad = await h.app.handle(
      new Request(
        `${TOOL_ORIGIN}/lti/login?iss=https://nobody.example&login_hint=x&target_link_uri=${TOOL_ORIGIN}/lti/launch`,
      ),
    );
    expect(failureReason(await bad.text())).toBe('platform_unknown');
    const missing = await h.app.handle(new Request(`${TOOL_ORIGIN}/lti/login?iss=${h.lms.issuer}`));
    expect(failureReason(await missing.text())).toBe('login_params_missing');
    const foreign = await h.app.handle(
      new Request(
        `${TOOL_ORIGIN}/lti/login?iss=${h.lms.issuer}&login_hint=x&target_link_uri=https://evil.example/`,
      ),
    );
    expect(failureReason(await foreign.text())).toBe('target_link_uri_foreign');
    const refused = await h.launch({ error: 'login_required', error_description: 'not signed in' });
    expect(failureReason(refused.html)).toBe('platform_error');
  });

  test('JWKS and admin config values', async () => {
    const jwks = (await (await h.app.handle(new Request(`${TOOL_ORIGIN}/lti/jwks`))).json()) as {
      keys: object[];
    };
    expect(jwks.keys.length).toBeGreaterThanOrEqual(2);
    for (const k of jwks.keys) expect(k).not.toHaveProperty('d');
    const wellKnown = await (await h.app.handle(new Request(`${TOOL_ORIGIN}/.well-known/jwks.json`))).json();
    expect(wellKnown).toEqual(jwks);
    const config = await (await h.app.handle(new Request(`${TOOL_ORIGIN}/lti/config`))).json();
    expect(config).toMatchObject({
      loginUrl: `${TOOL_ORIGIN}/lti/login`,
      launchUrl: `${TOOL_ORIGIN}/lti/launch`,
      jwksUrl: `${TOOL_ORIGIN}/lti/jwks`,
      registrationUrl: `${TOOL_ORIGIN}/lti/register`,
      redirectUris: [`${TOOL_ORIGIN}/lti/launch`],
      domain: 'handsup.test',
    });
  });
});

describe('Moodle-shaped launches', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ flavor: 'moodle' });
  });
  afterAll(() => h.stop());

  test('student, teacher, non-editing teacher and site admin', async () => {
    const got: Record<string, string> = {};
    for (const [name, user] of Object.entries(MOODLE_USERS)) {
      const r = await h.fullLaunch({ user });
      expect(failureReason(r.html)).toBeNull();
      got[name] = h.provisioner.launches.at(-1)!.role;
    }
    expect(got).toEqual({
      teacher: 'teacher',
      nonEditingTeacher: 'teacher',
      student: 'student',
      student2: 'student',
      siteAdmin: 'teacher',
    });
    const launch = h.provisioner.launches.at(-1)!;
    expect(launch.context?.type).toEqual(['CourseSection']);
    expect(launch.deploymentId).toBe('1');
    expect(launch.ags?.lineitems).toContain('?type_id=1');
  });
});
