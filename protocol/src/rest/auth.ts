/**
 * Accounts on the wire: sign-up, sign-in, token answers and the current user. Shared by the server
 * routes and the web pages, so both agree on limits (e.g. passwords of 10–200 characters).
 *
 * @example
 *   POST /api/auth/sign-in {"email":"ada@example.edu","password":"correct horse battery"}
 *   -> 200 {"accessToken":"eyJ…","expiresAt":1700000900000,"user":{…}} + Set-Cookie: handsup_rt=…
 */
import { Type } from '@sinclair/typebox';
import { EpochMs, strictObject, Uuid } from '../strict.ts';

export const Email = Type.String({ pattern: '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$', minLength: 3, maxLength: 254 });
export const Password = Type.String({ minLength: 10, maxLength: 200 });
export const DisplayName = Type.String({ minLength: 1, maxLength: 80 });

export const SignUpBody = strictObject({
  email: Email,
  password: Password,
  displayName: Type.Optional(DisplayName),
});
export const SignInBody = strictObject({
  email: Email,
  password: Type.String({ minLength: 1, maxLength: 200 }),
});

export const UserView = strictObject({
  id: Uuid,
  email: Type.Union([Type.String(), Type.Null()]),
  displayName: Type.String(),
  isAdmin: Type.Boolean(),
  via: Type.Union([Type.Literal('password'), Type.Literal('lti')]),
});

/** An access token (JWT, at most 15 minutes) and when it expires on the server clock. */
export const TokenAnswer = strictObject({ accessToken: Type.String(), expiresAt: EpochMs, user: UserView });
export const SignedOut = strictObject({ ok: Type.Literal(true) });

export type SignUpBody = typeof SignUpBody.static;
export type SignInBody = typeof SignInBody.static;
export type UserView = typeof UserView.static;
export type TokenAnswer = typeof TokenAnswer.static;
