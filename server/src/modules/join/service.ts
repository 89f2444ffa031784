/**
 * Joining by code. Guessing codes is not a way in: an unknown code, an archived session's and a stopped
 * session's code give one identical answer (`session_unavailable`), failed look-ups are limited per
 * client address (`join_failed`, then 429 for everything from it, found or not), while successful
 * joins have a loose limit (`join_ok`: a lecture hall shares one NAT address; config/rate-limits.ts).
 * Only a returning participant — one presenting its token for that session — is told the session is
 * not live right now.
 */
import { AppError } from '@handsup/protocol';
import type { JoinAnswer, JoinSummary } from '@handsup/protocol/rest';
import { normalizeJoinCode } from '../../domain/access/join-code.ts';
import type { Principal } from '../../domain/access/principal.ts';
import type { AppDeps } from '../../http/context.ts';
import { enforceLimit, limitKey } from '../../http/rate-limit.ts';
import { PARTICIPANT_TOKEN_PREFIX, rememberParticipantToken } from '../auth/authenticator.ts';
import { jwtKeys } from '../auth/keys.ts';
import { accessKit } from '../auth/kit.ts';
import { derivedToken, hashToken, randomToken } from '../auth/secrets.ts';
import { onSessionLifecycle } from '../sessions/lifecycle.ts';
import { type SessionRow, settingsOf } from '../sessions/views.ts';
import { ParticipantInserts } from './participant-inserts.ts';

interface Ctx {
  ip: string;
  requestId: string;
}

const LIVE_CODE_CACHE_MS = 1000;
const LIVE_CODE_CACHE_MAX = 10_000;

const unavailable = () => new AppError('session_unavailable', 'There is no live session with this code.');

export function createJoinService(deps: AppDeps) {
  const { database, crossNode, clock } = deps;
  const { audit } = accessKit(deps);
  const blockedKey = (ip: string) => `join-blocked:${ip}`;

  async function refuseIfBlocked(ip: string): Promise<void> {
    const until = await crossNode.cache.get<number>(blockedKey(ip));
    if (until !== undefined && until > clock.now()) {
      throw new AppError('rate_limited', 'Too many wrong codes from your network; wait a minute.', {
        retryAfterS: (until - clock.now()) / 1000,
      });
    }
  }

  async function failed(ip: string): Promise<never> {
    const { enabled, limits } = deps.config.rateLimits;
    if (!enabled) throw unavailable();
    const { limit, windowMs } = limits.join_failed;
    const r = await crossNode.rateLimiter.hit(limitKey('join_failed', ip), limit, windowMs);
    if (r.remaining === 0 || !r.allowed) {
      const retry = r.retryAfterMs || windowMs;
      await crossNode.cache.set(blockedKey(ip), clock.now() + retry, retry);
    }
    throw unavailable();
  }

  const inserts = new ParticipantInserts(database);
  /**
   * Live sessions by join code, for a second: a class joining at once reads the session once, not once
   * per student. Only live sessions are kept, and a stop, archive or delete on this node drops the
   * entry at once; another node's change is seen within the second — and the hello that follows a
   * join is checked against the room's state anyway, so a stopped session admits no one.
   */
  const liveByCode = new Map<string, { row: SessionRow; until: number }>();
  /** Reads in progress by join code: a class that misses the cache together shares one read. */
  const reading = new Map<string, Promise<SessionRow | undefined>>();
  /** Bumped by every lifecycle change: a read that began before one must not fill the cache. */
  let generation = 0;
  onSessionLifecycle(deps, (e) => {
    generation += 1;
    reading.clear();
    for (const [code, v] of liveByCode) if (v.row.id === e.sessionId) liveByCode.delete(code);
  });

  async function read(normalized: string): Promise<SessionRow | undefined> {
    const began = generation;
    const [row] = await database.query<SessionRow>(
      `SELECT id, title, course_id, owner_id, join_code, status, settings, created_at, updated_at, deleted_at
       FROM sessions WHERE join_code = $1 AND status <> 'archived' AND deleted_at IS NULL`,
      [normalized],
    );
    if (generation !== began) return row; // a stop, archive or delete may have landed meanwhile
    if (row?.status === 'live') {
      if (liveByCode.size >= LIVE_CODE_CACHE_MAX) liveByCode.clear();
      liveByCode.set(normalized, { row, until: clock.now() + LIVE_CODE_CACHE_MS });
    } else liveByCode.delete(normalized);
    return row;
  }

  function find(code: string): Promise<SessionRow | undefined> {
    const normalized = normalizeJoinCode(code);
    const hit = liveByCode.get(normalized);
    if (hit && hit.until > clock.now()) return Promise.resolve(hit.row);
    let pending = reading.get(normalized);
    if (!pending) {
      const p = read(normalized).finally(() => {
        if (reading.get(normalized) === p) reading.delete(normalized);
      });
      reading.set(normalized, p);
      pending = p;
    }
    return pending;
  }

  const summary = (row: SessionRow): JoinSummary => {
    const s = settingsOf(row);
    return {
      sessionId: row.id,
      title: row.title,
      anonymity: s.anonymity,
      identifiedOnly: s.identifiedOnly,
      needsName: s.anonymity !== 'anonymous' && !s.identifiedOnly,
    };
  };

  /** The common front: rate limit, find, and the returning participant's "not live" answer. */
  async function resolve(code: string, caller: Principal | null, ip: string): Promise<SessionRow> {
    await refuseIfBlocked(ip);
    const row = await find(code);
    const returning = row && caller?.kind === 'participant' && caller.sessionId === row.id;
    if (row && returning && row.status !== 'live') {
      throw new AppError(
        'session_not_live',
        'This session is not live right now; keep this page and come back later.',
      );
    }
    if (row?.status !== 'live') return failed(ip);
    await enforceLimit(deps, 'join_ok', ip);
    return row;
  }

  return {
    async lookup(code: string, caller: Principal | null, ctx: Ctx): Promise<JoinSummary> {
      return summary(await resolve(code, caller, ctx.ip));
    },

    async join(
      code: string,
      displayName: string | undefined,
      caller: Principal | null,
      bearer: string | null,
      ctx: Ctx,
    ): Promise<JoinAnswer> {
      const row = await resolve(code, caller, ctx.ip);
      const s = summary(row);
      if (caller?.kind === 'participant' && caller.sessionId === row.id && bearer) {
        return { participantToken: bearer, participantId: caller.participantId, session: s };
      }
      if (caller?.kind === 'user') {
        const [user] = await database.query<{ display_name: string }>(
          'SELECT display_name FROM users WHERE id = $1',
          [caller.userId],
        );
        const name = s.anonymity === 'anonymous' ? '' : (displayName ?? user?.display_name ?? '').trim();
        const [p] = await database.query<{ id: string; display_name: string; kicked: boolean }>(
          `INSERT INTO participants (session_id, user_id, display_name, token_hash) VALUES ($1, $2, $3, $4)
           ON CONFLICT (session_id, user_id) WHERE user_id IS NOT NULL DO UPDATE SET last_seen_at = now()
           RETURNING id, display_name, kicked_at IS NOT NULL AS kicked`,
          [row.id, caller.userId, name, hashToken(randomToken(PARTICIPANT_TOKEN_PREFIX))],
        );
        // An account's participant token is derived, so a second tab or device gets the same one.
        const token = derivedToken(
          PARTICIPANT_TOKEN_PREFIX,
          (await jwtKeys(deps))[0].secret,
          `participant:${p.id}`,
        );
        await database.query('UPDATE participants SET token_hash = $2 WHERE id = $1', [
          p.id,
          hashToken(token),
        ]);
        // A removed participant's token is left to the database check (and its refusal) on use.
        if (!p.kicked) {
          await rememberParticipantToken(deps, token, {
            kind: 'participant',
            participantId: p.id,
            sessionId: row.id,
            userId: caller.userId,
            displayName: p.display_name,
          });
        }
        await audit.record({
          action: 'participant.joined',
          actor: caller,
          target: { type: 'session', id: row.id },
          details: { participantId: p.id },
          ...ctx,
        });
        return { participantToken: token, participantId: p.id, session: s };
      }
      if (s.identifiedOnly) {
        throw new AppError(
          'forbidden',
          'This session is for signed-in course members only; open it from your course page.',
        );
      }
      if (s.needsName && !displayName?.trim()) {
        throw new AppError('validation_failed', 'displayName: enter the name your teacher will see.', {
          field: 'displayName',
        });
      }
      const token = randomToken(PARTICIPANT_TOKEN_PREFIX);
      const name = s.anonymity === 'anonymous' ? '' : displayName!.trim();
      const participantId = await inserts.insert(row.id, name, hashToken(token));
      await rememberParticipantToken(deps, token, {
        kind: 'participant',
        participantId,
        sessionId: row.id,
        userId: null,
        displayName: name,
      });
      return { participantToken: token, participantId, session: s };
    },
  };
}
