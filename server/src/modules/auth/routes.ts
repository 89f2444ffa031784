/**
 * Auth routes (`/api/auth`). Sign-up / sign-in answer an access token in the body and set the refresh
 * cookie; refresh and sign-out are authenticated by that cookie, so they are CSRF-checked (Origin);
 * sign-out-everywhere, renew and me take the Bearer access token.
 */
import { SignedOut, SignInBody, SignUpBody, TokenAnswer, UserView } from '@handsup/protocol/rest';
import { Type } from '@sinclair/typebox';
import { Elysia } from 'elysia';
import type { AppDeps } from '../../http/context.ts';
import { enforceLimit } from '../../http/rate-limit.ts';
import { REFRESH_COOKIE, readCookie, refreshCookie, requireSameOrigin, requireUser } from './http-auth.ts';
import { accessKit } from './kit.ts';
import { requestContext as ctx } from './request-context.ts';

const tags = ['auth'];
const Renewed = Type.Object({ accessToken: Type.String(), expiresAt: Type.Integer() });

export function authRoutes(deps: AppDeps) {
  const { accounts, authenticator } = accessKit(deps);
  const { config } = deps;

  return new Elysia({ name: 'auth', prefix: '/api/auth' })
    .post(
      '/sign-up',
      async ({ request, body, set }) => {
        const { answer, refreshToken } = await accounts.signUp(body, ctx(request));
        set.status = 201;
        set.headers['set-cookie'] = refreshCookie(config, refreshToken);
        return answer;
      },
      {
        body: SignUpBody,
        response: { 201: TokenAnswer },
        detail: { summary: 'Create a teacher account', tags },
      },
    )
    .post(
      '/sign-in',
      async ({ request, body, set }) => {
        const { answer, refreshToken } = await accounts.signIn(body, ctx(request));
        set.headers['set-cookie'] = refreshCookie(config, refreshToken);
        return answer;
      },
      {
        body: SignInBody,
        response: TokenAnswer,
        detail: { summary: 'Sign in with email and password', tags },
      },
    )
    .post(
      '/refresh',
      async ({ request, set }) => {
        requireSameOrigin(request, config);
        // Before the try: being limited must not clear the cookie (that would sign the user out).
        await enforceLimit(deps, 'refresh', ctx(request).ip);
        try {
          const { answer, refreshToken } = await accounts.refresh(
            readCookie(request, REFRESH_COOKIE),
            ctx(request),
          );
          set.headers['set-cookie'] = refreshCookie(config, refreshToken);
          return answer;
        } catch (e) {
          set.headers['set-cookie'] = refreshCookie(config, null);
          throw e;
        }
      },
      {
        response: TokenAnswer,
        detail: { summary: 'New access token from the refresh cookie (rotates it)', tags },
      },
    )
    .post(
      '/sign-out',
      async ({ request, set }) => {
        requireSameOrigin(request, config);
        await accounts.signOut(readCookie(request, REFRESH_COOKIE), ctx(request));
        set.headers['set-cookie'] = refreshCookie(config, null);
        return { ok: true as const };
      },
      { response: SignedOut, detail: { summary: 'Sign out on this browser', tags } },
    )
    .post(
      '/sign-out-everywhere',
      async ({ request, set }) => {
        await accounts.signOutEverywhere(await requireUser(authenticator, request), ctx(request));
        set.headers['set-cookie'] = refreshCookie(config, null);
        return { ok: true as const };
      },
      {
        response: SignedOut,
        detail: { summary: 'End every sign-in of this account (closes its sockets too)', tags },
      },
    )
    .post(
      '/renew',
      async ({ request }) => authenticator.renewAccessToken(await requireUser(authenticator, request)),
      {
        response: Renewed,
        detail: {
          summary: 'New access token from a still-valid one (LTI pages have no refresh cookie)',
          tags,
        },
      },
    )
    .get('/me', async ({ request }) => accounts.me(await requireUser(authenticator, request)), {
      response: UserView,
      detail: { summary: 'The signed-in account', tags },
    });
}
