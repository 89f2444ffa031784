/**
 * Turns the verified id_token claims into the plain `ValidatedLaunch` the Provisioner receives:
 * optional claims stay optional (`name`/`email` are often withheld), custom values become strings.
 */
import { LTI } from './claims.ts';
import type { DeepLinkingSettings, Platform, ValidatedLaunch } from './ports.ts';
import { mapLtiRoles } from './role-mapping.ts';

const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/**
 * @example
 *   const launch = toLaunch(platform, verifiedClaims); // after every check passed
 */
export function toLaunch(
  platform: Platform,
  c: Record<string, unknown>,
): Omit<ValidatedLaunch, 'deepLinkTicket'> {
  const roles = (c[LTI.roles] as unknown[] | undefined)?.filter(str) ?? [];
  const ctxClaim = c[LTI.context] as
    | { id?: string; label?: string; title?: string; type?: string[] }
    | undefined;
  const link = c[LTI.resourceLink] as { id: string; title?: string; description?: string } | undefined;
  const dl = c[LTI.deepLinkingSettings] as Record<string, unknown> | undefined;
  const nrps = c[LTI.nrps] as { context_memberships_url?: string } | undefined;
  const ags = c[LTI.ags] as { scope?: string[]; lineitems?: string; lineitem?: string } | undefined;
  const custom = (c[LTI.custom] ?? {}) as Record<string, unknown>;
  return {
    platform,
    deploymentId: c[LTI.deploymentId] as string,
    messageType: c[LTI.messageType] as ValidatedLaunch['messageType'],
    sub: c.sub as string,
    name: str(c.name) ? c.name : undefined,
    givenName: str(c.given_name) ? c.given_name : undefined,
    familyName: str(c.family_name) ? c.family_name : undefined,
    email: str(c.email) ? c.email : undefined,
    roles,
    role: mapLtiRoles(roles)!,
    context: str(ctxClaim?.id)
      ? { id: ctxClaim.id, label: ctxClaim.label, title: ctxClaim.title, type: ctxClaim.type }
      : undefined,
    resourceLink:
      link && str(link.id) ? { id: link.id, title: link.title, description: link.description } : undefined,
    deepLinking: dl ? toDeepLinkingSettings(dl) : undefined,
    custom: Object.fromEntries(Object.entries(custom).map(([k, v]) => [k, String(v)])),
    nrps: str(nrps?.context_memberships_url)
      ? { contextMembershipsUrl: nrps.context_memberships_url }
      : undefined,
    ags: ags ? { scope: ags.scope ?? [], lineitems: ags.lineitems, lineitem: ags.lineitem } : undefined,
    targetLinkUri: c[LTI.targetLinkUri] as string | undefined,
    claims: c,
  };
}

function toDeepLinkingSettings(s: Record<string, unknown>): DeepLinkingSettings {
  return {
    deepLinkReturnUrl: s.deep_link_return_url as string,
    acceptTypes: (s.accept_types as string[] | undefined) ?? [],
    acceptPresentationDocumentTargets: s.accept_presentation_document_targets as string[] | undefined,
    acceptMultiple: s.accept_multiple as boolean | undefined,
    autoCreate: s.auto_create as boolean | undefined,
    data: s.data as string | undefined,
  };
}
