/**
 * Session routes (`/api/sessions`): the teacher's side of sessions. Handlers authenticate, then hand
 * plain values to the service, which checks the permission table before anything else.
 */
import {
  CoTeacherView,
  CreateSessionBody,
  InviteBody,
  ParticipantView,
  SessionView,
  UpdateSessionBody,
} from '@handsup/protocol/rest';
import { Type } from '@sinclair/typebox';
import { Elysia } from 'elysia';
import type { AppDeps } from '../../http/context.ts';
import { requireUser } from '../auth/http-auth.ts';
import { accessKit } from '../auth/kit.ts';
import { requestContext as ctx } from '../auth/request-context.ts';
import { inviteCoTeacher, listCoTeachers, removeCoTeacher } from './members.ts';
import { ListQuery, MemberParams, parseLimit, SessionParams } from './model.ts';
import { createSessionService } from './service.ts';

const tags = ['sessions'];
const Ok = Type.Object({ ok: Type.Literal(true) });

export function sessionRoutes(deps: AppDeps) {
  const service = createSessionService(deps);
  const { authenticator, audit } = accessKit(deps);
  const who = (request: Request) => requireUser(authenticator, request);

  return new Elysia({ name: 'sessions', prefix: '/api/sessions' })
    .post(
      '/',
      async ({ request, body, set }) => {
        const view = await service.create(await who(request), body, ctx(request));
        set.status = 201;
        return view;
      },
      {
        body: CreateSessionBody,
        response: { 201: SessionView },
        detail: { summary: 'Create a session', tags },
      },
    )
    .get(
      '/',
      async ({ request, query }) =>
        service.list(await who(request), {
          ...query,
          trash: query.trash === 'true',
          limit: parseLimit(query.limit),
        }),
      { query: ListQuery, detail: { summary: 'My sessions (owner or co-teacher), newest first', tags } },
    )
    .get('/:sessionId', async ({ request, params }) => service.get(await who(request), params.sessionId), {
      params: SessionParams,
      response: SessionView,
      detail: { summary: 'One session (teacher view)', tags },
    })
    .patch(
      '/:sessionId',
      async ({ request, params, body }) =>
        service.update(await who(request), params.sessionId, body, ctx(request)),
      {
        params: SessionParams,
        body: UpdateSessionBody,
        response: SessionView,
        detail: { summary: 'Rename / change settings', tags },
      },
    )
    .post(
      '/:sessionId/duplicate',
      async ({ request, params, set }) => {
        const view = await service.duplicate(await who(request), params.sessionId, ctx(request));
        set.status = 201;
        return view;
      },
      { params: SessionParams, detail: { summary: 'Copy a session with its polls (as drafts)', tags } },
    )
    .post(
      '/:sessionId/start',
      async ({ request, params }) => service.start(await who(request), params.sessionId, ctx(request)),
      {
        params: SessionParams,
        detail: { summary: 'Go live (students can join)', tags },
      },
    )
    .post(
      '/:sessionId/stop',
      async ({ request, params }) => service.stop(await who(request), params.sessionId, ctx(request)),
      {
        params: SessionParams,
        detail: { summary: 'Stop (polls close; students are told it is not live)', tags },
      },
    )
    .post(
      '/:sessionId/archive',
      async ({ request, params }) => service.archive(await who(request), params.sessionId, ctx(request)),
      {
        params: SessionParams,
        detail: { summary: 'Archive (read-only, join code freed)', tags },
      },
    )
    .delete(
      '/:sessionId',
      async ({ request, params }) => service.remove(await who(request), params.sessionId, ctx(request)),
      {
        params: SessionParams,
        detail: { summary: 'Move to the trash (undo with restore)', tags },
      },
    )
    .post(
      '/:sessionId/restore',
      async ({ request, params }) => service.restore(await who(request), params.sessionId, ctx(request)),
      {
        params: SessionParams,
        detail: { summary: 'Restore from the trash', tags },
      },
    )
    .post(
      '/:sessionId/purge',
      async ({ request, params }) => {
        await service.purge(await who(request), params.sessionId, ctx(request));
        return { ok: true as const };
      },
      {
        params: SessionParams,
        response: Ok,
        detail: { summary: 'Delete for good (only from the trash)', tags },
      },
    )
    .post(
      '/:sessionId/join-code',
      async ({ request, params }) =>
        service.regenerateJoinCode(await who(request), params.sessionId, ctx(request)),
      {
        params: SessionParams,
        detail: { summary: 'New join code (the old one stops working)', tags },
      },
    )
    .get(
      '/:sessionId/participants',
      async ({ request, params }) => service.participants(await who(request), params.sessionId),
      {
        params: SessionParams,
        response: Type.Array(ParticipantView),
        detail: { summary: 'Who joined (names hidden in anonymous sessions)', tags },
      },
    )
    .get(
      '/:sessionId/co-teachers',
      async ({ request, params }) => {
        await service.authorize(await who(request), params.sessionId, 'session.read_teacher');
        return listCoTeachers(deps, params.sessionId);
      },
      {
        params: SessionParams,
        response: Type.Array(CoTeacherView),
        detail: { summary: 'Co-teachers and pending invitations', tags },
      },
    )
    .post(
      '/:sessionId/co-teachers',
      async ({ request, params, body }) => {
        const p = await who(request);
        await service.authorize(p, params.sessionId, 'session.members_manage', { live: true });
        return inviteCoTeacher(
          deps,
          audit,
          p,
          { kind: 'session', id: params.sessionId },
          body.email,
          ctx(request),
        );
      },
      {
        params: SessionParams,
        body: InviteBody,
        response: CoTeacherView,
        detail: { summary: 'Invite a co-teacher by email', tags },
      },
    )
    .delete(
      '/:sessionId/co-teachers/:userId',
      async ({ request, params }) => {
        const p = await who(request);
        await service.authorize(p, params.sessionId, 'session.members_manage');
        await removeCoTeacher(deps, audit, p, params.sessionId, params.userId, ctx(request));
        return { ok: true as const };
      },
      { params: MemberParams, response: Ok, detail: { summary: 'Remove a co-teacher', tags } },
    );
}

export { onSessionLifecycle, type SessionLifecycleEvent } from './lifecycle.ts';
export { createSessionService, type SessionService } from './service.ts';
