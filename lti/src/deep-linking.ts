/**
 * Deep linking (LtiDeepLinkingResponse): the tool answers the LMS's "add activity" picker with a signed
 * JWT listing the chosen content items, auto-posted as `JWT` to `deep_link_return_url`.
 *
 * Between the deep-linking launch and the teacher's choice, the launch's settings travel as a
 * *ticket*: a short-lived JWT signed with the tool key and addressed to ourselves, so no server-side
 * storage is needed and nobody can forge a return to another course.
 */
import { createLocalJWKSet, jwtVerify } from 'jose';
import { LTI, MESSAGE_TYPES } from './claims.ts';
import { autoPostPage } from './html-pages.ts';
import type { DeepLinkingSettings } from './ports.ts';
import type { ToolSigner } from './tool-keys.ts';

export interface LtiResourceLinkItem {
  type: 'ltiResourceLink';
  title: string;
  url: string;
  text?: string;
  custom?: Record<string, string>;
  lineItem?: { scoreMaximum: number; label?: string; resourceId?: string; tag?: string };
}

export interface DeepLinkTarget {
  issuer: string;
  clientId: string;
  deploymentId: string;
  settings: DeepLinkingSettings;
}

/**
 * The signed deep linking response (iss = client_id, aud = platform issuer, echoed `data`).
 * @example
 *   const jwt = await buildDeepLinkingResponse(signer, target, [
 *     { type: 'ltiResourceLink', title: 'Week 3 quiz', url: 'https://handsup.example/lti/launch', custom: { session_id: 's1' } },
 *   ]);
 */
export async function buildDeepLinkingResponse(
  signer: ToolSigner,
  target: DeepLinkTarget,
  items: LtiResourceLinkItem[],
  opts: { msg?: string } = {},
): Promise<string> {
  const payload: Record<string, unknown> = {
    iss: target.clientId,
    aud: target.issuer,
    azp: target.clientId,
    nonce: crypto.randomUUID(),
    [LTI.messageType]: MESSAGE_TYPES.deepLinkingResponse,
    [LTI.version]: '1.3.0',
    [LTI.deploymentId]: target.deploymentId,
    [LTI.deepLinkingContentItems]: items,
  };
  if (target.settings.data !== undefined) payload[LTI.deepLinkingData] = target.settings.data;
  if (opts.msg) payload[LTI.deepLinkingMsg] = opts.msg;
  return signer.sign(payload, { expiresInS: 600 });
}

/**
 * The auto-posting form back to the LMS.
 * @example
 *   return deepLinkingResponsePage(target.settings.deepLinkReturnUrl, jwt);
 */
export function deepLinkingResponsePage(returnUrl: string, jwt: string): Response {
  return autoPostPage(returnUrl, { JWT: jwt }, 'Adding Handsup to your course…');
}

const TICKET_AUD = 'handsup:lti:deep-link-ticket';

/**
 * A ticket carrying the deep linking target, valid one hour, for the web app's picker.
 * @example
 *   const ticket = await createDeepLinkTicket(signer, origin, target);
 */
export async function createDeepLinkTicket(signer: ToolSigner, publicOrigin: string, target: DeepLinkTarget) {
  return signer.sign({ iss: publicOrigin, aud: TICKET_AUD, dl: target }, { expiresInS: 3600 });
}

/**
 * Verify a ticket against the tool's own JWKS; null if forged, expired or not ours.
 * @example
 *   const target = await verifyDeepLinkTicket(signer, origin, ticket);
 */
export async function verifyDeepLinkTicket(
  signer: ToolSigner,
  publicOrigin: string,
  ticket: string,
): Promise<DeepLinkTarget | null> {
  try {
    const { payload } = await jwtVerify(ticket, createLocalJWKSet(await signer.jwks()), {
      algorithms: ['RS256'],
      issuer: publicOrigin,
      audience: TICKET_AUD,
    });
    return payload.dl as DeepLinkTarget;
  } catch {
    return null;
  }
}

/**
 * Check items chosen by the web app: only `ltiResourceLink` items pointing at our own origin, titled,
 * at most one unless the platform accepts several.
 */
export function parseContentItems(
  raw: unknown,
  publicOrigin: string,
  acceptMultiple = true,
): LtiResourceLinkItem[] | string {
  if (!Array.isArray(raw) || raw.length === 0) return 'Choose at least one session.';
  if (!acceptMultiple && raw.length > 1) return 'This course placement accepts one session only.';
  const items: LtiResourceLinkItem[] = [];
  for (const it of raw as Array<Record<string, unknown>>) {
    if (it?.type !== 'ltiResourceLink' || typeof it.title !== 'string' || typeof it.url !== 'string') {
      return 'Each item needs type ltiResourceLink, a title and a url.';
    }
    if (new URL(it.url, publicOrigin).origin !== new URL(publicOrigin).origin)
      return 'Items must link to Handsup.';
    const custom =
      it.custom && typeof it.custom === 'object' ? (it.custom as Record<string, unknown>) : undefined;
    items.push({
      type: 'ltiResourceLink',
      title: it.title.slice(0, 255),
      url: new URL(it.url, publicOrigin).toString(),
      text: typeof it.text === 'string' ? it.text.slice(0, 1000) : undefined,
      custom: custom ? Object.fromEntries(Object.entries(custom).map(([k, v]) => [k, String(v)])) : undefined,
      lineItem: it.lineItem as LtiResourceLinkItem['lineItem'],
    });
  }
  return items;
}
