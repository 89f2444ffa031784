/** AGS/NRPS against the mock platform over real HTTP: tokens, pagination, Moodle URLs, per-user failures. */
import { afterEach, describe, expect, test } from 'bun:test';
import { findOrCreateLineItem, postScores, type Score, scoresUrl } from './ags.ts';
import { SCOPES } from './claims.ts';
import { fetchRoster, nextLink } from './nrps.ts';
import { type Harness, MOODLE_USERS, startHarness } from './testing/index.ts';

let h: Harness | undefined;
afterEach(() => h?.stop());

const score = (userId: string, given: number): Score => ({
  userId,
  scoreGiven: given,
  scoreMaximum: 10,
  activityProgress: 'Completed',
  gradingProgress: 'FullyGraded',
  timestamp: new Date().toISOString(),
});

describe('scoresUrl', () => {
  test('Moodle: /scores goes into the path, before the query string', () => {
    expect(scoresUrl('https://moodle.example/mod/lti/services.php/2/lineitems/7/lineitem?type_id=1')).toBe(
      'https://moodle.example/mod/lti/services.php/2/lineitems/7/lineitem/scores?type_id=1',
    );
  });
  test('Canvas: plain path, trailing slash tolerated', () => {
    expect(scoresUrl('https://canvas.example/api/lti/courses/1/line_items/5/')).toBe(
      'https://canvas.example/api/lti/courses/1/line_items/5/scores',
    );
  });
});

describe('nextLink', () => {
  test('finds rel="next" among several links', () => {
    expect(nextLink('<https://a/1>; rel="differences", <https://a/2>; rel="next"')).toBe('https://a/2');
    expect(nextLink('<https://a/1>; rel="prev"')).toBeUndefined();
    expect(nextLink(null)).toBeUndefined();
  });
});

describe('LTI Advantage services', () => {
  test('NRPS follows every page, sends the media type and a User-Agent, caches the token per scope', async () => {
    h = await startHarness({ flavor: 'moodle', pageSize: 2 });
    const client = h.tool.serviceClient(h.lms.registration);
    const url = `${h.lms.origin}/nrps/${h.lms.contextId}/memberships`;
    const roster = await fetchRoster(client, url);
    expect(roster.members.map((m) => m.user_id).sort()).toEqual(
      Object.values(MOODLE_USERS)
        .map((u) => u.sub)
        .sort(),
    );
    expect(roster.members.find((m) => m.user_id === MOODLE_USERS.nonEditingTeacher.sub)?.roles).toEqual([
      'Learner',
    ]);
    const calls = h.lms.recorded.serviceCalls.filter((c) => c.url.includes('/nrps/'));
    expect(calls).toHaveLength(3);
    for (const c of calls) {
      expect(c.accept).toBe('application/vnd.ims.lti-nrps.v2.membershipcontainer+json');
      expect(c.userAgent).toStartWith('Handsup-LTI/1.0');
    }
    await fetchRoster(client, url);
    expect(h.lms.recorded.tokenRequests.filter((t) => t.scope === SCOPES.nrps)).toHaveLength(1);
    expect(client.tokenRequests).toBe(1);
  });

  test('AGS on Moodle: line item found or created, scores posted, teacher skipped without failing the batch', async () => {
    h = await startHarness({ flavor: 'moodle' });
    const client = h.tool.serviceClient(h.lms.registration);
    const item = await findOrCreateLineItem(client, h.lms.lineItemsUrl, {
      label: 'Participation',
      scoreMaximum: 10,
      resourceId: 'session-1',
    });
    expect(item.id).toContain('/lineitem?type_id=1');
    const again = await findOrCreateLineItem(client, h.lms.lineItemsUrl, {
      label: 'Participation',
      scoreMaximum: 10,
      resourceId: 'session-1',
    });
    expect(again.id).toBe(item.id);
    expect(h.lms.lineItems.size).toBe(1);

    const outcomes = await postScores(client, item.id, [
      score(MOODLE_USERS.student.sub, 8),
      score(MOODLE_USERS.teacher.sub, 10),
      score(MOODLE_USERS.student2.sub, 5),
    ]);
    expect(outcomes.map((o) => [o.userId, o.ok])).toEqual([
      [MOODLE_USERS.student.sub, true],
      [MOODLE_USERS.teacher.sub, false],
      [MOODLE_USERS.student2.sub, true],
    ]);
    const teacher = outcomes[1]!;
    expect(!teacher.ok && teacher.notGradable).toBe(true);
    const posted = h.lms.recorded.scores.filter((s) => s.status === 200);
    expect(posted.map((s) => s.body.scoreGiven)).toEqual([8, 5]);
    expect(posted[0]!.url).toContain('/lineitem/scores?type_id=1');
    const scoreCalls = h.lms.recorded.serviceCalls.filter((c) => c.url.includes('/scores'));
    for (const c of scoreCalls) expect(c.userAgent).toStartWith('Handsup-LTI/1.0');
  });

  test('AGS on Canvas: plain line-item URLs', async () => {
    h = await startHarness({ flavor: 'canvas' });
    const client = h.tool.serviceClient(h.lms.registration);
    const item = await findOrCreateLineItem(client, h.lms.lineItemsUrl, {
      label: 'Score',
      scoreMaximum: 10,
      resourceId: 's',
    });
    const outcomes = await postScores(client, item.id, [score('canvas-student-1', 3)]);
    expect(outcomes).toEqual([{ userId: 'canvas-student-1', ok: true, status: 204 }]);
    expect(h.lms.recorded.scores[0]!.url).toEndWith('/line_items/1/scores');
  });

  test('a token endpoint refusal surfaces as an error naming the status', async () => {
    h = await startHarness({ flavor: 'canvas', clientId: 'another-client' });
    // the tool believes in a client id the platform does not accept
    const client = h.tool.serviceClient({ ...h.lms.registration, clientId: 'wrong-client' });
    await expect(fetchRoster(client, `${h.lms.origin}/nrps/x/memberships`)).rejects.toThrow(/400/);
  });
});
