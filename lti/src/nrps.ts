/**
 * Names and Role Provisioning Services: the course roster, following `Link: <…>; rel="next"` pages.
 * Roles in the roster are informational only — never re-derive launch roles from it (Moodle lists
 * non-editing teachers as `Learner`).
 */
import { MEDIA_TYPES, SCOPES } from './claims.ts';
import { LtiServiceError, type ServiceClient, safeText } from './service-token.ts';

export interface NrpsMember {
  user_id: string;
  roles: string[];
  status?: 'Active' | 'Inactive' | 'Deleted';
  name?: string;
  given_name?: string;
  family_name?: string;
  email?: string;
}

export interface NrpsRoster {
  context?: { id: string; label?: string; title?: string };
  members: NrpsMember[];
}

/** The URL named `rel="next"` in a Link header, if any. */
export function nextLink(header: string | null): string | undefined {
  for (const part of header?.split(',') ?? []) {
    const m = part.match(/<([^>]+)>\s*;(.*)/);
    if (m && /rel\s*=\s*"?([^";]*\s)?next(\s[^";]*)?"?/i.test(m[2]!)) return m[1];
  }
  return undefined;
}

/**
 * Fetch the whole roster (bounded by `maxPages`).
 * @example
 *   const { members } = await fetchRoster(client, launch.nrps!.contextMembershipsUrl);
 */
export async function fetchRoster(
  client: ServiceClient,
  url: string,
  { maxPages = 50 } = {},
): Promise<NrpsRoster> {
  const roster: NrpsRoster = { members: [] };
  let next: string | undefined = url;
  for (let page = 0; next && page < maxPages; page++) {
    const res = await client.request(next, [SCOPES.nrps], {
      headers: { accept: MEDIA_TYPES.nrpsMembership },
    });
    if (!res.ok)
      throw new LtiServiceError(
        `roster request answered ${res.status}: ${await safeText(res)}`,
        res.status,
        next,
      );
    const body = (await res.json()) as { context?: NrpsRoster['context']; members?: NrpsMember[] };
    roster.context ??= body.context;
    roster.members.push(...(body.members ?? []));
    next = nextLink(res.headers.get('link'));
  }
  return roster;
}
