/**
 * The mock LMS for end-to-end tests, run by Bun (MockPlatform serves with Bun.serve; Playwright's runner
 * is Node): `bun e2e/support/mock-lms.ts <toolOrigin> [canvas|moodle]`.
 *
 * Starts a MockPlatform on http://127.0.0.1:<port> that verifies the tool's client assertions against
 * the tool's own JWKS (`<toolOrigin>/lti/jwks`), plus a small control server (also on 127.0.0.1) that
 * makes course pages for a preset user:
 *   POST <control>/course-page {"user":"teacher","storageTarget":"_parent"} -> {"url": "http://127.0.0.1:…/course/…"}
 * Prints one JSON line on stdout ({origin, control, flavor, registration}) and stays up until its stdin
 * closes or it gets SIGTERM.
 */
import { CANVAS_USERS, MockPlatform, MOODLE_USERS, type MockUser } from '../../lti/src/testing/index.ts';

const toolOrigin = process.argv[2];
const flavor = process.argv[3] === 'moodle' ? 'moodle' : 'canvas';
if (!toolOrigin) {
  console.error('usage: bun e2e/support/mock-lms.ts <toolOrigin> [canvas|moodle]');
  process.exit(2);
}

const users: Record<string, MockUser> = flavor === 'moodle' ? MOODLE_USERS : CANVAS_USERS;
const lms = await MockPlatform.start({
  flavor,
  toolJwks: async () => (await fetch(`${toolOrigin}/lti/jwks`)).json(),
});

const control = Bun.serve({
  port: 0,
  hostname: '127.0.0.1',
  async fetch(req) {
    const url = new URL(req.url);
    if (req.method === 'POST' && url.pathname === '/course-page') {
      const body = (await req.json()) as { user?: string; storageTarget?: string; resourceLinkId?: string };
      const user = users[body.user ?? ''];
      if (!user) return Response.json({ error: `unknown user ${body.user}` }, { status: 400 });
      const spec = { user, ...(body.resourceLinkId ? { resourceLinkId: body.resourceLinkId } : {}) };
      const opts = body.storageTarget ? { storageTarget: body.storageTarget } : {};
      return Response.json({ url: lms.coursePageUrl(toolOrigin, spec, opts) });
    }
    if (url.pathname === '/recorded') {
      const r = lms.recorded;
      return Response.json({
        authRequests: r.authRequests.length,
        tokenRequests: r.tokenRequests,
        serviceCalls: r.serviceCalls,
        scores: r.scores,
      });
    }
    return new Response('not found', { status: 404 });
  },
});

const stop = () => {
  control.stop(true);
  lms.stop();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();

console.log(
  JSON.stringify({
    origin: lms.origin,
    control: `http://127.0.0.1:${control.port}`,
    flavor,
    users: Object.keys(users),
    registration: { ...lms.registration, name: `Mock ${flavor === 'moodle' ? 'Moodle' : 'Canvas'}` },
  }),
);
