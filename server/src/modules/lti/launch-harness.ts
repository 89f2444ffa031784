/**
 * Test support: drives real LTI launches against a test app the way a browser does — login at the
 * tool, authorization at the MockPlatform (real HTTP, real RS256 id_token), launch form post with the
 * binding cookie — and reads the token hand-off page.
 */
import type { MockLaunchSpec, MockPlatform } from '@handsup/lti/testing';
import { pageData, parseAutoPostForm } from '@handsup/lti/testing';
import { ORIGIN, type TestApp } from '../testing/test-app.ts';

export const LTI_CLAIM = {
  roles: 'https://purl.imsglobal.org/spec/lti/claim/roles',
  custom: 'https://purl.imsglobal.org/spec/lti/claim/custom',
  context: 'https://purl.imsglobal.org/spec/lti/claim/context',
};

export interface LaunchAnswer {
  status: number;
  html: string;
  /** Path of the landing page (origin stripped). */
  to: string;
  token: string;
}

const post = (t: TestApp, path: string, fields: Record<string, string>, cookie?: string) =>
  t.app.handle(
    new Request(`${ORIGIN}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
      body: new URLSearchParams(fields),
    }),
  );

/** login -> platform authorization -> launch; answers the hand-off page's token and target. */
export async function launchAs(t: TestApp, lms: MockPlatform, spec: MockLaunchSpec): Promise<LaunchAnswer> {
  const params = new URLSearchParams(lms.loginParams(`${ORIGIN}/lti/launch`, spec));
  const login = await t.app.handle(new Request(`${ORIGIN}/lti/login?${params}`));
  const loginHtml = await login.text();
  if (login.status !== 200) throw new Error(`login refused: ${login.status} ${loginHtml.slice(0, 400)}`);
  const { authUrl } = pageData<{ authUrl: string }>(loginHtml);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const auth = await fetch(authUrl);
  if (!auth.ok) throw new Error(`platform authorization failed: ${auth.status}`);
  const { fields } = parseAutoPostForm(await auth.text());
  const res = await post(t, '/lti/launch', { id_token: fields.id_token!, state: fields.state! }, cookie);
  const html = await res.text();
  if (res.status !== 200) return { status: res.status, html, to: '', token: '' };
  const d = pageData<{ token: string; to: string }>(html);
  return { status: res.status, html, to: d.to.replace(ORIGIN, ''), token: d.token };
}

/** Posts the picker's choice to the return helper and delivers the auto-posted response to the LMS. */
export async function returnDeepLink(t: TestApp, ticket: string, items: unknown[]): Promise<number> {
  const res = await post(t, '/lti/deep-link/return-helper', { ticket, items: JSON.stringify(items) });
  const { action, fields } = parseAutoPostForm(await res.text());
  const delivered = await fetch(action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  });
  return delivered.status;
}

/** The tool's JWKS, served by the app (the mock verifies client assertions and deep links with it). */
export const toolJwksOf = (t: TestApp) => async () =>
  (await t.app.handle(new Request(`${ORIGIN}/lti/jwks`))).json();
