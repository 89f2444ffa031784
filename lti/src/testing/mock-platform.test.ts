/** The mock platform is itself strict, so tests that pass against it mean something. */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { generateKeyPair, SignJWT } from 'jose';
import { CANVAS_USERS } from './mock-platform-presets.ts';
import { type Harness, startHarness, TOOL_ORIGIN } from './tool-harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.stop());

describe('mock platform', () => {
  test('the course page embeds the tool login in an iframe and answers platform storage', async () => {
    const res = await fetch(
      h.lms.coursePageUrl(TOOL_ORIGIN, { user: CANVAS_USERS.student }, { storageTarget: '_parent' }),
    );
    const html = await res.text();
    const src = html.match(/<iframe[^>]*src="([^"]*)"/)![1]!.replaceAll('&amp;', '&');
    const url = new URL(src);
    expect(url.origin + url.pathname).toBe(`${TOOL_ORIGIN}/lti/login`);
    expect(url.searchParams.get('lti_storage_target')).toBe('_parent');
    expect(html).toContain("'lti.put_data'");
    expect(res.headers.get('content-security-policy')).toContain('frame-src');
  });

  test('the token endpoint refuses an assertion not signed by the tool', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const assertion = await new SignJWT({ jti: crypto.randomUUID() })
      .setProtectedHeader({ alg: 'RS256', kid: 'intruder' })
      .setIssuer(h.lms.clientId)
      .setSubject(h.lms.clientId)
      .setAudience(h.lms.tokenUrl)
      .setExpirationTime('5m')
      .sign(privateKey);
    const res = await fetch(h.lms.tokenUrl, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
        scope: 'x',
      }),
    });
    expect(res.status).toBe(400);
  });

  test('the authorization endpoint refuses a login without prompt=none', async () => {
    const login = await h.login({ user: CANVAS_USERS.student });
    const url = new URL(login.authUrl);
    url.searchParams.delete('prompt');
    expect((await fetch(url)).status).toBe(400);
  });
});
