/**
 * Refresh tokens: opaque (`rt_` + 256 bits), kept only as SHA-256 hashes, grouped in families (one per
 * sign-in). Every refresh rotates: the presented token is marked used and its successor issued.
 * - Reuse of a used token after the grace period revokes the whole family (a stolen token dies at the
 *   owner's next refresh) — the caller writes the audit entry.
 * - Within the grace period (two tabs refreshing at once) the used token yields the *same* successor:
 *   successors are derived with an HMAC of the presented token under the signing key, so the server can
 *   recompute one without ever storing it in the clear.
 */
import { AppError } from '@handsup/protocol';
import { and, eq, isNull } from 'drizzle-orm';
import type { AppDeps } from '../../http/context.ts';
import { refreshTokens } from '../../storage/schema.ts';
import { ACCESS_TOKEN_TTL_MS, revocationIds } from './authenticator.ts';
import { jwtKeys } from './keys.ts';
import { derivedToken, hashToken, randomToken } from './secrets.ts';

export const REFRESH_TOKEN_PREFIX = 'rt_';
export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 3600_000;
export const REFRESH_GRACE_MS = 10_000;

export type RotateResult =
  | { kind: 'rotated'; token: string; userId: string; familyId: string }
  | { kind: 'reused'; userId: string; familyId: string };

export function createRefreshTokens(deps: AppDeps) {
  const { database, crossNode, clock } = deps;
  const { db } = database;
  const successorOf = async (token: string) =>
    derivedToken(REFRESH_TOKEN_PREFIX, (await jwtKeys(deps))[0].secret, `successor:${token}`);

  async function revokeFamily(familyId: string): Promise<void> {
    await db
      .update(refreshTokens)
      .set({ revokedAt: new Date(clock.now()) })
      .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
    await crossNode.revocations.revoke(revocationIds.family(familyId), ACCESS_TOKEN_TTL_MS);
  }

  return {
    /** Starts a family (sign-in) and returns its first token. */
    async issue(userId: string): Promise<{ token: string; familyId: string }> {
      const token = randomToken(REFRESH_TOKEN_PREFIX);
      const familyId = crypto.randomUUID();
      await db.insert(refreshTokens).values({
        familyId,
        userId,
        tokenHash: hashToken(token),
        createdAt: new Date(clock.now()),
        expiresAt: new Date(clock.now() + REFRESH_TOKEN_TTL_MS),
      });
      return { token, familyId };
    },

    async rotate(token: string, attempt = 0): Promise<RotateResult> {
      const invalid = () => new AppError('unauthenticated', 'Your sign-in has ended; sign in again.');
      if (!token.startsWith(REFRESH_TOKEN_PREFIX) || token.length > 100) throw invalid();
      const [row] = await db
        .select()
        .from(refreshTokens)
        .where(eq(refreshTokens.tokenHash, hashToken(token)));
      const now = clock.now();
      if (!row || row.revokedAt || row.expiresAt.getTime() <= now) throw invalid();
      const successor = await successorOf(token);
      if (row.usedAt) {
        if (now - row.usedAt.getTime() <= REFRESH_GRACE_MS && row.replacedBy) {
          const [next] = await db.select().from(refreshTokens).where(eq(refreshTokens.id, row.replacedBy));
          if (next && !next.revokedAt && next.tokenHash === hashToken(successor)) {
            return { kind: 'rotated', token: successor, userId: row.userId, familyId: row.familyId };
          }
        }
        await revokeFamily(row.familyId);
        return { kind: 'reused', userId: row.userId, familyId: row.familyId };
      }
      const nextId = crypto.randomUUID();
      const won = await db.transaction(async (tx) => {
        const marked = await tx
          .update(refreshTokens)
          .set({ usedAt: new Date(now), replacedBy: nextId })
          .where(and(eq(refreshTokens.id, row.id), isNull(refreshTokens.usedAt)))
          .returning({ id: refreshTokens.id });
        if (marked.length === 0) return false;
        await tx.insert(refreshTokens).values({
          id: nextId,
          familyId: row.familyId,
          userId: row.userId,
          tokenHash: hashToken(successor),
          createdAt: new Date(now),
          expiresAt: new Date(now + REFRESH_TOKEN_TTL_MS),
        });
        return true;
      });
      // Lost a race with a concurrent refresh of the same token: answer as that one did (grace path).
      if (!won) {
        if (attempt > 0) throw invalid();
        return this.rotate(token, attempt + 1);
      }
      return { kind: 'rotated', token: successor, userId: row.userId, familyId: row.familyId };
    },

    /** Sign out: the family of `token` ends (no-op for an unknown token). */
    async revokeByToken(token: string): Promise<{ userId: string; familyId: string } | null> {
      const [row] = await db
        .select()
        .from(refreshTokens)
        .where(eq(refreshTokens.tokenHash, hashToken(token)));
      if (!row) return null;
      await revokeFamily(row.familyId);
      return { userId: row.userId, familyId: row.familyId };
    },

    revokeFamily,

    /** Sign out everywhere: every family of the user ends, and every node closes the user's sockets. */
    async revokeAllForUser(userId: string): Promise<number> {
      const rows = await db
        .selectDistinct({ familyId: refreshTokens.familyId })
        .from(refreshTokens)
        .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)));
      for (const r of rows) await revokeFamily(r.familyId);
      await crossNode.revocations.revoke(revocationIds.user(userId), ACCESS_TOKEN_TTL_MS);
      return rows.length;
    },
  };
}

export type RefreshTokens = ReturnType<typeof createRefreshTokens>;
