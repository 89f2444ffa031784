/**
 * Events on the bus channel `session:{id}` (topics.session). Every change to a session's live state is
 * written in a transaction that bumps `sessions.state_version`, then published here with that version;
 * every node's realtime hub turns events into frames for its own sockets. The bus is at-most-once, so
 * hubs also re-read the state version periodically and reload when they missed something.
 */
import type { AnswerValue } from '@handsup/protocol';
import type { PollJson } from './poll-rows.ts';

export type StateChange =
  | 'opened' // `poll` opened (others it closed are in `closed`)
  | 'closed'
  | 'extended'
  | 'updated' // edited, or a new round (then round is higher, results empty)
  | 'released'
  | 'cleared' // answers of the current round deleted
  | 'deleted'
  | 'ended'; // session stopped; `closed` holds the poll it closed

export type SessionStatusValue = 'live' | 'idle' | 'archived';

export type StateEvent = {
  kind: 'state';
  sessionId: string;
  version: number;
  change: StateChange;
  poll: PollJson | null;
  /** Polls closed as a side effect (opening another, stopping the session). */
  closed: PollJson[];
  sessionStatus: SessionStatusValue;
  /** Server clock when the change was committed. */
  at: number;
};

/** One answer as it travels between nodes: participant, normalised value, client id, display name. */
export type VoteRecord = { p: string; v: AnswerValue; c: string; n: string };

export type VotesEvent = {
  kind: 'votes';
  sessionId: string;
  pollId: string;
  round: number;
  answers: VoteRecord[];
};

/** Someone joined or left somewhere in the cluster: teachers' presence views recount. */
export type PresenceEvent = { kind: 'presence'; sessionId: string };

export type SessionEvent = StateEvent | VotesEvent | PresenceEvent;

/** The cache key of a session's live state (see docs/redis-keys.md: `{p}cache:live:{sessionId}`). */
export const liveStateCacheKey = (sessionId: string) => `live:${sessionId}`;

/**
 * The running-results cache key of a poll round (`{p}answers:{pollId}:{round}`, docs/redis-keys.md):
 * one entry per participant, `encodeAnswer` of its answer.
 */
export const answersCacheKey = (pollId: string, round: number) => `answers:${pollId}:${round}`;

/** Kept this long after the round's last write; a poll run later is read from the database again. */
export const ANSWERS_CACHE_TTL_MS = 2 * 60 * 60 * 1000;

/**
 * An entry of the running-results cache; `t` orders entries as the answers arrived (open text lists
 * them in that order): the write time for a vote batch, the database order for a seeded round.
 */
export const encodeAnswer = (r: Omit<VoteRecord, 'p'>, t: number): string =>
  JSON.stringify({ v: r.v, c: r.c, n: r.n, t });

/** The records of a cached round, in arrival order. */
export const decodeAnswers = (entries: Record<string, string>): VoteRecord[] =>
  Object.entries(entries)
    .map(([p, json]) => {
      const o = JSON.parse(json) as Omit<VoteRecord, 'p'> & { t: number };
      return { t: o.t, r: { p, v: o.v, c: o.c, n: o.n } };
    })
    .sort((a, b) => a.t - b.t)
    .map((x) => x.r);
