/**
 * Admin data-retention routes (`/api/admin/users/:userId`): export a user's data as JSON, delete a
 * user and what is theirs. Admin-only; both are written to the audit trail.
 */
import { Elysia } from 'elysia';
import type { AppDeps } from '../../http/context.ts';
import { requireUser } from '../auth/http-auth.ts';
import { accessKit } from '../auth/kit.ts';
import { requestContext as ctx } from '../auth/request-context.ts';
import { UserDeletion, UserExport, UserParams } from './model.ts';
import { createRetentionService } from './service.ts';

const tags = ['admin'];

export function adminRoutes(deps: AppDeps) {
  const service = createRetentionService(deps);
  const { authenticator } = accessKit(deps);
  const who = (request: Request) => requireUser(authenticator, request);

  return new Elysia({ name: 'admin', prefix: '/api/admin' })
    .get(
      '/users/:userId/export',
      async ({ request, params }) => service.exportUser(await who(request), params.userId, ctx(request)),
      {
        params: UserParams,
        response: UserExport,
        detail: {
          summary: "Export a user's data: account, courses, sessions with polls, their answers (admin)",
          tags,
        },
      },
    )
    .delete(
      '/users/:userId',
      async ({ request, params }) => service.deleteUser(await who(request), params.userId, ctx(request)),
      {
        params: UserParams,
        response: UserDeletion,
        detail: {
          summary: 'Delete a user with the sessions and courses they own and their answers (admin, audited)',
          tags,
        },
      },
    );
}
