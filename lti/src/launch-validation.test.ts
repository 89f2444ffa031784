/**
 * Every refusal of a launch, each with its own reason, through the real plugin and a mock platform
 * signing real RS256 tokens over HTTP.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { SignJWT } from 'jose';
import { LTI } from './claims.ts';
import { CANVAS_USERS, failureReason, type Harness, startHarness, TOOL_ORIGIN } from './testing/index.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.stop());

const launchUrl = `${TOOL_ORIGIN}/lti/launch`;
const teacher = { user: CANVAS_USERS.teacher };

/** Log in, then post a token built from the platform's claims with `mutate` applied. */
async function launchWith(
  mutate: (c: Record<string, unknown>) => void,
  signWith?: 'unpublished-key' | 'wrong-key-same-kid',
) {
  const login = await h.login(teacher);
  const claims = h.lms.claimsFor(teacher, login.nonce, launchUrl);
  mutate(claims);
  const idToken = await h.lms.signIdToken(claims, signWith);
  return h.launch({ id_token: idToken, state: login.state }, login.cookie);
}

const now = () => Math.floor(Date.now() / 1000);

describe('launch refusals', () => {
  test('bad signature', async () => {
    const r = await launchWith(() => {}, 'wrong-key-same-kid');
    expect(failureReason(r.html)).toBe('signature_invalid');
    expect(r.status).toBe(400);
  });

  test('unknown kid, after refetching the platform JWKS once', async () => {
    await h.fullLaunch(teacher); // JWKS now cached
    const before = h.jwksCache.fetchCount.get(h.lms.jwksUrl) ?? 0;
    const r = await launchWith(() => {}, 'unpublished-key');
    expect(failureReason(r.html)).toBe('kid_unknown');
    expect(h.jwksCache.fetchCount.get(h.lms.jwksUrl)).toBe(before + 1);
  });

  test('a rotated platform key is picked up by refetching on the unknown kid', async () => {
    await h.fullLaunch(teacher);
    const before = h.jwksCache.fetchCount.get(h.lms.jwksUrl) ?? 0;
    await h.lms.rotateSigningKey();
    const r = await h.fullLaunch(teacher);
    expect(failureReason(r.html)).toBeNull();
    expect(h.jwksCache.fetchCount.get(h.lms.jwksUrl)).toBe(before + 1);
  });

  test('alg none and HS256 are refused', async () => {
    const login = await h.login(teacher);
    const claims = h.lms.claimsFor(teacher, login.nonce, launchUrl);
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
    expect(failureReason((await h.launch({ id_token: none, state: login.state }, login.cookie)).html)).toBe(
      'alg_not_allowed',
    );

    const login2 = await h.login(teacher);
    const hs = await new SignJWT(h.lms.claimsFor(teacher, login2.nonce, launchUrl))
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('a-shared-secret-that-anyone-could-know'));
    expect(failureReason((await h.launch({ id_token: hs, state: login2.state }, login2.cookie)).html)).toBe(
      'alg_not_allowed',
    );
  });

  test('wrong aud', async () => {
    const r = await launchWith((c) => {
      c.aud = ['someone-else'];
      c.azp = 'someone-else';
    });
    expect(failureReason(r.html)).toBe('aud_mismatch');
  });

  test('azp mismatch when aud has several values', async () => {
    const r = await launchWith((c) => {
      c.aud = [h.lms.clientId, 'another-tool'];
      c.azp = 'another-tool';
    });
    expect(failureReason(r.html)).toBe('azp_mismatch');
  });

  test('expired', async () => {
    const r = await launchWith((c) => {
      c.iat = now() - 600;
      c.exp = now() - 120;
    });
    expect(failureReason(r.html)).toBe('token_expired');
  });

  test('a Moodle-like 60 s token a few seconds late is still accepted (clock tolerance)', async () => {
    const r = await launchWith((c) => {
      c.iat = now() - 65;
      c.exp = now() - 5;
    });
    expect(failureReason(r.html)).toBeNull();
  });

  test('issued in the future', async () => {
    const r = await launchWith((c) => {
      c.iat = now() + 300;
      c.exp = now() + 900;
    });
    expect(failureReason(r.html)).toBe('token_issued_in_future');
  });

  test('replayed nonce: a token from a finished launch posted with a fresh login', async () => {
    const first = await h.login(teacher);
    const { idToken, state } = await h.authorize(first.authUrl);
    expect(failureReason((await h.launch({ id_token: idToken, state }, first.cookie)).html)).toBeNull();
    const second = await h.login(teacher);
    const r = await h.launch({ id_token: idToken, state: second.state }, second.cookie);
    expect(failureReason(r.html)).toBe('nonce_replayed');
  });

  test('nonce from another login', async () => {
    const a = await h.login(teacher);
    const b = await h.login(teacher);
    const tokenA = await h.authorize(a.authUrl);
    const r = await h.launch({ id_token: tokenA.idToken, state: b.state }, b.cookie);
    expect(failureReason(r.html)).toBe('nonce_mismatch');
  });

  test('missing state', async () => {
    const login = await h.login(teacher);
    const { idToken } = await h.authorize(login.authUrl);
    expect(failureReason((await h.launch({ id_token: idToken }, login.cookie)).html)).toBe('state_missing');
  });

  test('unknown state', async () => {
    const login = await h.login(teacher);
    const { idToken } = await h.authorize(login.authUrl);
    const r = await h.launch({ id_token: idToken, state: 'never-issued', lti_binding: login.binding });
    expect(failureReason(r.html)).toBe('state_unknown');
  });

  test('reused state', async () => {
    const login = await h.login(teacher);
    const { idToken, state } = await h.authorize(login.authUrl);
    expect(failureReason((await h.launch({ id_token: idToken, state }, login.cookie)).html)).toBeNull();
    expect(failureReason((await h.launch({ id_token: idToken, state }, login.cookie)).html)).toBe(
      'state_reused',
    );
  });

  test('expired state', async () => {
    const login = await h.login(teacher);
    const { idToken, state } = await h.authorize(login.authUrl);
    h.clock.offsetMs = 6 * 60_000;
    try {
      expect(failureReason((await h.launch({ id_token: idToken, state }, login.cookie)).html)).toBe(
        'state_expired',
      );
    } finally {
      h.clock.offsetMs = 0;
    }
  });

  test('state bound to another browser', async () => {
    const login = await h.login(teacher);
    const { idToken, state } = await h.authorize(login.authUrl);
    const r = await h.launch({ id_token: idToken, state, lti_binding: 'not-the-value' });
    expect(failureReason(r.html)).toBe('state_not_bound');
  });

  test('unknown deployment, named in the sentence', async () => {
    const r = await launchWith((c) => {
      c[LTI.deploymentId] = '7';
    });
    expect(failureReason(r.html)).toBe('deployment_unknown');
    expect(r.html).toContain('Deployment 7 is not registered for this platform.');
  });

  test('wrong version', async () => {
    const r = await launchWith((c) => {
      c[LTI.version] = '1.1';
    });
    expect(failureReason(r.html)).toBe('version_unsupported');
  });

  test('wrong message type', async () => {
    const r = await launchWith((c) => {
      c[LTI.messageType] = 'LtiSubmissionReviewRequest';
    });
    expect(failureReason(r.html)).toBe('message_type_unsupported');
  });

  test('missing resource link', async () => {
    const r = await launchWith((c) => {
      delete c[LTI.resourceLink];
    });
    expect(failureReason(r.html)).toBe('resource_link_missing');
  });

  test('deep linking without settings', async () => {
    const r = await launchWith((c) => {
      c[LTI.messageType] = 'LtiDeepLinkingRequest';
    });
    expect(failureReason(r.html)).toBe('deep_linking_settings_missing');
  });

  test('no course role (institution roles never decide)', async () => {
    const r = await h.fullLaunch({ user: CANVAS_USERS.nobody });
    expect(failureReason(r.html)).toBe('no_course_role');
  });

  test('the error page escapes what the platform sent', async () => {
    const r = await launchWith((c) => {
      c[LTI.deploymentId] = '<script>alert(1)</script>';
    });
    expect(r.html).not.toContain('<script>alert(1)');
    expect(r.html).toContain('&lt;script&gt;alert(1)');
    expect(r.html).toContain('role="alert"');
  });
});
