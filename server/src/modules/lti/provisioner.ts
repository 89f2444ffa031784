/**
 * A validated LTI launch -> Handsup state, at every launch: the user (platform + sub), the course
 * (context), the membership and its role, the session of the resource link (the one chosen by deep
 * linking — a signed `session_id` custom parameter — or one created by the link's first launch), the
 * student's participant row, and an app-session token. Observers are not seated (product decision:
 * they cannot answer and are never graded, so they see an explanation instead).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ProvisionResult, Provisioner, ValidatedLaunch } from '@handsup/lti';
import { generateJoinCode } from '../../domain/access/join-code.ts';
import type { AppDeps } from '../../http/context.ts';
import { PARTICIPANT_TOKEN_PREFIX } from '../auth/authenticator.ts';
import { accessKit } from '../auth/kit.ts';
import { hashToken, randomToken } from '../auth/secrets.ts';
import { DEFAULT_SETTINGS } from '../sessions/views.ts';

export const DEEP_LINK_TTL_MS = 60 * 60_000;
export const deepLinkCacheKey = (id: string) => `lti-deep-link:${id}`;

/** What the picker page needs, kept cross-node for an hour under a random id. */
export interface PendingDeepLink {
  userId: string;
  platformId: string;
  courseId: string | null;
  ticket: string;
  suggestedTitle: string;
  acceptMultiple: boolean;
}

/** Where the pages live (SvelteKit, outside the `/lti/*` prefix that the tool's routes own). */
export const pagePaths = {
  teacher: (sessionId: string) => `/lti-app/teach/${sessionId}`,
  student: (sessionId: string) => `/lti-app/session/${sessionId}`,
  picker: (id: string) => `/lti-app/pick?dl=${encodeURIComponent(id)}`,
  info: (reason: 'observer' | 'deep_link_student') => `/lti-app/info?reason=${reason}`,
};

/** The signature that lets a deep-linked placement open a session: only Handsup can mint it. */
export function sessionLinkSignature(secret: string, sessionId: string): string {
  return createHmac('sha256', secret).update(`lti-deep-link:${sessionId}`).digest('base64url');
}

const validSignature = (secret: string, sessionId: string, sig: string | undefined): boolean => {
  if (!sig) return false;
  const want = Buffer.from(sessionLinkSignature(secret, sessionId));
  const got = Buffer.from(sig);
  return want.length === got.length && timingSafeEqual(want, got);
};

const isUniqueViolation = (e: unknown): boolean => {
  const err = e as { code?: string; cause?: { code?: string } };
  return err?.code === '23505' || err?.cause?.code === '23505';
};

const displayNameOf = (l: ValidatedLaunch): string =>
  (l.name ?? [l.givenName, l.familyName].filter(Boolean).join(' ')).trim().slice(0, 200);

export function createProvisioner(deps: AppDeps, secret: () => Promise<string>): Provisioner {
  const { database, crossNode } = deps;
  const q = database.query;
  const { authenticator } = accessKit(deps);

  async function upsertUser(l: ValidatedLaunch): Promise<string> {
    const name = displayNameOf(l);
    const [known] = await q<{ user_id: string }>(
      'SELECT user_id FROM lti_identities WHERE platform_id = $1 AND sub = $2',
      [l.platform.id, l.sub],
    );
    if (known) {
      if (name) await q('UPDATE users SET display_name = $2 WHERE id = $1', [known.user_id, name]);
      return known.user_id;
    }
    // LMS emails are not verified by us: never put them in users.email, where they would claim a local
    // account's address.
    const [u] = await q<{ id: string }>('INSERT INTO users (display_name) VALUES ($1) RETURNING id', [name]);
    await q(
      'INSERT INTO lti_identities (platform_id, sub, user_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [l.platform.id, l.sub, u.id],
    );
    const [winner] = await q<{ user_id: string }>(
      'SELECT user_id FROM lti_identities WHERE platform_id = $1 AND sub = $2',
      [l.platform.id, l.sub],
    );
    if (winner.user_id !== u.id) await q('DELETE FROM users WHERE id = $1', [u.id]); // lost a race
    return winner.user_id;
  }

  async function upsertCourse(l: ValidatedLaunch): Promise<string | null> {
    if (!l.context) return null;
    const title = (l.context.title ?? l.context.label ?? 'LMS course').slice(0, 200);
    const [c] = await q<{ id: string }>(
      `INSERT INTO courses (title, lti_platform_id, lti_context_id) VALUES ($1, $2, $3)
       ON CONFLICT (lti_platform_id, lti_context_id) WHERE lti_context_id IS NOT NULL
       DO UPDATE SET title = EXCLUDED.title, updated_at = now() RETURNING id`,
      [title, l.platform.id, l.context.id],
    );
    return c.id;
  }

  async function setMembership(courseId: string, userId: string, role: ValidatedLaunch['role']) {
    if (role === 'observer') {
      await q('DELETE FROM course_members WHERE course_id = $1 AND user_id = $2', [courseId, userId]);
      return;
    }
    await q(
      `INSERT INTO course_members (course_id, user_id, role) VALUES ($1, $2, $3)
       ON CONFLICT (course_id, user_id) DO UPDATE SET role = EXCLUDED.role, updated_at = now()`,
      [courseId, userId, role],
    );
  }

  /** The session of this resource link: known, deep-linked (signed), or created now. */
  async function linkSession(l: ValidatedLaunch, courseId: string | null, userId: string): Promise<string> {
    const link = l.resourceLink!;
    const known = async () =>
      (
        await q<{ session_id: string }>(
          `SELECT r.session_id FROM lti_resource_links r JOIN sessions s ON s.id = r.session_id
           WHERE r.platform_id = $1 AND r.resource_link_id = $2 AND s.deleted_at IS NULL`,
          [l.platform.id, link.id],
        )
      )[0]?.session_id;
    let sessionId = await known();
    if (!sessionId) {
      const chosen = l.custom.session_id;
      if (chosen && validSignature(await secret(), chosen, l.custom.session_sig)) {
        const [s] = await q<{ id: string }>('SELECT id FROM sessions WHERE id = $1 AND deleted_at IS NULL', [
          chosen,
        ]);
        sessionId = s?.id;
        if (sessionId && courseId) {
          await q('UPDATE sessions SET course_id = $2 WHERE id = $1 AND course_id IS NULL', [
            sessionId,
            courseId,
          ]);
        }
      }
      sessionId ??= await createSession(l, courseId, userId);
      await q(
        `INSERT INTO lti_resource_links (platform_id, resource_link_id, session_id, course_id, deployment_id, title)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [l.platform.id, link.id, sessionId, courseId, l.deploymentId, (link.title ?? '').slice(0, 200)],
      );
      sessionId = (await known()) ?? sessionId;
    }
    await q(
      `UPDATE lti_resource_links SET course_id = COALESCE($3, course_id), deployment_id = $4,
         lineitems_url = COALESCE($5, lineitems_url), lineitem_url = COALESCE($6, lineitem_url),
         ags_scopes = $7::jsonb, nrps_url = COALESCE($8, nrps_url), updated_at = now()
       WHERE platform_id = $1 AND resource_link_id = $2`,
      [
        l.platform.id,
        link.id,
        courseId,
        l.deploymentId,
        l.ags?.lineitems ?? null,
        l.ags?.lineitem ?? null,
        JSON.stringify(l.ags?.scope ?? []),
        l.nrps?.contextMembershipsUrl ?? null,
      ],
    );
    return sessionId;
  }

  /** The first launch of a link creates its session; a teacher's launch becomes its owner. */
  async function createSession(l: ValidatedLaunch, courseId: string | null, userId: string): Promise<string> {
    const title = (l.resourceLink?.title ?? l.context?.title ?? 'Live session').slice(0, 200);
    for (let attempt = 0; ; attempt++) {
      try {
        const [s] = await q<{ id: string }>(
          `INSERT INTO sessions (owner_id, course_id, lti_platform_id, lti_resource_link_id, title, join_code, settings)
           VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) RETURNING id`,
          [
            l.role === 'teacher' ? userId : null,
            courseId,
            l.platform.id,
            l.resourceLink!.id,
            title,
            generateJoinCode(attempt < 3 ? 6 : 8),
            JSON.stringify({ ...DEFAULT_SETTINGS, anonymity: 'teacher_only' }),
          ],
        );
        return s.id;
      } catch (e) {
        if (!isUniqueViolation(e) || attempt >= 5) throw e;
        // Another launch of the same link created it first.
        const [other] = await q<{ id: string }>(
          'SELECT id FROM sessions WHERE lti_platform_id = $1 AND lti_resource_link_id = $2',
          [l.platform.id, l.resourceLink!.id],
        );
        if (other) return other.id;
      }
    }
  }

  /** Teachers whose course does not own a deep-linked session still run it (as co-teachers). */
  async function seatTeacher(sessionId: string, courseId: string | null, userId: string) {
    await q('UPDATE sessions SET owner_id = $2 WHERE id = $1 AND owner_id IS NULL', [sessionId, userId]);
    await q(
      `INSERT INTO session_members (session_id, user_id, role)
       SELECT $1, $2, 'co_teacher' FROM sessions s
       WHERE s.id = $1 AND s.owner_id <> $2 AND s.course_id IS DISTINCT FROM $3::uuid
       ON CONFLICT DO NOTHING`,
      [sessionId, userId, courseId],
    );
  }

  async function seatStudent(sessionId: string, userId: string, name: string) {
    await q(
      `INSERT INTO participants (session_id, user_id, display_name, token_hash) VALUES ($1, $2, $3, $4)
       ON CONFLICT (session_id, user_id) WHERE user_id IS NOT NULL
       DO UPDATE SET display_name = CASE WHEN EXCLUDED.display_name = '' THEN participants.display_name ELSE EXCLUDED.display_name END,
         last_seen_at = now()`,
      [sessionId, userId, name, hashToken(randomToken(PARTICIPANT_TOKEN_PREFIX))],
    );
  }

  return {
    async provision(l): Promise<ProvisionResult> {
      const userId = await upsertUser(l);
      const courseId = await upsertCourse(l);
      if (courseId) await setMembership(courseId, userId, l.role);
      const { accessToken } = await authenticator.issueAppSessionToken(userId);
      const done = (redirectTo: string): ProvisionResult => ({ redirectTo, appSessionToken: accessToken });

      if (l.role === 'observer') return done(pagePaths.info('observer'));
      if (l.messageType === 'LtiDeepLinkingRequest') {
        if (l.role !== 'teacher') return done(pagePaths.info('deep_link_student'));
        const id = crypto.randomUUID();
        const pending: PendingDeepLink = {
          userId,
          platformId: l.platform.id,
          courseId,
          ticket: l.deepLinkTicket!,
          suggestedTitle: (l.context?.title ?? 'Live session').slice(0, 200),
          acceptMultiple: l.deepLinking?.acceptMultiple ?? false,
        };
        await crossNode.cache.set(deepLinkCacheKey(id), pending, DEEP_LINK_TTL_MS);
        return done(pagePaths.picker(id));
      }
      const sessionId = await linkSession(l, courseId, userId);
      if (l.role === 'teacher') {
        await seatTeacher(sessionId, courseId, userId);
        return done(pagePaths.teacher(sessionId));
      }
      await seatStudent(sessionId, userId, displayNameOf(l));
      return done(pagePaths.student(sessionId));
    },
  };
}
