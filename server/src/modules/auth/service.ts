/**
 * Local accounts: sign up, sign in, refresh, sign out (here) and sign out everywhere. A wrong email and
 * a wrong password give the same answer after the same work (a dummy hash is verified for unknown
 * emails); attempts are rate-limited per email and per client address; every outcome is audited.
 */
import { AppError } from '@handsup/protocol';
import type { SignInBody, SignUpBody, TokenAnswer, UserView } from '@handsup/protocol/rest';
import { and, eq, isNull } from 'drizzle-orm';
import { normalizeEmail, passwordProblem } from '../../domain/access/password-policy.ts';
import type { Principal } from '../../domain/access/principal.ts';
import type { AppDeps } from '../../http/context.ts';
import { credentials, users } from '../../storage/schema.ts';
import type { Audit } from '../audit/service.ts';
import { acceptInvitations } from '../sessions/members.ts';
import type { AccountAuthenticator } from './authenticator.ts';
import type { RefreshTokens } from './refresh-tokens.ts';

export interface RequestContext {
  ip: string;
  requestId: string;
}

const SIGN_IN_WINDOW_MS = 15 * 60_000;
const SIGN_IN_PER_EMAIL = 10;
const SIGN_IN_PER_ADDRESS = 60;
const WRONG = 'The email or password is not right.';

let dummyHash: Promise<string> | null = null;

type UserRow = typeof users.$inferSelect;
export const toUserView = (u: UserRow, via: 'password' | 'lti' = 'password'): UserView => ({
  id: u.id,
  email: u.email,
  displayName: u.displayName,
  isAdmin: u.isAdmin,
  via,
});

export const hashPassword = (password: string) => Bun.password.hash(password, { algorithm: 'argon2id' });

export function createAccountService(
  deps: AppDeps,
  auth: AccountAuthenticator,
  refresh: RefreshTokens,
  audit: Audit,
) {
  const { database, crossNode } = deps;
  const { db } = database;

  async function startFamily(user: UserRow): Promise<{ answer: TokenAnswer; refreshToken: string }> {
    const { token, familyId } = await refresh.issue(user.id);
    const access = await auth.issueAccessToken({
      userId: user.id,
      isAdmin: user.isAdmin,
      via: 'password',
      familyId,
    });
    return { answer: { ...access, user: toUserView(user) }, refreshToken: token };
  }

  async function limit(key: string, max: number): Promise<void> {
    const r = await crossNode.rateLimiter.hit(key, max, SIGN_IN_WINDOW_MS);
    if (!r.allowed) {
      throw new AppError('rate_limited', 'Too many sign-in attempts; wait a few minutes.', {
        retryAfterS: r.retryAfterMs / 1000,
      });
    }
  }

  return {
    async signUp(body: SignUpBody, ctx: RequestContext) {
      const email = normalizeEmail(body.email);
      const problem = passwordProblem(body.password, email);
      if (problem) throw new AppError('validation_failed', `password: ${problem}`, { field: 'password' });
      await limit(`sign-up:${ctx.ip}`, SIGN_IN_PER_ADDRESS);
      const passwordHash = await hashPassword(body.password);
      const user = await db.transaction(async (tx) => {
        const [existing] = await tx
          .select({ id: users.id })
          .from(users)
          .where(and(eq(users.email, email), isNull(users.deletedAt)));
        if (existing) return null;
        const [u] = await tx
          .insert(users)
          .values({ email, displayName: body.displayName?.trim() || email.split('@')[0] })
          .returning();
        await tx.insert(credentials).values({ userId: u.id, passwordHash });
        return u;
      });
      if (!user)
        throw new AppError('conflict', 'An account with this email already exists; sign in instead.', {
          field: 'email',
        });
      await audit.record({
        action: 'auth.signed_up',
        actor: { userId: user.id },
        target: { type: 'user', id: user.id },
        ...ctx,
      });
      await acceptInvitations(deps, audit, user.id, email, ctx);
      return startFamily(user);
    },

    async signIn(body: SignInBody, ctx: RequestContext) {
      const email = normalizeEmail(body.email);
      await limit(`sign-in:addr:${ctx.ip}`, SIGN_IN_PER_ADDRESS);
      await limit(`sign-in:email:${email}`, SIGN_IN_PER_EMAIL);
      const [row] = await db
        .select({ user: users, hash: credentials.passwordHash })
        .from(users)
        .innerJoin(credentials, eq(credentials.userId, users.id))
        .where(and(eq(users.email, email), isNull(users.deletedAt)));
      dummyHash ??= hashPassword(crypto.randomUUID());
      const ok = await Bun.password.verify(body.password, row?.hash ?? (await dummyHash));
      if (!row || !ok) {
        await audit.record({
          action: 'auth.sign_in_failed',
          actor: row ? { userId: row.user.id } : null,
          details: { email, reason: row ? 'wrong_password' : 'unknown_email' },
          ...ctx,
        });
        throw new AppError('unauthenticated', WRONG);
      }
      await crossNode.rateLimiter.reset(`sign-in:email:${email}`);
      await audit.record({
        action: 'auth.signed_in',
        actor: { userId: row.user.id },
        target: { type: 'user', id: row.user.id },
        ...ctx,
      });
      return startFamily(row.user);
    },

    async refresh(
      token: string | null,
      ctx: RequestContext,
    ): Promise<{ answer: TokenAnswer; refreshToken: string }> {
      if (!token) throw new AppError('unauthenticated', 'Your sign-in has ended; sign in again.');
      const r = await refresh.rotate(token);
      if (r.kind === 'reused') {
        await audit.record({
          action: 'auth.refresh_token_reused',
          actor: { userId: r.userId },
          target: { type: 'token_family', id: r.familyId },
          details: { effect: 'family revoked' },
          ...ctx,
        });
        throw new AppError('token_revoked', 'This sign-in was ended for safety; sign in again.');
      }
      const [user] = await db
        .select()
        .from(users)
        .where(and(eq(users.id, r.userId), isNull(users.deletedAt)));
      if (!user) throw new AppError('unauthenticated', 'Your sign-in has ended; sign in again.');
      const access = await auth.issueAccessToken({
        userId: user.id,
        isAdmin: user.isAdmin,
        via: 'password',
        familyId: r.familyId,
      });
      return { answer: { ...access, user: toUserView(user) }, refreshToken: r.token };
    },

    async signOut(token: string | null, ctx: RequestContext): Promise<void> {
      const ended = token ? await refresh.revokeByToken(token) : null;
      if (ended) {
        await audit.record({
          action: 'auth.signed_out',
          actor: { userId: ended.userId },
          target: { type: 'token_family', id: ended.familyId },
          ...ctx,
        });
      }
    },

    async signOutEverywhere(principal: Principal, ctx: RequestContext): Promise<void> {
      if (principal.kind !== 'user') throw new AppError('forbidden', 'Only signed-in users can do this.');
      if (principal.tokenId) await refresh.revokeFamily(principal.tokenId);
      const families = await refresh.revokeAllForUser(principal.userId);
      await audit.record({
        action: 'auth.signed_out_everywhere',
        actor: principal,
        target: { type: 'user', id: principal.userId },
        details: { families },
        ...ctx,
      });
    },

    async me(principal: Principal): Promise<UserView> {
      if (principal.kind !== 'user') throw new AppError('forbidden', 'Only signed-in users have an account.');
      const [user] = await db
        .select()
        .from(users)
        .where(and(eq(users.id, principal.userId), isNull(users.deletedAt)));
      if (!user) throw new AppError('unauthenticated', 'This account no longer exists.');
      return toUserView(user, principal.via);
    },
  };
}
