/**
 * Local accounts: sign up, sign in, refresh, sign out (here) and sign out everywhere. A wrong email and
 * a wrong password give the same answer after the same work (a dummy hash is verified for unknown
 * emails); attempts are rate-limited per client address, and failures per account back off
 * exponentially (capped, reset by a success: an attacker cannot lock a teacher out for long); every
 * outcome is audited.
 */
import { AppError } from '@handsup/protocol';
import type { SignInBody, SignUpBody, TokenAnswer, UserView } from '@handsup/protocol/rest';
import { and, eq, isNull } from 'drizzle-orm';
import { normalizeEmail, passwordProblem } from '../../domain/access/password-policy.ts';
import type { Principal } from '../../domain/access/principal.ts';
import type { AppDeps } from '../../http/context.ts';
import { enforceLimit, limitKey, rateLimited } from '../../http/rate-limit.ts';
import { credentials, users } from '../../storage/schema.ts';
import type { Audit } from '../audit/service.ts';
import { acceptInvitations } from '../sessions/members.ts';
import type { AccountAuthenticator } from './authenticator.ts';
import type { RefreshTokens } from './refresh-tokens.ts';

export interface RequestContext {
  ip: string;
  requestId: string;
}

/** Failed sign-ins of an account are remembered this long (a success forgets them). */
const FAILURE_MEMORY_MS = 24 * 60 * 60_000;
/** The failure counter only counts: its limit is never reached. */
const COUNT_ONLY = 2 ** 31;
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

/**
 * argon2id at OWASP's recommended setting (19 MiB, 2 passes, 1 lane) rather than Bun's default 64 MiB:
 * the same resistance to guessing per OWASP, and a room of teachers signing in at 8:00 costs the
 * server 19 MiB each instead of 64. Hashes carry their parameters, so older ones still verify.
 */
export const PASSWORD_HASH = { algorithm: 'argon2id', memoryCost: 19_456, timeCost: 2 } as const;

export const hashPassword = (password: string) => Bun.password.hash(password, PASSWORD_HASH);

export function createAccountService(
  deps: AppDeps,
  auth: AccountAuthenticator,
  refresh: RefreshTokens,
  audit: Audit,
) {
  const { database, crossNode, clock } = deps;
  const { db } = database;
  const backoffKey = (email: string) => `sign-in:backoff:${email}`;

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

  /** Refuses an account's sign-in while it backs off (the password is not even checked). */
  async function refuseDuringBackoff(email: string): Promise<void> {
    if (!deps.config.rateLimits.enabled) return;
    const until = await crossNode.cache.get<number>(backoffKey(email));
    if (until !== undefined && until > clock.now()) throw rateLimited('sign_in_account', until - clock.now());
  }

  /** After `limit` free failures, each failure doubles the wait (2 s, 4 s, …) up to `windowMs`. */
  async function failedFor(email: string): Promise<void> {
    if (!deps.config.rateLimits.enabled) return;
    const { limit: free, windowMs: cap } = deps.config.rateLimits.limits.sign_in_account;
    const r = await crossNode.rateLimiter.hit(
      limitKey('sign_in_account', email),
      COUNT_ONLY,
      FAILURE_MEMORY_MS,
    );
    const failures = COUNT_ONLY - r.remaining;
    if (failures <= free) return;
    const wait = Math.min(cap, 1000 * 2 ** Math.min(30, failures - free));
    await crossNode.cache.set(backoffKey(email), clock.now() + wait, wait);
  }

  return {
    async signUp(body: SignUpBody, ctx: RequestContext) {
      const email = normalizeEmail(body.email);
      const problem = passwordProblem(body.password, email);
      if (problem) throw new AppError('validation_failed', `password: ${problem}`, { field: 'password' });
      await enforceLimit(deps, 'sign_up', ctx.ip);
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
      await enforceLimit(deps, 'sign_in_address', ctx.ip);
      await refuseDuringBackoff(email);
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
        await failedFor(email);
        throw new AppError('unauthenticated', WRONG);
      }
      await crossNode.rateLimiter.reset(limitKey('sign_in_account', email));
      await crossNode.cache.delete(backoffKey(email));
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
