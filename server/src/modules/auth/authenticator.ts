/**
 * Bearer credentials -> Principal, for REST routes and the realtime gateway alike:
 * - `eyJ…` access JWT (local account) or app-session JWT (LTI launch): signature, expiry, and the
 *   token family not revoked (sign-out / sign-out everywhere / reuse detection, spread by Revocations);
 * - `pt_…` participant token: looked up by hash (cached cross-node for a minute), refused when the
 *   participant was kicked or its session deleted.
 *
 * Revocation ids (crossNode.revocations): `family:{familyId}` (matches `principal.tokenId`),
 * `user:{userId}` (sign out everywhere: close every socket of that user), `participant:{id}` (kicked).
 */
import { AppError } from '@handsup/protocol';
import { and, eq, isNull } from 'drizzle-orm';
import type { Authenticator, Principal } from '../../domain/access/principal.ts';
import type { AppDeps } from '../../http/context.ts';
import { participants, sessions, users } from '../../storage/schema.ts';
import { ACCESS_TOKEN_TTL_MS, signAccessToken, verifyAccessToken } from './access-tokens.ts';
import { jwtKeys } from './keys.ts';
import { hashToken } from './secrets.ts';

export const PARTICIPANT_TOKEN_PREFIX = 'pt_';
const PARTICIPANT_CACHE_MS = 60_000;

export const revocationIds = {
  family: (familyId: string) => `family:${familyId}`,
  user: (userId: string) => `user:${userId}`,
  participant: (participantId: string) => `participant:${participantId}`,
};

type ParticipantPrincipal = Extract<Principal, { kind: 'participant' }>;

const participantTokenCacheKey = (tokenHash: string) => `participant-token:${tokenHash}`;

/**
 * Remembers a participant token just issued (join), so the hello that follows within seconds — a
 * whole class at once — is answered from the cache instead of the database. A kick is a revocation
 * (`participant:{id}`, checked on every use) as well as `kicked_at`, so a cached token is still refused.
 */
export async function rememberParticipantToken(
  deps: Pick<AppDeps, 'crossNode'>,
  token: string,
  principal: ParticipantPrincipal,
): Promise<void> {
  await deps.crossNode.cache.set(participantTokenCacheKey(hashToken(token)), principal, PARTICIPANT_CACHE_MS);
}

export interface IssuedAccessToken {
  accessToken: string;
  expiresAt: number;
}

export interface AccountAuthenticator extends Authenticator {
  /** A fresh access token for a family (sign-in, refresh). */
  issueAccessToken(claims: {
    userId: string;
    isAdmin: boolean;
    via: 'password' | 'lti';
    familyId: string;
  }): Promise<IssuedAccessToken>;
  /** The LTI app-session token for a launched user (its own family, revocable like the others). */
  issueAppSessionToken(userId: string): Promise<IssuedAccessToken>;
  /**
   * Renewal over an open WebSocket: a new access token for the same user and family, refused when the
   * family was revoked or the account deleted since. Participants need no renewal (their token lasts).
   */
  renewAccessToken(principal: Principal): Promise<IssuedAccessToken>;
}

export function createAuthenticator(deps: AppDeps): AccountAuthenticator {
  const { config, database, crossNode, clock } = deps;
  const issuer = config.publicOrigin;

  async function participantPrincipal(token: string): Promise<Principal> {
    const hash = hashToken(token);
    const key = participantTokenCacheKey(hash);
    let p = await crossNode.cache.get<ParticipantPrincipal>(key);
    if (!p) {
      const [row] = await database.db
        .select({
          id: participants.id,
          sessionId: participants.sessionId,
          userId: participants.userId,
          displayName: participants.displayName,
          kickedAt: participants.kickedAt,
        })
        .from(participants)
        .innerJoin(sessions, eq(sessions.id, participants.sessionId))
        .where(and(eq(participants.tokenHash, hash), isNull(sessions.deletedAt)))
        .limit(1);
      if (!row) throw new AppError('unauthenticated', 'The participant token is not valid.');
      if (row.kickedAt) throw new AppError('kicked', 'You were removed from this session.');
      p = {
        kind: 'participant',
        participantId: row.id,
        sessionId: row.sessionId,
        userId: row.userId,
        displayName: row.displayName,
      };
      await crossNode.cache.set(key, p, PARTICIPANT_CACHE_MS);
    }
    if (await crossNode.revocations.isRevoked(revocationIds.participant(p.participantId))) {
      throw new AppError('kicked', 'You were removed from this session.');
    }
    return p;
  }

  const issueAccessToken: AccountAuthenticator['issueAccessToken'] = async (claims) => {
    const { token, expiresAt } = await signAccessToken(await jwtKeys(deps), issuer, clock, claims);
    return { accessToken: token, expiresAt };
  };

  return {
    async authenticate(token) {
      if (token.length > 4096) throw new AppError('unauthenticated', 'The token is not valid.');
      if (token.startsWith(PARTICIPANT_TOKEN_PREFIX)) return participantPrincipal(token);
      const claims = await verifyAccessToken(await jwtKeys(deps), issuer, clock, token);
      if (await crossNode.revocations.isRevoked(revocationIds.family(claims.familyId))) {
        throw new AppError('token_revoked', 'This sign-in has ended; sign in again.');
      }
      return {
        kind: 'user',
        userId: claims.userId,
        isAdmin: claims.isAdmin,
        via: claims.via,
        tokenId: claims.familyId,
      };
    },
    issueAccessToken,
    issueAppSessionToken: (userId) =>
      issueAccessToken({ userId, isAdmin: false, via: 'lti', familyId: crypto.randomUUID() }),
    async renewAccessToken(principal) {
      if (principal.kind !== 'user' || !principal.tokenId) {
        throw new AppError('forbidden', 'Only signed-in users renew access tokens.');
      }
      if (await crossNode.revocations.isRevoked(revocationIds.family(principal.tokenId))) {
        throw new AppError('token_revoked', 'This sign-in has ended; sign in again.');
      }
      const [user] = await database.db
        .select({ isAdmin: users.isAdmin })
        .from(users)
        .where(and(eq(users.id, principal.userId), isNull(users.deletedAt)));
      if (!user) throw new AppError('token_revoked', 'This account no longer exists.');
      if (principal.via === 'password') {
        const live = await database.query(
          'SELECT 1 FROM refresh_tokens WHERE family_id = $1 AND revoked_at IS NULL AND expires_at > $2 LIMIT 1',
          [principal.tokenId, new Date(clock.now()).toISOString()],
        );
        if (live.length === 0) throw new AppError('token_revoked', 'This sign-in has ended; sign in again.');
      }
      return issueAccessToken({
        userId: principal.userId,
        isAdmin: user.isAdmin,
        via: principal.via,
        familyId: principal.tokenId,
      });
    },
  };
}

export { ACCESS_TOKEN_TTL_MS };
