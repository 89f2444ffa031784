import { afterEach, describe, expect, test } from 'bun:test';
import { TOOL_CONFIGURATION_CLAIM } from './claims.ts';
import { CANVAS_USERS, failureReason, type Harness, startHarness, TOOL_ORIGIN } from './testing/index.ts';

let h: Harness | undefined;
afterEach(() => h?.stop());

async function register(h: Harness) {
  const q = new URLSearchParams({
    openid_configuration: h.lms.openidConfigurationUrl,
    registration_token: 'reg-token-1',
  });
  const res = await h.app.handle(new Request(`${TOOL_ORIGIN}/lti/register?${q}`));
  return res.text();
}

describe('dynamic registration', () => {
  test('registers with the platform, stores it pending and answers with the close message', async () => {
    h = await startHarness({ registrationToken: 'reg-token-1' }, { registerPlatform: false });
    const html = await register(h);
    expect(html).toContain("postMessage({ subject: 'org.imsglobal.lti.close' }, '*')");
    expect(html).toContain('must activate it');
    const body = h.lms.recorded.registrations[0]!;
    expect(body).toMatchObject({
      initiate_login_uri: `${TOOL_ORIGIN}/lti/login`,
      redirect_uris: [`${TOOL_ORIGIN}/lti/launch`],
      jwks_uri: `${TOOL_ORIGIN}/lti/jwks`,
      token_endpoint_auth_method: 'private_key_jwt',
    });
    const config = body[TOOL_CONFIGURATION_CLAIM] as {
      messages: { type: string }[];
      domain: string;
      target_link_uri: string;
    };
    expect(config.domain).toBe('handsup.test');
    expect(config.target_link_uri).toBe(`${TOOL_ORIGIN}/lti/launch`);
    expect(config.messages.map((m) => m.type)).toEqual(['LtiResourceLinkRequest', 'LtiDeepLinkingRequest']);
    expect((body.scope as string).split(' ')).not.toContain(
      'https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly',
    );
    const stored = await h.platforms.findPlatform(h.lms.issuer, h.lms.clientId);
    expect(stored?.status).toBe('pending');
    expect(await h.platforms.hasDeployment(stored!.id, h.lms.deploymentId)).toBe(true);
    // a pending platform cannot launch yet
    const login = await h.login({ user: CANVAS_USERS.teacher });
    expect(failureReason(login.html)).toBe('platform_pending');
  });

  test('with auto-activation, the first launch works right after registration', async () => {
    h = await startHarness(
      { registrationToken: 'reg-token-1' },
      { registerPlatform: false, autoActivateRegistrations: true },
    );
    await register(h);
    const r = await h.fullLaunch({ user: CANVAS_USERS.student });
    expect(failureReason(r.html)).toBeNull();
  });

  test('an http: platform configuration is refused outside development', async () => {
    h = await startHarness({}, { registerPlatform: false, allowHttpPlatforms: false });
    expect(failureReason(await register(h))).toBe('registration_failed');
    expect(h.lms.recorded.registrations).toHaveLength(0);
  });

  test('a refused registration is explained', async () => {
    h = await startHarness({ registrationToken: 'the-real-token' }, { registerPlatform: false });
    expect(failureReason(await register(h))).toBe('registration_failed');
    const direct = await h.app.handle(new Request(`${TOOL_ORIGIN}/lti/register`));
    expect(failureReason(await direct.text())).toBe('registration_params_missing');
  });
});
