/**
 * A session's live state as a node needs it to serve sockets: the session, its open poll, the last
 * closed poll still on screen, and the state version. Read from the cross-node cache when present
 * (`{p}cache:live:{sessionId}`, short TTL, dropped by every change), else from the database.
 * Answers are always counted from the database (the system of record).
 */
import type { AnswerValue, SnapshotSession } from '@handsup/protocol';
import type { EffectiveAnonymity, Poll } from '../domain/polls/index.ts';
import type { AppDeps } from '../http/context.ts';
import { liveStateCacheKey } from '../modules/polls/events.ts';
import {
  POLL_COLUMNS,
  type PollJson,
  type PollRow,
  pollFromJson,
  pollFromRow,
  pollToJson,
} from '../modules/polls/poll-rows.ts';
import { inTransaction, queryOf } from '../modules/polls/sql.ts';

export type LiveSession = SnapshotSession & { anonymity: EffectiveAnonymity };

export type LiveState = {
  version: number;
  session: LiveSession;
  openPoll: Poll | null;
  lastClosed: Poll | null;
};

type CachedLiveState = Omit<LiveState, 'openPoll' | 'lastClosed'> & {
  openPoll: PollJson | null;
  lastClosed: PollJson | null;
};

export const LIVE_STATE_TTL_MS = 10_000;

const ANONYMITY = new Set(['anonymous', 'teacher_only', 'names_shown']);

export async function loadLiveState(
  deps: Pick<AppDeps, 'database' | 'crossNode' | 'log'>,
  sessionId: string,
  opts: { skipCache?: boolean } = {},
): Promise<LiveState | null> {
  const key = liveStateCacheKey(sessionId);
  if (!opts.skipCache) {
    const cached = await deps.crossNode.cache.get<CachedLiveState>(key).catch(() => undefined);
    if (cached) {
      return {
        ...cached,
        openPoll: cached.openPoll && pollFromJson(cached.openPoll),
        lastClosed: cached.lastClosed && pollFromJson(cached.lastClosed),
      };
    }
  }
  const state = await inTransaction(deps.database, async (q) => {
    const [s] = await q<{
      id: string;
      title: string;
      status: 'live' | 'idle' | 'archived';
      join_code: string;
      anonymity: string | null;
      version: number;
    }>(
      `SELECT id, title, status, join_code, settings->>'anonymity' AS anonymity, state_version::float8 AS version
       FROM sessions WHERE id = $1 AND deleted_at IS NULL`,
      [sessionId],
    );
    if (!s) return null;
    const [open] = await q<PollRow>(
      `SELECT ${POLL_COLUMNS} FROM polls p WHERE p.session_id = $1 AND p.status = 'open' AND p.deleted_at IS NULL`,
      [sessionId],
    );
    const [closed] = open
      ? []
      : await q<PollRow>(
          `SELECT ${POLL_COLUMNS} FROM polls p WHERE p.session_id = $1 AND p.status = 'closed' AND p.deleted_at IS NULL
           ORDER BY p.closed_at DESC NULLS LAST LIMIT 1`,
          [sessionId],
        );
    const live: LiveState = {
      version: Number(s.version),
      session: {
        id: s.id,
        title: s.title,
        status: s.status,
        joinCode: s.join_code,
        anonymity: (s.anonymity && ANONYMITY.has(s.anonymity)
          ? s.anonymity
          : 'teacher_only') as EffectiveAnonymity,
      },
      openPoll: open ? pollFromRow(open) : null,
      lastClosed: closed ? pollFromRow(closed) : null,
    };
    return live;
  });
  if (state) {
    const cached: CachedLiveState = {
      ...state,
      openPoll: state.openPoll && pollToJson(state.openPoll),
      lastClosed: state.lastClosed && pollToJson(state.lastClosed),
    };
    await deps.crossNode.cache.set(key, cached, LIVE_STATE_TTL_MS).catch(() => {});
  }
  return state;
}

/** Only the version: the cheap periodic check that this node has not missed an event. */
export async function loadVersion(
  deps: Pick<AppDeps, 'database'>,
  sessionId: string,
): Promise<number | null> {
  const [r] = await queryOf(deps.database)<{ version: number }>(
    'SELECT state_version::float8 AS version FROM sessions WHERE id = $1',
    [sessionId],
  );
  return r ? Number(r.version) : null;
}

export type StoredAnswer = { participantId: string; value: AnswerValue; clientMsgId: string; name: string };

/** Every answer of one poll round, oldest first, with the participant's display name. */
export async function loadAnswers(
  deps: Pick<AppDeps, 'database'>,
  pollId: string,
  round: number,
): Promise<StoredAnswer[]> {
  const rows = await queryOf(deps.database)<{
    participant_id: string;
    value: AnswerValue;
    client_msg_id: string;
    name: string;
  }>(
    `SELECT r.participant_id, r.value, r.client_msg_id, p.display_name AS name
     FROM responses r JOIN participants p ON p.id = r.participant_id
     WHERE r.poll_id = $1 AND r.round = $2 ORDER BY r.id`,
    [pollId, round],
  );
  return rows.map((r) => ({
    participantId: r.participant_id,
    value: r.value,
    clientMsgId: r.client_msg_id,
    name: r.name,
  }));
}
