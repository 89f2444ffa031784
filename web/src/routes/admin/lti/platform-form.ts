/**
 * The "add a platform" form of the admin LTI page as the body of `POST /api/lti/platforms`: trimmed
 * fields, deployment ids split on commas, spaces or new lines (duplicates dropped), and every URL
 * checked before the request, each problem tied to its field.
 */
export interface PlatformFields {
  name: string;
  issuer: string;
  clientId: string;
  authLoginUrl: string;
  authTokenUrl: string;
  jwksUrl: string;
  deploymentIds: string;
}

export interface PlatformBody {
  name?: string;
  issuer: string;
  clientId: string;
  authLoginUrl: string;
  authTokenUrl: string;
  jwksUrl: string;
  deploymentIds: string[];
}

export type FieldName = keyof PlatformFields;

export const emptyPlatformFields = (): PlatformFields => ({
  name: '',
  issuer: '',
  clientId: '',
  authLoginUrl: '',
  authTokenUrl: '',
  jwksUrl: '',
  deploymentIds: '',
});

/** Splits "1, 2\n3" into ["1", "2", "3"]. */
export const splitDeploymentIds = (text: string): string[] => [
  ...new Set(
    text
      .split(/[\s,]+/)
      .map((s) => s.trim())
      .filter(Boolean),
  ),
];

const URL_FIELDS: [FieldName, string][] = [
  ['issuer', 'Issuer'],
  ['authLoginUrl', 'Authorization (OIDC login) URL'],
  ['authTokenUrl', 'Access token URL'],
  ['jwksUrl', 'Public keyset (JWKS) URL'],
];

function urlProblem(value: string): string | null {
  try {
    const u = new URL(value);
    return u.protocol === 'https:' || u.protocol === 'http:' ? null : 'must start with https://';
  } catch {
    return 'is not a URL';
  }
}

export function platformBody(f: PlatformFields): PlatformBody | { problem: string; field: FieldName } {
  for (const [field, label] of URL_FIELDS) {
    const v = f[field].trim();
    if (!v) return { problem: `${label} is required.`, field };
    const p = urlProblem(v);
    if (p) return { problem: `${label} ${p}.`, field };
  }
  const clientId = f.clientId.trim();
  if (!clientId) return { problem: 'Client ID is required.', field: 'clientId' };
  const deploymentIds = splitDeploymentIds(f.deploymentIds);
  if (deploymentIds.length === 0)
    return { problem: 'Give at least one deployment ID.', field: 'deploymentIds' };
  if (deploymentIds.length > 50) return { problem: 'At most 50 deployment IDs.', field: 'deploymentIds' };
  const name = f.name.trim();
  return {
    ...(name ? { name } : {}),
    issuer: f.issuer.trim(),
    clientId,
    authLoginUrl: f.authLoginUrl.trim(),
    authTokenUrl: f.authTokenUrl.trim(),
    jwksUrl: f.jwksUrl.trim(),
    deploymentIds,
  };
}
