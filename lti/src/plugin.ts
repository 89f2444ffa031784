/**
 * The LTI tool as one Elysia plugin. Routes (all under the host's origin):
 *   GET|POST /lti/login                 OIDC third-party initiated login
 *   POST     /lti/launch                id_token form post (resource link and deep linking)
 *   GET      /lti/jwks, /.well-known/jwks.json   tool public keys
 *   GET|POST /lti/register              dynamic registration (openid_configuration, registration_token)
 *   POST     /lti/deep-link/return-helper        signed deep linking response for the picker's choice
 *   GET      /lti/config                values an admin pastes into an LMS
 * Every refusal is an accessible HTML page naming the reason and what the LMS admin should check.
 */
import { type AnyElysia, Elysia } from 'elysia';
import { createAtRestCipher } from './crypto-at-rest.ts';
import {
  createDeepLinkTicket,
  deepLinkingResponsePage,
  buildDeepLinkingResponse,
  parseContentItems,
  verifyDeepLinkTicket,
} from './deep-linking.ts';
import { registerWithPlatform, registrationClosePage, toolUrls } from './dynamic-registration.ts';
import { errorPage, launchRecoveryPage, loginContinuePage, tokenHandoffPage } from './html-pages.ts';
import { type FetchLike, JwksCache } from './jwks-cache.ts';
import { type LaunchFailure, launchFailure, launchFailureError } from './launch-failures.ts';
import { validateLaunch } from './launch-validation.ts';
import { bindingCookieName, initiateLogin, readLoginParams } from './oidc-login.ts';
import type { LtiPorts, Platform, ValidatedLaunch } from './ports.ts';
import { ServiceClient } from './service-token.ts';
import { createToolSigner, type ToolSigner } from './tool-keys.ts';

export interface LtiPluginOptions {
  /** Public origin of Handsup, e.g. `https://handsup.example` (no trailing path). */
  publicOrigin: string;
  toolName: string;
  /** Secret from configuration that encrypts tool private keys at rest (>= 16 characters). */
  keyEncryptionSecret: string;
  description?: string;
  logoUrl?: string;
  /** Activate dynamically registered platforms at once (default false: an admin activates them). */
  autoActivateRegistrations?: boolean;
  /** User-Agent on every outgoing call (default `Handsup-LTI/1.0 (+publicOrigin)`). */
  userAgent?: string;
  stateTtlMs?: number;
  clockToleranceS?: number;
  now?: () => Date;
  fetch?: FetchLike;
  jwksCache?: JwksCache;
  /** Accept `http:` openid_configuration URLs in dynamic registration (development and tests only). */
  allowHttpPlatforms?: boolean;
  /** Called for every refused login or launch (audit log, metrics). */
  onFailure?: (failure: LaunchFailure) => void;
}

export interface LtiTool {
  plugin: AnyElysia;
  signer: ToolSigner;
  jwksCache: JwksCache;
  /** An AGS/NRPS client for a platform (tokens cached per scope for the client's lifetime). */
  serviceClient(platform: Pick<Platform, 'clientId' | 'authTokenUrl'>): ServiceClient;
  urls: ReturnType<typeof toolUrls>;
}

const MAX_FIELD = 16_384;
const field = (body: unknown, name: string): string | undefined => {
  const v = (body as Record<string, unknown> | null | undefined)?.[name];
  return typeof v === 'string' && v.length > 0 && v.length <= MAX_FIELD ? v : undefined;
};

function readCookie(request: Request, name: string): string | undefined {
  for (const part of request.headers.get('cookie')?.split(';') ?? []) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

/**
 * Build the tool: the Elysia plugin plus the signer and service clients `server/` needs for AGS/NRPS.
 * @example
 *   const lti = createLtiTool(ports, { publicOrigin: 'https://handsup.example', toolName: 'Handsup', keyEncryptionSecret });
 *   app.use(lti.plugin);
 *   const roster = await fetchRoster(lti.serviceClient(platform), url);
 */
export function createLtiTool(ports: LtiPorts, options: LtiPluginOptions): LtiTool {
  const origin = new URL(options.publicOrigin).origin;
  const urls = toolUrls(origin);
  const now = options.now ?? (() => new Date());
  const userAgent = options.userAgent ?? `Handsup-LTI/1.0 (+${origin})`;
  if (options.keyEncryptionSecret.length < 16)
    throw new Error('keyEncryptionSecret must be at least 16 characters.');
  const cipherP = createAtRestCipher(options.keyEncryptionSecret);
  const cipher = {
    encrypt: async (p: string) => (await cipherP).encrypt(p),
    decrypt: async (c: string) => (await cipherP).decrypt(c),
  };
  const signer = createToolSigner(ports.toolKeys, cipher, now);
  const jwksCache = options.jwksCache ?? new JwksCache({ fetch: options.fetch, userAgent });
  const refuse = (failure: LaunchFailure) => {
    options.onFailure?.(failure);
    return errorPage({ ...failure, status: launchFailureError(failure).status });
  };

  async function login(request: Request, body: unknown) {
    const source = request.method === 'GET' ? new URL(request.url).searchParams : toSearchParams(body);
    const r = await initiateLogin(readLoginParams(source), {
      platforms: ports.platforms,
      loginStates: ports.loginStates,
      now,
      launchUrl: urls.launchUrl,
      publicOrigin: origin,
      stateTtlMs: options.stateTtlMs,
    });
    if (!r.ok) return refuse(r.failure);
    return loginContinuePage({
      authUrl: r.authUrl,
      state: r.state,
      binding: r.binding,
      target: r.storageTarget,
      platformOrigin: r.platformOrigin,
      headers: { 'set-cookie': r.cookie },
    });
  }

  async function launch(request: Request, body: unknown) {
    const error = field(body, 'error');
    if (error) {
      return refuse(
        launchFailure(
          'platform_error',
          `The LMS answered "${error}": ${field(body, 'error_description') ?? ''}`,
        ),
      );
    }
    const idToken = field(body, 'id_token');
    const state = field(body, 'state');
    const cookieBinding = state ? readCookie(request, bindingCookieName(state)) : undefined;
    const storageBinding = field(body, 'lti_binding');
    if (idToken && state && !cookieBinding && !storageBinding) {
      const pending = await ports.loginStates.find(state);
      if (pending) {
        const platform = await ports.platforms.findPlatform(pending.issuer, pending.clientId);
        return launchRecoveryPage({
          launchUrl: urls.launchUrl,
          idToken,
          state,
          target: pending.storageTarget,
          platformOrigin: platform ? new URL(platform.authLoginUrl).origin : origin,
          newWindowUrl: newWindowLoginUrl(urls.loginUrl, pending.loginParams),
        });
      }
    }
    const result = await validateLaunch(
      { idToken, state, cookieBinding, storageBinding },
      {
        platforms: ports.platforms,
        loginStates: ports.loginStates,
        jwks: jwksCache,
        now,
        clockToleranceS: options.clockToleranceS,
      },
    );
    if (!result.ok) return refuse(result.failure);
    const validated: ValidatedLaunch = { ...result.launch };
    if (validated.deepLinking) {
      validated.deepLinkTicket = await createDeepLinkTicket(signer, origin, {
        issuer: validated.platform.issuer,
        clientId: validated.platform.clientId,
        deploymentId: validated.deploymentId,
        settings: validated.deepLinking,
      });
    }
    const { redirectTo, appSessionToken } = await ports.provisioner.provision(validated);
    return tokenHandoffPage({
      token: appSessionToken,
      redirectTo: new URL(redirectTo, origin).toString(),
      headers: {
        'set-cookie': `${bindingCookieName(state!)}=; Path=/lti; Max-Age=0; Secure; HttpOnly; SameSite=None; Partitioned`,
      },
    });
  }

  async function register(request: Request, body: unknown) {
    const source = request.method === 'GET' ? new URL(request.url).searchParams : toSearchParams(body);
    const openidConfigurationUrl = source.get('openid_configuration');
    if (!openidConfigurationUrl) {
      return errorPage({
        reason: 'registration_params_missing',
        message: 'The registration request has no openid_configuration parameter.',
        hint: 'Paste the registration URL into the LMS dynamic registration field; do not open it directly.',
      });
    }
    if (new URL(openidConfigurationUrl, origin).protocol !== 'https:' && !options.allowHttpPlatforms) {
      return errorPage({
        reason: 'registration_failed',
        message: `The platform configuration URL ${openidConfigurationUrl} is not HTTPS.`,
        hint: 'Dynamic registration needs the LMS to be served over HTTPS.',
      });
    }
    const r = await registerWithPlatform({
      openidConfigurationUrl,
      registrationToken: source.get('registration_token') ?? undefined,
      tool: {
        publicOrigin: origin,
        toolName: options.toolName,
        description: options.description,
        logoUrl: options.logoUrl,
      },
      platforms: ports.platforms,
      activate: options.autoActivateRegistrations ?? false,
      userAgent,
      fetch: options.fetch,
    });
    if (!r.ok) {
      return errorPage({
        reason: 'registration_failed',
        message: r.message,
        hint: 'Check the LMS registration settings and try again.',
      });
    }
    return registrationClosePage(
      r.platform.status === 'active'
        ? `${options.toolName} is registered with ${r.platform.issuer}.`
        : `${options.toolName} is registered with ${r.platform.issuer}; a ${options.toolName} administrator must activate it before the first launch.`,
    );
  }

  async function deepLinkReturn(body: unknown) {
    const target = await verifyDeepLinkTicket(signer, origin, field(body, 'ticket') ?? '');
    if (!target) {
      return errorPage({
        reason: 'deep_link_ticket_invalid',
        message: 'This selection has expired or was not issued by Handsup.',
        hint: 'Open the activity picker again from the course.',
      });
    }
    let raw: unknown;
    try {
      raw = JSON.parse(field(body, 'items') ?? '[]');
    } catch {
      raw = null;
    }
    const items = parseContentItems(raw, origin, target.settings.acceptMultiple ?? true);
    if (typeof items === 'string')
      return errorPage({
        reason: 'deep_link_items_invalid',
        message: items,
        hint: 'Choose a session again.',
      });
    return deepLinkingResponsePage(
      target.settings.deepLinkReturnUrl,
      await buildDeepLinkingResponse(signer, target, items),
    );
  }

  const jwks = async () =>
    new Response(JSON.stringify(await signer.jwks()), {
      headers: { 'content-type': 'application/json', 'cache-control': 'public, max-age=300' },
    });

  const plugin = new Elysia({ name: 'handsup-lti', seed: origin })
    .get('/lti/login', ({ request }) => login(request, undefined))
    .post('/lti/login', ({ request, body }) => login(request, body))
    .post('/lti/launch', ({ request, body }) => launch(request, body))
    .get('/lti/jwks', jwks)
    .get('/.well-known/jwks.json', jwks)
    .get('/lti/register', ({ request }) => register(request, undefined))
    .post('/lti/register', ({ request, body }) => register(request, body))
    .post('/lti/deep-link/return-helper', ({ body }) => deepLinkReturn(body))
    .get('/lti/config', () => ({
      toolName: options.toolName,
      loginUrl: urls.loginUrl,
      launchUrl: urls.launchUrl,
      redirectUris: urls.redirectUris,
      deepLinkingUrl: urls.deepLinkingUrl,
      jwksUrl: urls.jwksUrl,
      registrationUrl: urls.registrationUrl,
      domain: urls.domain,
      messages: ['LtiResourceLinkRequest', 'LtiDeepLinkingRequest'],
      customParameters: {},
    }));

  return {
    plugin,
    signer,
    jwksCache,
    urls,
    serviceClient: (platform) => new ServiceClient({ platform, signer, userAgent, fetch: options.fetch }),
  };
}

/**
 * The Elysia plugin alone.
 * @example
 *   new Elysia().use(ltiPlugin(ports, { publicOrigin, toolName: 'Handsup', keyEncryptionSecret })).listen(3000);
 */
export function ltiPlugin(ports: LtiPorts, options: LtiPluginOptions) {
  return createLtiTool(ports, options).plugin;
}

function toSearchParams(body: unknown): URLSearchParams {
  const p = new URLSearchParams();
  if (body && typeof body === 'object') {
    for (const [k, v] of Object.entries(body)) if (typeof v === 'string') p.set(k, v);
  }
  return p;
}

/** Restart the login in a top-level window (first-party cookies work there; no platform storage). */
function newWindowLoginUrl(loginUrl: string, params: Record<string, string>): string {
  const { lti_storage_target: _, ...rest } = params;
  return `${loginUrl}?${new URLSearchParams(rest)}`;
}
