/**
 * What a session knows of its LMS placements: the resource links that open it, with their platform and
 * service endpoints (NRPS memberships, AGS line items), newest launch first. Also the teacher check
 * the roster and grade routes share.
 */
import { AppError } from '@handsup/protocol';
import { type Action, can } from '../../domain/access/permissions.ts';
import type { Principal } from '../../domain/access/principal.ts';
import type { AppDeps } from '../../http/context.ts';
import { accessKit } from '../auth/kit.ts';
import { PLATFORM_COLUMNS, type PlatformRow, toPlatform } from './stores.ts';

export interface SessionLink {
  resourceLinkId: string;
  courseId: string | null;
  platform: ReturnType<typeof toPlatform>;
  nrpsUrl: string | null;
  lineitemsUrl: string | null;
  lineitemUrl: string | null;
  agsScopes: string[];
}

export async function sessionLinks(deps: AppDeps, sessionId: string): Promise<SessionLink[]> {
  const rows = await deps.database.query<
    PlatformRow & {
      resource_link_id: string;
      course_id: string | null;
      nrps_url: string | null;
      lineitems_url: string | null;
      lineitem_url: string | null;
      ags_scopes: unknown;
    }
  >(
    `SELECT r.resource_link_id, r.course_id, r.nrps_url, r.lineitems_url, r.lineitem_url, r.ags_scopes,
       ${PLATFORM_COLUMNS.split(', ')
         .map((c) => `p.${c}`)
         .join(', ')}
     FROM lti_resource_links r JOIN lti_platforms p ON p.id = r.platform_id
     WHERE r.session_id = $1 ORDER BY r.updated_at DESC`,
    [sessionId],
  );
  return rows.map((r) => ({
    resourceLinkId: r.resource_link_id,
    courseId: r.course_id,
    platform: toPlatform(r),
    nrpsUrl: r.nrps_url,
    lineitemsUrl: r.lineitems_url,
    lineitemUrl: r.lineitem_url,
    agsScopes: (typeof r.ags_scopes === 'string' ? JSON.parse(r.ags_scopes) : r.ags_scopes) as string[],
  }));
}

/** Staff of the session only; unknown and not-yours look the same (404). */
export async function requireSessionRole(deps: AppDeps, p: Principal, sessionId: string, action: Action) {
  const role = await accessKit(deps).access.roleInSession(p, sessionId);
  if (!role) throw new AppError('not_found', 'No such session.');
  if (!can(role, action)) throw new AppError('forbidden', 'Your role in this session does not allow this.');
  return role;
}
