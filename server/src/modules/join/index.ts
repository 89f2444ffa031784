/**
 * Join routes (`/api/join/:code`), used by the `/j/CODE` page: look the code up, then join. A returning
 * browser sends its participant token as `Authorization: Bearer pt_…`; a signed-in user its access JWT.
 */
import { JoinAnswer, JoinBody, JoinCodeParam, JoinSummary } from '@handsup/protocol/rest';
import { Elysia } from 'elysia';
import type { Principal } from '../../domain/access/principal.ts';
import type { AppDeps } from '../../http/context.ts';
import { bearerToken } from '../auth/http-auth.ts';
import { accessKit } from '../auth/kit.ts';
import { requestContext as ctx } from '../auth/request-context.ts';
import { createJoinService } from './service.ts';

const tags = ['join'];

export function joinRoutes(deps: AppDeps) {
  const service = createJoinService(deps);
  const { authenticator } = accessKit(deps);
  // A stale or foreign participant token is not an error here: the caller is simply a newcomer.
  const caller = async (bearer: string | null): Promise<Principal | null> => {
    if (!bearer) return null;
    if (!bearer.startsWith('pt_')) return authenticator.authenticate(bearer);
    return authenticator.authenticate(bearer).catch(() => null);
  };

  return new Elysia({ name: 'join', prefix: '/api/join' })
    .get(
      '/:code',
      async ({ request, params }) => {
        const bearer = bearerToken(request.headers.get('authorization'));
        return service.lookup(params.code, await caller(bearer), ctx(request));
      },
      { params: JoinCodeParam, response: JoinSummary, detail: { summary: 'Look a join code up', tags } },
    )
    .post(
      '/:code',
      async ({ request, params, body }) => {
        const bearer = bearerToken(request.headers.get('authorization'));
        return service.join(params.code, body.displayName, await caller(bearer), bearer, ctx(request));
      },
      {
        params: JoinCodeParam,
        body: JoinBody,
        response: JoinAnswer,
        detail: { summary: 'Join: get a participant token', tags },
      },
    );
}
