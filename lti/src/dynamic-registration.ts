/**
 * LTI Dynamic Registration (Moodle 4.x, Canvas): the admin pastes our registration URL into the LMS;
 * the LMS opens it with `openid_configuration` and `registration_token`; we read the platform's
 * configuration, register ourselves, store the platform (pending until a Handsup admin activates it,
 * unless configured otherwise) and answer with a page that posts `org.imsglobal.lti.close`.
 */
import { PLATFORM_CONFIGURATION_CLAIM, SCOPES, TOOL_CONFIGURATION_CLAIM } from './claims.ts';
import { htmlPage } from './html-pages.ts';
import type { FetchLike } from './jwks-cache.ts';
import type { Platform, PlatformStore } from './ports.ts';
import { safeText } from './service-token.ts';

export interface ToolDescription {
  publicOrigin: string;
  toolName: string;
  description?: string;
  logoUrl?: string;
}

/** The URLs the tool exposes, derived from its public origin (also shown by `/lti/config`). */
export function toolUrls(publicOrigin: string) {
  const o = publicOrigin.replace(/\/+$/, '');
  return {
    loginUrl: `${o}/lti/login`,
    launchUrl: `${o}/lti/launch`,
    deepLinkingUrl: `${o}/lti/launch`,
    jwksUrl: `${o}/lti/jwks`,
    registrationUrl: `${o}/lti/register`,
    redirectUris: [`${o}/lti/launch`],
    domain: new URL(o).host,
  };
}

/**
 * The client registration request body (OpenID Connect registration + LTI tool configuration).
 * @example
 *   const body = registrationRequest({ publicOrigin: 'https://handsup.example', toolName: 'Handsup' }, ['…/scope/score']);
 */
export function registrationRequest(tool: ToolDescription, platformScopes: string[] | undefined) {
  const urls = toolUrls(tool.publicOrigin);
  const wanted = [SCOPES.nrps, SCOPES.agsLineItem, SCOPES.agsResult, SCOPES.agsScore];
  const scope = platformScopes ? wanted.filter((s) => platformScopes.includes(s)) : wanted;
  return {
    application_type: 'web',
    response_types: ['id_token'],
    grant_types: ['implicit', 'client_credentials'],
    initiate_login_uri: urls.loginUrl,
    redirect_uris: urls.redirectUris,
    client_name: tool.toolName,
    jwks_uri: urls.jwksUrl,
    ...(tool.logoUrl ? { logo_uri: tool.logoUrl } : {}),
    token_endpoint_auth_method: 'private_key_jwt',
    scope: scope.join(' '),
    [TOOL_CONFIGURATION_CLAIM]: {
      domain: urls.domain,
      target_link_uri: urls.launchUrl,
      description: tool.description ?? 'Live classroom polls',
      claims: ['iss', 'sub', 'name', 'given_name', 'family_name', 'email'],
      messages: [
        { type: 'LtiResourceLinkRequest', target_link_uri: urls.launchUrl },
        { type: 'LtiDeepLinkingRequest', target_link_uri: urls.deepLinkingUrl, label: tool.toolName },
      ],
    },
  };
}

export type RegistrationResult = { ok: true; platform: Platform } | { ok: false; message: string };

/**
 * Run the registration against the platform and store it.
 * @example
 *   const r = await registerWithPlatform({ openidConfigurationUrl, registrationToken, tool, platforms, activate: false });
 */
export async function registerWithPlatform(opts: {
  openidConfigurationUrl: string;
  registrationToken?: string;
  tool: ToolDescription;
  platforms: PlatformStore;
  activate: boolean;
  userAgent: string;
  fetch?: FetchLike;
}): Promise<RegistrationResult> {
  const doFetch = opts.fetch ?? fetch;
  const ua = opts.userAgent;
  let config: Record<string, unknown>;
  try {
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': ua };
    if (opts.registrationToken) headers.authorization = `Bearer ${opts.registrationToken}`;
    const res = await doFetch(opts.openidConfigurationUrl, { headers, signal: AbortSignal.timeout(15_000) });
    if (!res.ok) return { ok: false, message: `The platform configuration answered HTTP ${res.status}.` };
    config = (await res.json()) as Record<string, unknown>;
  } catch (e) {
    return { ok: false, message: `The platform configuration could not be read (${String(e)}).` };
  }
  const required = [
    'issuer',
    'authorization_endpoint',
    'token_endpoint',
    'jwks_uri',
    'registration_endpoint',
  ] as const;
  const missing = required.filter((k) => typeof config[k] !== 'string');
  if (missing.length)
    return { ok: false, message: `The platform configuration lacks ${missing.join(', ')}.` };

  const body = registrationRequest(opts.tool, config.scopes_supported as string[] | undefined);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json',
    'user-agent': ua,
  };
  if (opts.registrationToken) headers.authorization = `Bearer ${opts.registrationToken}`;
  const res = await doFetch(config.registration_endpoint as string, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  if (!res.ok)
    return {
      ok: false,
      message: `The platform refused the registration (HTTP ${res.status}): ${await safeText(res)}`,
    };
  const reg = (await res.json()) as Record<string, unknown>;
  const toolConfig = (reg[TOOL_CONFIGURATION_CLAIM] ?? {}) as { deployment_id?: string };
  if (typeof reg.client_id !== 'string') return { ok: false, message: 'The platform returned no client_id.' };
  const platformConfig = (config[PLATFORM_CONFIGURATION_CLAIM] ?? {}) as { product_family_code?: string };
  const platform = await opts.platforms.savePlatform({
    issuer: config.issuer as string,
    clientId: reg.client_id,
    authLoginUrl: config.authorization_endpoint as string,
    authTokenUrl: config.token_endpoint as string,
    jwksUrl: config.jwks_uri as string,
    status: opts.activate ? 'active' : 'pending',
    name: platformConfig.product_family_code,
    deploymentIds: toolConfig.deployment_id ? [String(toolConfig.deployment_id)] : [],
  });
  return { ok: true, platform };
}

/**
 * The answer to the LMS: a short message, then `{subject: 'org.imsglobal.lti.close'}` to opener/parent.
 * @example
 *   return registrationClosePage('Handsup is registered; an admin must activate it.');
 */
export function registrationClosePage(message: string): Response {
  return htmlPage({
    title: 'Handsup registration',
    body: `<h1>Handsup registration</h1><p role="status" id="msg"></p>`,
    data: { message },
    script: `const d = JSON.parse(document.getElementById('lti-data').textContent);
document.getElementById('msg').textContent = d.message;
(window.opener || window.parent).postMessage({ subject: 'org.imsglobal.lti.close' }, '*');`,
  });
}
