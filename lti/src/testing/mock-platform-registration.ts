/**
 * The mock platform's registration side: OpenID configuration, client registration (answering with a
 * client id and deployment id), and the deep linking return URL that verifies the tool's signed response.
 */
import { createLocalJWKSet, jwtVerify } from 'jose';
import { TOOL_CONFIGURATION_CLAIM } from '../claims.ts';
import type { MockPlatform, MockPlatformOptions } from './mock-platform.ts';

export function openidConfiguration(
  p: MockPlatform,
  registrationToken: string | undefined,
  req: Request,
): Response {
  if (registrationToken && req.headers.get('authorization') !== `Bearer ${registrationToken}`) {
    return new Response('unauthorized', { status: 401 });
  }
  return Response.json({
    issuer: p.issuer,
    authorization_endpoint: p.authUrl,
    token_endpoint: p.tokenUrl,
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
    jwks_uri: p.jwksUrl,
    registration_endpoint: `${p.origin}/register`,
    scopes_supported: [
      'openid',
      'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
      'https://purl.imsglobal.org/spec/lti-ags/scope/score',
      'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly',
    ],
    response_types_supported: ['id_token'],
    subject_types_supported: ['public', 'pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    claims_supported: ['sub', 'iss', 'name', 'given_name', 'family_name', 'email'],
    'https://purl.imsglobal.org/spec/lti-platform-configuration': {
      product_family_code: p.flavor,
      version: '1.0',
      messages_supported: [{ type: 'LtiResourceLinkRequest' }, { type: 'LtiDeepLinkingRequest' }],
    },
  });
}

export async function register(
  p: MockPlatform,
  registrationToken: string | undefined,
  req: Request,
): Promise<Response> {
  if (registrationToken && req.headers.get('authorization') !== `Bearer ${registrationToken}`) {
    return new Response('unauthorized', { status: 401 });
  }
  const body = (await req.json()) as Record<string, unknown>;
  p.recorded.registrations.push(body);
  if (!body[TOOL_CONFIGURATION_CLAIM] || !body.jwks_uri || !body.initiate_login_uri) {
    return Response.json({ error: 'invalid_client_metadata' }, { status: 400 });
  }
  return Response.json({
    ...body,
    client_id: p.clientId,
    [TOOL_CONFIGURATION_CLAIM]: {
      ...(body[TOOL_CONFIGURATION_CLAIM] as object),
      deployment_id: p.deploymentId,
    },
  });
}

export async function deepLinkReturn(
  p: MockPlatform,
  toolJwks: MockPlatformOptions['toolJwks'],
  req: Request,
): Promise<Response> {
  const jwt = new URLSearchParams(await req.text()).get('JWT') ?? '';
  try {
    const { payload } = await jwtVerify(jwt, createLocalJWKSet(await toolJwks!()), {
      algorithms: ['RS256'],
      issuer: p.clientId,
      audience: p.issuer,
    });
    p.recorded.deepLinkResponses.push(payload);
    return new Response('<p>Added</p>', { headers: { 'content-type': 'text/html' } });
  } catch (e) {
    return new Response(`bad deep linking response: ${String(e)}`, { status: 400 });
  }
}
