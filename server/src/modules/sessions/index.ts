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
import { IdParams, ListQuery, MemberParams, parseLimit } from './model.ts';
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
    .get('/:id', async ({ request, params }) => service.get(await who(request), params.id), {
      params: IdParams,
      response: SessionView,
      detail: { summary: 'One session (teacher view)', tags },
    })
    .patch(
      '/:id',
      async ({ request, params, body }) => service.update(await who(request), params.id, body, ctx(request)),
      {
        params: IdParams,
        body: UpdateSessionBody,
        response: SessionView,
        detail: { summary: 'Rename / change settings', tags },
      },
    )
    .post(
      '/:id/duplicate',
      async ({ request, params, set }) => {
        const view = await service.duplicate(await who(request), params.id, ctx(request));
        set.status = 201;
        return view;
      },
      { params: IdParams, detail: { summary: 'Copy a session with its polls (as drafts)', tags } },
    )
    .post(
      '/:id/start',
      async ({ request, params }) => service.start(await who(request), params.id, ctx(request)),
      {
        params: IdParams,
        detail: { summary: 'Go live (students can join)', tags },
      },
    )
    .post(
      '/:id/stop',
      async ({ request, params }) => service.stop(await who(request), params.id, ctx(request)),
      {
        params: IdParams,
        detail: { summary: 'Stop (polls close; students are told it is not live)', tags },
      },
    )
    .post(
      '/:id/archive',
      async ({ request, params }) => service.archive(await who(request), params.id, ctx(request)),
      {
        params: IdParams,
        detail: { summary: 'Archive (read-only, join code freed)', tags },
      },
    )
    .delete(
      '/:id',
      async ({ request, params }) => service.remove(await who(request), params.id, ctx(request)),
      {
        params: IdParams,
        detail: { summary: 'Move to the trash (undo with restore)', tags },
      },
    )
    .post(
      '/:id/restore',
      async ({ request, params }) => service.restore(await who(request), params.id, ctx(request)),
      {
        params: IdParams,
        detail: { summary: 'Restore from the trash', tags },
      },
    )
    .post(
      '/:id/purge',
      async ({ request, params }) => {
        await service.purge(await who(request), params.id, ctx(request));
        return { ok: true as const };
      },
      { params: IdParams, response: Ok, detail: { summary: 'Delete for good (only from the trash)', tags } },
    )
    .post(
      '/:id/join-code',
      async ({ request, params }) => service.regenerateJoinCode(await who(request), params.id, ctx(request)),
      {
        params: IdParams,
        detail: { summary: 'New join code (the old one stops working)', tags },
      },
    )
    .get(
      '/:id/participants',
      async ({ request, params }) => service.participants(await who(request), params.id),
      {
        params: IdParams,
        response: Type.Array(ParticipantView),
        detail: { summary: 'Who joined (names hidden in anonymous sessions)', tags },
      },
    )
    .get(
      '/:id/co-teachers',
      async ({ request, params }) => {
        await service.authorize(await who(request), params.id, 'session.read_teacher');
        return listCoTeachers(deps, params.id);
      },
      {
        params: IdParams,
        response: Type.Array(CoTeacherView),
        detail: { summary: 'Co-teachers and pending invitations', tags },
      },
    )
    .post(
      '/:id/co-teachers',
      async ({ request, params, body }) => {
        const p = await who(request);
        await service.authorize(p, params.id, 'session.members_manage', { live: true });
        return inviteCoTeacher(deps, audit, p, { kind: 'session', id: params.id }, body.email, ctx(request));
      },
      {
        params: IdParams,
        body: InviteBody,
        response: CoTeacherView,
        detail: { summary: 'Invite a co-teacher by email', tags },
      },
    )
    .delete(
      '/:id/co-teachers/:userId',
      async ({ request, params }) => {
        const p = await who(request);
        await service.authorize(p, params.id, 'session.members_manage');
        await removeCoTeacher(deps, audit, p, params.id, params.userId, ctx(request));
        return { ok: true as const };
      },
      { params: MemberParams, response: Ok, detail: { summary: 'Remove a co-teacher', tags } },
    );
}

export { onSessionLifecycle, type SessionLifecycleEvent } from './lifecycle.ts';
export { createSessionService, type SessionService } from './service.ts';
