/** Course routes (`/api/courses`): thin handlers over the course service. */
import {
  CourseView,
  CreateCourseBody,
  CoTeacherView,
  InviteBody,
  UpdateCourseBody,
} from '@handsup/protocol/rest';
import { Type } from '@sinclair/typebox';
import { Elysia } from 'elysia';
import type { AppDeps } from '../../http/context.ts';
import { requireUser } from '../auth/http-auth.ts';
import { accessKit } from '../auth/kit.ts';
import { requestContext as ctx } from '../auth/request-context.ts';
import { inviteCoTeacher } from '../sessions/members.ts';
import { IdParams, ListQuery, parseLimit } from '../sessions/model.ts';
import { createCourseService } from './service.ts';

const tags = ['courses'];

export function courseRoutes(deps: AppDeps) {
  const service = createCourseService(deps);
  const { authenticator, audit } = accessKit(deps);
  const who = (request: Request) => requireUser(authenticator, request);
  const byId = { params: IdParams, response: CourseView };

  return new Elysia({ name: 'courses', prefix: '/api/courses' })
    .post(
      '/',
      async ({ request, body, set }) => {
        const view = await service.create(await who(request), body.title, ctx(request));
        set.status = 201;
        return view;
      },
      { body: CreateCourseBody, response: { 201: CourseView }, detail: { summary: 'Create a course', tags } },
    )
    .get(
      '/',
      async ({ request, query }) =>
        service.list(await who(request), {
          q: query.q,
          trash: query.trash === 'true',
          limit: parseLimit(query.limit),
        }),
      { query: ListQuery, detail: { summary: 'My courses, newest first', tags } },
    )
    .get('/:id', async ({ request, params }) => service.get(await who(request), params.id), {
      ...byId,
      detail: { summary: 'One course', tags },
    })
    .patch(
      '/:id',
      async ({ request, params, body }) =>
        service.rename(await who(request), params.id, body.title, ctx(request)),
      {
        ...byId,
        body: UpdateCourseBody,
        detail: { summary: 'Rename', tags },
      },
    )
    .post(
      '/:id/duplicate',
      async ({ request, params }) => service.duplicate(await who(request), params.id, ctx(request)),
      {
        ...byId,
        detail: { summary: 'Copy with its sessions and polls', tags },
      },
    )
    .post(
      '/:id/archive',
      async ({ request, params }) => service.archive(await who(request), params.id, ctx(request)),
      {
        ...byId,
        detail: { summary: 'Archive', tags },
      },
    )
    .delete(
      '/:id',
      async ({ request, params }) => service.remove(await who(request), params.id, ctx(request)),
      {
        ...byId,
        detail: { summary: 'Move to the trash', tags },
      },
    )
    .post(
      '/:id/restore',
      async ({ request, params }) => service.restore(await who(request), params.id, ctx(request)),
      {
        ...byId,
        detail: { summary: 'Restore from the trash', tags },
      },
    )
    .post(
      '/:id/purge',
      async ({ request, params }) => {
        await service.purge(await who(request), params.id, ctx(request));
        return { ok: true as const };
      },
      {
        params: IdParams,
        response: Type.Object({ ok: Type.Literal(true) }),
        detail: { summary: 'Delete for good', tags },
      },
    )
    .post(
      '/:id/co-teachers',
      async ({ request, params, body }) => {
        const p = await who(request);
        await service.authorize(p, params.id, 'course.members_manage', { live: true });
        return inviteCoTeacher(deps, audit, p, { kind: 'course', id: params.id }, body.email, ctx(request));
      },
      {
        params: IdParams,
        body: InviteBody,
        response: CoTeacherView,
        detail: { summary: 'Invite a co-teacher by email', tags },
      },
    );
}
