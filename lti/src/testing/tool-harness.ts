/**
 * Drives the LTI plugin the way a browser would, against a MockPlatform over real HTTP: login ->
 * platform authorization -> launch form post. For this package's tests; the e2e suite uses a real browser.
 */
import { type AnyElysia, Elysia } from 'elysia';
import { JwksCache } from '../jwks-cache.ts';
import { createLtiTool, type LtiPluginOptions, type LtiTool } from '../plugin.ts';
import {
  MemoryLoginStateStore,
  MemoryPlatformStore,
  MemoryToolKeyStore,
  RecordingProvisioner,
} from './memory-stores.ts';
import {
  type MockLaunchSpec,
  MockPlatform,
  type MockPlatformOptions,
  parseAutoPostForm,
} from './mock-platform.ts';

export const TOOL_ORIGIN = 'https://handsup.test';

/** The JSON data block of one of our pages. */
export function pageData<T = Record<string, unknown>>(html: string): T {
  const m = html.match(/<script type="application\/json" id="lti-data">([\s\S]*?)<\/script>/);
  if (!m) throw new Error(`no data block in page: ${html.slice(0, 300)}`);
  return JSON.parse(m[1]!) as T;
}

/** The reason code shown on an error page, or null when the page is not an error page. */
export function failureReason(html: string): string | null {
  return html.match(/Reason code: <code>([^<]*)<\/code>/)?.[1] ?? null;
}

export interface Harness {
  app: AnyElysia;
  tool: LtiTool;
  lms: MockPlatform;
  platforms: MemoryPlatformStore;
  loginStates: MemoryLoginStateStore;
  toolKeys: MemoryToolKeyStore;
  provisioner: RecordingProvisioner;
  jwksCache: JwksCache;
  clock: { offsetMs: number };
  /** Start a login at the tool; returns what the browser holds afterwards. */
  login(spec: MockLaunchSpec, opts?: { storageTarget?: string; method?: 'GET' | 'POST' }): Promise<LoginStep>;
  /** Follow the auth URL at the platform; returns the id_token and state it posts back. */
  authorize(authUrl: string): Promise<{ action: string; idToken: string; state: string }>;
  /** POST the launch form to the tool. */
  launch(
    fields: Record<string, string>,
    cookie?: string,
  ): Promise<{ status: number; html: string; res: Response }>;
  /** login -> authorize -> launch. */
  fullLaunch(
    spec: MockLaunchSpec,
  ): Promise<{ status: number; html: string; res: Response; login: LoginStep }>;
  stop(): void;
}

export interface LoginStep {
  status: number;
  html: string;
  authUrl: string;
  state: string;
  binding: string;
  nonce: string;
  /** `name=value` of the binding cookie. */
  cookie: string;
  setCookie: string;
}

/**
 * @example
 *   const h = await startHarness({ flavor: 'moodle' });
 *   const { html } = await h.fullLaunch({ user: MOODLE_USERS.student });
 *   h.stop();
 */
export async function startHarness(
  mock: MockPlatformOptions = {},
  options: Partial<LtiPluginOptions> & { registerPlatform?: boolean } = {},
): Promise<Harness> {
  const platforms = new MemoryPlatformStore();
  const loginStates = new MemoryLoginStateStore();
  const toolKeys = new MemoryToolKeyStore();
  const provisioner = new RecordingProvisioner();
  const jwksCache = new JwksCache({ minRefetchMs: 0 });
  const clock = { offsetMs: 0 };
  const tool = createLtiTool(
    { platforms, loginStates, toolKeys, provisioner },
    {
      publicOrigin: TOOL_ORIGIN,
      toolName: 'Handsup',
      keyEncryptionSecret: 'test-secret-0123456789abcdef',
      jwksCache,
      allowHttpPlatforms: true,
      now: () => new Date(Date.now() + clock.offsetMs),
      ...options,
    },
  );
  const app = new Elysia().use(tool.plugin);
  const lms = await MockPlatform.start({ toolJwks: () => tool.signer.jwks(), ...mock });
  if (options.registerPlatform !== false) await platforms.savePlatform(lms.registration);

  const h: Harness = {
    app,
    tool,
    lms,
    platforms,
    loginStates,
    toolKeys,
    provisioner,
    jwksCache,
    clock,
    async login(spec, opts = {}) {
      const params = new URLSearchParams(lms.loginParams(`${TOOL_ORIGIN}/lti/launch`, spec, opts));
      const res =
        opts.method === 'POST'
          ? await app.handle(
              new Request(`${TOOL_ORIGIN}/lti/login`, {
                method: 'POST',
                headers: { 'content-type': 'application/x-www-form-urlencoded' },
                body: params,
              }),
            )
          : await app.handle(new Request(`${TOOL_ORIGIN}/lti/login?${params}`));
      const html = await res.text();
      const setCookie = res.headers.get('set-cookie') ?? '';
      if (failureReason(html))
        return {
          status: res.status,
          html,
          authUrl: '',
          state: '',
          binding: '',
          nonce: '',
          cookie: '',
          setCookie,
        };
      const data = pageData<{ authUrl: string; state: string; binding: string }>(html);
      const nonce = new URL(data.authUrl).searchParams.get('nonce') ?? '';
      return { status: res.status, html, ...data, nonce, cookie: setCookie.split(';')[0]!, setCookie };
    },
    async authorize(authUrl) {
      const res = await fetch(authUrl);
      if (!res.ok) throw new Error(`platform authorization failed: ${res.status} ${await res.text()}`);
      const { action, fields } = parseAutoPostForm(await res.text());
      return { action, idToken: fields.id_token!, state: fields.state! };
    },
    async launch(fields, cookie) {
      const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
      if (cookie) headers.cookie = cookie;
      const res = await app.handle(
        new Request(`${TOOL_ORIGIN}/lti/launch`, {
          method: 'POST',
          headers,
          body: new URLSearchParams(fields),
        }),
      );
      return { status: res.status, html: await res.text(), res };
    },
    async fullLaunch(spec) {
      const login = await h.login(spec);
      const { idToken, state } = await h.authorize(login.authUrl);
      return { ...(await h.launch({ id_token: idToken, state }, login.cookie)), login };
    },
    stop: () => lms.stop(),
  };
  return h;
}
