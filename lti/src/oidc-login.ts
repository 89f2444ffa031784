/**
 * OIDC third-party initiated login (LTI 1.3 step 1): resolve the platform, create a one-time state and
 * nonce server-side, bind the login to this browser, and send the browser to the platform's
 * authorization endpoint. The binding value goes in a partitioned cookie AND in platform storage
 * (when `lti_storage_target` is sent) / localStorage, because the cookie is often blocked in LMS iframes.
 */
import { base64url } from 'jose';
import { type LaunchFailure, launchFailure } from './launch-failures.ts';
import { hashBinding } from './launch-validation.ts';
import type { LoginStateStore, PlatformStore } from './ports.ts';

export const LOGIN_PARAM_NAMES = [
  'iss',
  'login_hint',
  'target_link_uri',
  'lti_message_hint',
  'client_id',
  'lti_deployment_id',
  'lti_storage_target',
] as const;
export type LoginParams = Partial<Record<(typeof LOGIN_PARAM_NAMES)[number], string>>;

export interface LoginDeps {
  platforms: PlatformStore;
  loginStates: LoginStateStore;
  now: () => Date;
  /** Absolute launch URL (`redirect_uri`), e.g. `https://handsup.example/lti/launch`. */
  launchUrl: string;
  /** Origin that `target_link_uri` must belong to. */
  publicOrigin: string;
  stateTtlMs?: number;
}

export type LoginOutcome =
  | {
      ok: true;
      authUrl: string;
      state: string;
      binding: string;
      cookie: string;
      storageTarget?: string;
      platformOrigin: string;
    }
  | { ok: false; failure: LaunchFailure };

const random = (bytes = 32) => base64url.encode(crypto.getRandomValues(new Uint8Array(bytes)));

/** Name of the per-login binding cookie (one per login, so parallel launches in one page do not clash). */
export const bindingCookieName = (state: string) => `hu_lti_${state}`;

/**
 * The binding cookie: `Secure; HttpOnly; SameSite=None; Partitioned`, scoped to `/lti`.
 * @example
 *   headers.append('set-cookie', bindingCookie(state, binding, 600));
 */
export function bindingCookie(state: string, value: string, maxAgeS: number): string {
  return `${bindingCookieName(state)}=${value}; Path=/lti; Max-Age=${maxAgeS}; Secure; HttpOnly; SameSite=None; Partitioned`;
}

/** Pick the login parameters out of a query string or form body. */
export function readLoginParams(source: URLSearchParams | FormData): LoginParams {
  const params: LoginParams = {};
  for (const name of LOGIN_PARAM_NAMES) {
    const v = source.get(name);
    if (typeof v === 'string' && v.length > 0) params[name] = v;
  }
  return params;
}

/**
 * Handle a login initiation.
 * @example
 *   const r = await initiateLogin(readLoginParams(url.searchParams), deps);
 *   if (r.ok) return loginContinuePage({ authUrl: r.authUrl, … });
 */
export async function initiateLogin(params: LoginParams, deps: LoginDeps): Promise<LoginOutcome> {
  const { iss, login_hint, target_link_uri, client_id } = params;
  if (!iss || !login_hint || !target_link_uri) {
    const missing = (['iss', 'login_hint', 'target_link_uri'] as const).filter((k) => !params[k]).join(', ');
    return {
      ok: false,
      failure: launchFailure('login_params_missing', `The login request is missing: ${missing}.`),
    };
  }
  if (!sameOrigin(target_link_uri, deps.publicOrigin)) {
    return {
      ok: false,
      failure: launchFailure(
        'target_link_uri_foreign',
        `target_link_uri ${target_link_uri} is not on ${deps.publicOrigin}.`,
      ),
    };
  }
  const candidates = client_id
    ? [await deps.platforms.findPlatform(iss, client_id)].filter((p) => p !== null)
    : await deps.platforms.listPlatformsByIssuer(iss);
  if (candidates.length === 0) {
    const who = client_id ? `issuer "${iss}" and client id "${client_id}"` : `issuer "${iss}"`;
    return {
      ok: false,
      failure: launchFailure('platform_unknown', `No platform is registered with ${who}.`),
    };
  }
  if (candidates.length > 1) {
    return {
      ok: false,
      failure: launchFailure('platform_ambiguous', `Several platforms use issuer "${iss}".`),
    };
  }
  const platform = candidates[0]!;
  if (platform.status !== 'active') {
    return {
      ok: false,
      failure: launchFailure('platform_pending', `Platform "${iss}" is registered but not yet activated.`),
    };
  }

  const state = random();
  const nonce = random();
  const binding = random();
  const now = deps.now();
  const ttl = deps.stateTtlMs ?? 5 * 60_000;
  await deps.loginStates.create({
    state,
    nonce,
    platformId: platform.id,
    issuer: platform.issuer,
    clientId: platform.clientId,
    bindingHash: await hashBinding(binding),
    targetLinkUri: target_link_uri,
    loginParams: params as Record<string, string>,
    storageTarget: params.lti_storage_target,
    createdAt: now,
    expiresAt: new Date(now.getTime() + ttl),
  });

  const auth = new URL(platform.authLoginUrl);
  const q: Record<string, string | undefined> = {
    scope: 'openid',
    response_type: 'id_token',
    response_mode: 'form_post',
    prompt: 'none',
    client_id: platform.clientId,
    redirect_uri: deps.launchUrl,
    login_hint,
    lti_message_hint: params.lti_message_hint,
    state,
    nonce,
  };
  for (const [k, v] of Object.entries(q)) if (v !== undefined) auth.searchParams.set(k, v);
  return {
    ok: true,
    authUrl: auth.toString(),
    state,
    binding,
    cookie: bindingCookie(state, binding, Math.ceil(ttl / 1000) + 60),
    storageTarget: params.lti_storage_target,
    platformOrigin: auth.origin,
  };
}

function sameOrigin(url: string, origin: string): boolean {
  try {
    return new URL(url).origin === new URL(origin).origin;
  } catch {
    return false;
  }
}
