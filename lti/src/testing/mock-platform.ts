/**
 * A mock LMS platform for tests (unit, server integration, e2e): real RS256 keys, a real HTTP server
 * (`Bun.serve` on port 0) with JWKS, OIDC authorization (answers the login by auto-posting a signed
 * id_token to the tool's launch URL), OAuth2 token endpoint (client_credentials + private_key_jwt
 * verified against the tool's JWKS), NRPS with pagination, AGS line items and scores (recording what
 * was posted; 400 for non-gradable users like Moodle), openid-configuration and client registration.
 */
import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  type JSONWebKeySet,
  type JWK,
  jwtVerify,
  SignJWT,
} from 'jose';
import { autoPostPage } from '../html-pages.ts';
import { coursePage } from './mock-platform-course-page.ts';
import { deepLinkReturn, openidConfiguration, register } from './mock-platform-registration.ts';
import { handleService } from './mock-platform-services.ts';
import {
  CANVAS_USERS,
  type Flavor,
  lineItemUrls,
  MOODLE_USERS,
  type MockUser,
  presetClaims,
} from './mock-platform-presets.ts';

export interface MockLaunchSpec {
  user: MockUser;
  messageType?: 'LtiResourceLinkRequest' | 'LtiDeepLinkingRequest' | string;
  resourceLinkId?: string;
  /** Claims to set (or, with `undefined`, remove) after the preset is applied. */
  overrides?: Record<string, unknown>;
  /** Sign with a key the JWKS does not publish (unknown kid) or a published key but wrong signature. */
  signWith?: 'platform' | 'unpublished-key' | 'wrong-key-same-kid';
}

export interface MockPlatformOptions {
  flavor?: Flavor;
  clientId?: string;
  deploymentId?: string;
  contextId?: string;
  /** The tool's JWKS, to verify client assertions and deep linking responses. */
  toolJwks?: () => Promise<JSONWebKeySet>;
  /** NRPS page size (default 2, so pagination is exercised). */
  pageSize?: number;
  registrationToken?: string;
}

interface Key {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function newKey(kid: string): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

/** Read the action and fields of an auto-posting form (what a browser would submit). */
export function parseAutoPostForm(html: string): { action: string; fields: Record<string, string> } {
  const decodeEntities = (s: string) =>
    s
      .replaceAll('&quot;', '"')
      .replaceAll('&#39;', "'")
      .replaceAll('&lt;', '<')
      .replaceAll('&gt;', '>')
      .replaceAll('&amp;', '&');
  const action = decodeEntities(html.match(/<form[^>]*action="([^"]*)"/)?.[1] ?? '');
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g))
    fields[decodeEntities(m[1]!)] = decodeEntities(m[2]!);
  return { action, fields };
}

export class MockPlatform {
  readonly flavor: Flavor;
  readonly clientId: string;
  readonly deploymentId: string;
  readonly contextId: string;
  readonly users: MockUser[];
  /** Everything the tool sent, for assertions. */
  readonly recorded = {
    authRequests: [] as URLSearchParams[],
    tokenRequests: [] as { scope: string; userAgent: string | null }[],
    serviceCalls: [] as { method: string; url: string; userAgent: string | null; accept: string | null }[],
    scores: [] as { lineItemId: string; url: string; body: Record<string, unknown>; status: number }[],
    registrations: [] as Record<string, unknown>[],
    deepLinkResponses: [] as Record<string, unknown>[],
  };
  readonly lineItems = new Map<string, Record<string, unknown>>();
  private keys: Key[] = [];
  private unpublished?: Key;
  private readonly launches = new Map<string, MockLaunchSpec>();
  private readonly coursePages = new Map<string, { loginUrl: string; toolOrigin: string }>();
  private readonly tokens = new Map<string, string>();
  private readonly usedJti = new Set<string>();
  private server?: ReturnType<typeof Bun.serve>;

  private constructor(private readonly opts: MockPlatformOptions) {
    this.flavor = opts.flavor ?? 'canvas';
    this.clientId = opts.clientId ?? (this.flavor === 'moodle' ? 'moodle-client-abc' : '10000000000042');
    this.deploymentId = opts.deploymentId ?? (this.flavor === 'moodle' ? '1' : '42:abcdef');
    this.contextId = opts.contextId ?? (this.flavor === 'moodle' ? '2' : 'ctx-bio-1');
    this.users = Object.values(this.flavor === 'moodle' ? MOODLE_USERS : CANVAS_USERS);
  }

  /**
   * Start a mock platform on a free port.
   * @example
   *   const lms = await MockPlatform.start({ flavor: 'moodle', toolJwks: () => tool.signer.jwks() });
   *   // …
   *   lms.stop();
   */
  static async start(opts: MockPlatformOptions = {}): Promise<MockPlatform> {
    const p = new MockPlatform(opts);
    p.keys = [await newKey('mock-key-1')];
    p.unpublished = await newKey('mock-key-unpublished');
    p.server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: (req) => p.handle(req) });
    return p;
  }

  get origin() {
    return `http://127.0.0.1:${this.server!.port}`;
  }
  /** The issuer is the origin (as for Moodle; Canvas uses a fixed https://canvas.instructure.com). */
  get issuer() {
    return this.origin;
  }
  get authUrl() {
    return `${this.origin}/auth`;
  }
  get tokenUrl() {
    return `${this.origin}/token`;
  }
  get jwksUrl() {
    return `${this.origin}/jwks`;
  }
  get openidConfigurationUrl() {
    return `${this.origin}/.well-known/openid-configuration`;
  }
  get lineItemsUrl() {
    return lineItemUrls(this.flavor, this.origin, this.contextId).lineitems;
  }

  /** Values the tool needs to register this platform manually. */
  get registration() {
    return {
      issuer: this.issuer,
      clientId: this.clientId,
      authLoginUrl: this.authUrl,
      authTokenUrl: this.tokenUrl,
      jwksUrl: this.jwksUrl,
      deploymentIds: [this.deploymentId],
      status: 'active' as const,
    };
  }

  stop() {
    this.server?.stop(true);
  }

  /** Publish a new signing key and sign with it from now on (the old one stays listed). */
  async rotateSigningKey(): Promise<string> {
    const k = await newKey(`mock-key-${this.keys.length + 1}`);
    this.keys.unshift(k);
    return k.kid;
  }

  /**
   * Parameters of a third-party initiated login for this launch (send them to the tool's /lti/login).
   * @example
   *   const params = lms.loginParams(`${toolOrigin}/lti/launch`, { user: CANVAS_USERS.teacher });
   */
  loginParams(
    targetLinkUri: string,
    spec: MockLaunchSpec,
    extra: { storageTarget?: string } = {},
  ): Record<string, string> {
    const hint = crypto.randomUUID();
    this.launches.set(hint, spec);
    const p: Record<string, string> = {
      iss: this.issuer,
      login_hint: spec.user.sub,
      target_link_uri: targetLinkUri,
      lti_message_hint: hint,
      client_id: this.clientId,
      lti_deployment_id: this.deploymentId,
    };
    if (extra.storageTarget) p.lti_storage_target = extra.storageTarget;
    return p;
  }

  /**
   * URL of a course page on this platform that embeds the tool's login (and so the launch) in an
   * iframe, answering LTI platform-storage messages. For end-to-end tests in a real browser.
   * @example
   *   await page.goto(lms.coursePageUrl('http://localhost:3000', { user: CANVAS_USERS.student }));
   */
  coursePageUrl(toolOrigin: string, spec: MockLaunchSpec, opts: { storageTarget?: string } = {}): string {
    const params = this.loginParams(`${toolOrigin}/lti/launch`, spec, opts);
    const id = crypto.randomUUID();
    this.coursePages.set(id, {
      loginUrl: `${toolOrigin}/lti/login?${new URLSearchParams(params)}`,
      toolOrigin,
    });
    return `${this.origin}/course/${id}`;
  }

  /**
   * Sign arbitrary id_token claims with the current platform key (or a chosen bad key).
   * @example
   *   const jwt = await lms.signIdToken({ ...claims, aud: 'someone-else' });
   */
  async signIdToken(
    claims: Record<string, unknown>,
    signWith: MockLaunchSpec['signWith'] = 'platform',
  ): Promise<string> {
    const published = this.keys[0]!;
    const key = signWith === 'platform' ? published : this.unpublished!;
    const kid = signWith === 'wrong-key-same-kid' ? published.kid : key.kid;
    return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).sign(key.privateKey);
  }

  /** The claims this platform would send (before overrides), e.g. to craft a token in a test. */
  claimsFor(spec: MockLaunchSpec, nonce: string, targetLinkUri: string): Record<string, unknown> {
    const claims = presetClaims(spec.user, {
      flavor: this.flavor,
      issuer: this.issuer,
      origin: this.origin,
      clientId: this.clientId,
      deploymentId: this.deploymentId,
      contextId: this.contextId,
      resourceLinkId: spec.resourceLinkId ?? 'rl-1',
      messageType: spec.messageType ?? 'LtiResourceLinkRequest',
      targetLinkUri,
      nonce,
      nowS: Math.floor(Date.now() / 1000),
    });
    for (const [k, v] of Object.entries(spec.overrides ?? {})) {
      if (v === undefined) delete claims[k];
      else claims[k] = v;
    }
    return claims;
  }

  private async handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const path = url.pathname;
    if (path === '/jwks') return Response.json({ keys: this.keys.map((k) => k.publicJwk) });
    if (path === '/auth') return this.authorize(url.searchParams);
    const course = this.coursePages.get(path.replace(/^\/course\//, ''));
    if (course) return coursePage(course.loginUrl, new URL(course.toolOrigin).origin);
    if (path === '/token' && req.method === 'POST') return this.token(req);
    if (path === '/.well-known/openid-configuration')
      return openidConfiguration(this, this.opts.registrationToken, req);
    if (path === '/register' && req.method === 'POST')
      return register(this, this.opts.registrationToken, req);
    if (path === '/deep_link_return' && req.method === 'POST')
      return deepLinkReturn(this, this.opts.toolJwks, req);
    return handleService(this, req, this.tokens, this.opts.pageSize ?? 2);
  }

  private async authorize(q: URLSearchParams): Promise<Response> {
    this.recorded.authRequests.push(q);
    const spec = this.launches.get(q.get('lti_message_hint') ?? '');
    const bad =
      q.get('scope') !== 'openid' ||
      q.get('response_type') !== 'id_token' ||
      q.get('response_mode') !== 'form_post' ||
      q.get('prompt') !== 'none' ||
      q.get('client_id') !== this.clientId ||
      !q.get('nonce') ||
      !q.get('state') ||
      !q.get('redirect_uri');
    if (bad || !spec || spec.user.sub !== q.get('login_hint'))
      return new Response('invalid_request', { status: 400 });
    const redirect = q.get('redirect_uri')!;
    const claims = this.claimsFor(spec, q.get('nonce')!, redirect);
    const idToken = await this.signIdToken(claims, spec.signWith);
    return autoPostPage(redirect, { id_token: idToken, state: q.get('state')! });
  }

  private async token(req: Request): Promise<Response> {
    const form = new URLSearchParams(await req.text());
    const fail = (error: string) => Response.json({ error }, { status: 400 });
    if (form.get('grant_type') !== 'client_credentials') return fail('unsupported_grant_type');
    if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer')
      return fail('invalid_client');
    if (!this.opts.toolJwks) return fail('invalid_client');
    try {
      const { payload } = await jwtVerify(
        form.get('client_assertion') ?? '',
        createLocalJWKSet(await this.opts.toolJwks()),
        {
          algorithms: ['RS256'],
          issuer: this.clientId,
          subject: this.clientId,
          audience: this.tokenUrl,
        },
      );
      if (!payload.jti || this.usedJti.has(payload.jti) || !payload.exp) return fail('invalid_client');
      this.usedJti.add(payload.jti);
    } catch {
      return fail('invalid_client');
    }
    const scope = form.get('scope') ?? '';
    this.recorded.tokenRequests.push({ scope, userAgent: req.headers.get('user-agent') });
    const token = crypto.randomUUID();
    this.tokens.set(token, scope);
    return Response.json({ access_token: token, token_type: 'Bearer', expires_in: 3600, scope });
  }
}
