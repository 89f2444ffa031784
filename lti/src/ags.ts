/**
 * Assignment and Grade Services: find or create a line item, post scores. A score refused for one
 * user (Moodle answers 400 for teachers, who are not gradable) is reported for that user; it never
 * fails the batch.
 */
import { MEDIA_TYPES, SCOPES } from './claims.ts';
import { type ServiceClient, safeText } from './service-token.ts';

export interface LineItem {
  id: string;
  label: string;
  scoreMaximum: number;
  resourceId?: string;
  resourceLinkId?: string;
  tag?: string;
}

export interface Score {
  userId: string;
  scoreGiven: number;
  scoreMaximum: number;
  comment?: string;
  activityProgress: 'Initialized' | 'Started' | 'InProgress' | 'Submitted' | 'Completed';
  gradingProgress: 'FullyGraded' | 'Pending' | 'PendingManual' | 'Failed' | 'NotReady';
  timestamp: string;
}

export type ScoreOutcome =
  | { userId: string; ok: true; status: number }
  | { userId: string; ok: false; status: number; notGradable: boolean; error: string };

/**
 * `{lineitem}/scores`, inserted into the path before any query string (Moodle: `…/lineitem?type_id=1`).
 * @example
 *   scoresUrl('https://moodle.example/mod/lti/services.php/2/lineitems/7/lineitem?type_id=1');
 *   // 'https://moodle.example/mod/lti/services.php/2/lineitems/7/lineitem/scores?type_id=1'
 */
export function scoresUrl(lineItemUrl: string): string {
  const u = new URL(lineItemUrl);
  u.pathname = `${u.pathname.replace(/\/+$/, '')}/scores`;
  return u.toString();
}

/**
 * The line item of this resource (by resource_id / resource_link_id), created when missing.
 * @example
 *   const item = await findOrCreateLineItem(client, launch.ags!.lineitems!, { label: 'Participation', scoreMaximum: 100, resourceId: sessionId });
 */
export async function findOrCreateLineItem(
  client: ServiceClient,
  lineItemsUrl: string,
  want: Omit<LineItem, 'id'>,
): Promise<LineItem> {
  const find = new URL(lineItemsUrl);
  if (want.resourceId) find.searchParams.set('resource_id', want.resourceId);
  if (want.resourceLinkId) find.searchParams.set('resource_link_id', want.resourceLinkId);
  if (want.tag) find.searchParams.set('tag', want.tag);
  const scopes = [SCOPES.agsLineItem];
  const res = await client.request(find.toString(), scopes, {
    headers: { accept: MEDIA_TYPES.agsLineItems },
  });
  if (res.ok) {
    const items = (await res.json()) as LineItem[];
    const hit = items.find(
      (i) =>
        (!want.resourceId || i.resourceId === want.resourceId) &&
        (!want.resourceLinkId || i.resourceLinkId === want.resourceLinkId) &&
        (!want.tag || i.tag === want.tag),
    );
    if (hit) return hit;
  }
  const created = await client.request(lineItemsUrl, scopes, {
    method: 'POST',
    headers: { 'content-type': MEDIA_TYPES.agsLineItem, accept: MEDIA_TYPES.agsLineItem },
    body: JSON.stringify(want),
  });
  if (!created.ok)
    throw new Error(`creating the line item answered ${created.status}: ${await safeText(created)}`);
  return (await created.json()) as LineItem;
}

/**
 * Post one score per user; each user gets an outcome.
 * @example
 *   const outcomes = await postScores(client, item.id, scores);
 *   const skipped = outcomes.filter((o) => !o.ok && o.notGradable);
 */
export async function postScores(
  client: ServiceClient,
  lineItemUrl: string,
  scores: Score[],
): Promise<ScoreOutcome[]> {
  const url = scoresUrl(lineItemUrl);
  const outcomes: ScoreOutcome[] = [];
  for (const score of scores) {
    try {
      const res = await client.request(url, [SCOPES.agsScore], {
        method: 'POST',
        headers: { 'content-type': MEDIA_TYPES.agsScore },
        body: JSON.stringify(score),
      });
      if (res.ok) outcomes.push({ userId: score.userId, ok: true, status: res.status });
      else {
        const error = await safeText(res);
        outcomes.push({
          userId: score.userId,
          ok: false,
          status: res.status,
          notGradable: res.status === 400,
          error,
        });
      }
    } catch (e) {
      outcomes.push({ userId: score.userId, ok: false, status: 0, notGradable: false, error: String(e) });
    }
  }
  return outcomes;
}
