/**
 * One group commit: a batch of votes written by ONE statement, its own transaction — one round trip
 * to PostgreSQL (one call to PGlite), commit included. The statement is the PL/pgSQL function
 * `handsup_write_votes` (migration 0005_vote_batch.sql; PL/pgSQL keeps its plan per connection, the
 * same statement as text was planned on every call), which:
 * - sets `synchronous_commit` on for its transaction: the commit waits for the WAL flush, whatever the
 *   server's default;
 * - locks the polls `FOR SHARE`: a vote is written only while its poll is open in the database, in its
 *   round and before its deadline, and a concurrent close waits for the batch — so every acknowledged
 *   vote is in the poll's final count;
 * - inserts with `ON CONFLICT (poll_id, round, participant_id)`: a retry (same clientMsgId) is a no-op,
 *   an answer change an update (when the poll allows it), a second answer to a locked poll a no-op
 *   reported as `answer_locked`;
 * - returns, for every vote, whether it was written and the answer stored as the statement began.
 *
 * Durability on PGlite: with `synchronous_commit` on the commit returns after PostgreSQL wrote the WAL
 * record; PGlite's NodeFS maps that write straight to the data directory's files (its `syncToFs` is a
 * no-op, so electric-sql/pglite#1065 — `transaction()` not awaiting a sync — does not apply). The
 * record is in the OS page cache when we ack: it survives the process being killed, not a machine
 * crash (PGlite runs with fsync off; see ARCHITECTURE.md).
 */
import { type AnswerValue, AppError } from '@handsup/protocol';
import type { Query } from './sql.ts';

export type PendingVote = {
  sessionId: string;
  pollId: string;
  round: number;
  participantId: string;
  /** Display name, carried to other nodes' teacher views. */
  name: string;
  value: AnswerValue;
  clientMsgId: string;
  allowChange: boolean;
  /** Server time the vote arrived: it must be before the poll's deadline. */
  castAt: number;
};

export type VoteOutcome =
  /** `written`: stored by this call (counts change); otherwise a retry of the stored answer. */
  { ok: true; value: AnswerValue; written: boolean } | { ok: false; error: AppError };

export const unavailable = (): VoteOutcome => ({
  ok: false,
  error: new AppError('unavailable', 'Your answer could not be saved; please try again.'),
});

/** One row per vote of the batch, in order: what the statement found and did for it. */
type VoteRow = {
  /** The poll's status (null: no such poll, or deleted). */
  poll_status: string | null;
  /** Its poll is open, in its round, and the vote came before the deadline. */
  is_open: boolean;
  is_written: boolean;
  /** The participant's stored answer for the round as the statement began (null: none). */
  stored_msg_id: string | null;
  stored_value: AnswerValue | null;
};

const WRITE_BATCH = 'SELECT * FROM handsup_write_votes($1::jsonb)';

/** Why a vote the statement did not write is refused, unless it turns out to be a retry. */
const refusal = (r: VoteRow): AppError =>
  r.is_open
    ? new AppError('answer_locked', 'You have already answered this poll.')
    : r.poll_status === 'draft'
      ? new AppError('poll_not_open', 'This poll is not open.')
      : new AppError('poll_closed', 'This poll has closed.');

/**
 * One batch; returns one outcome per vote, in order. Outside a transaction (as the store calls it) the
 * statement is its own transaction. A vote not written is acknowledged again when the stored answer
 * is its own (a retry). One the statement's snapshot cannot settle — its stored copy committed by
 * another node meanwhile — is looked up once more after the statement; if that lookup fails, those
 * votes are answered `unavailable` (their clients re-send) while the written ones keep their outcome,
 * since their commit already happened.
 */
export async function writeBatch(q: Query, votes: PendingVote[]): Promise<VoteOutcome[]> {
  const rows = await q<VoteRow>(WRITE_BATCH, [
    JSON.stringify(
      votes.map((v) => ({
        poll_id: v.pollId,
        round: v.round,
        participant_id: v.participantId,
        value: v.value,
        client_msg_id: v.clientMsgId,
        allow_change: v.allowChange,
        cast_at: v.castAt,
      })),
    ),
  ]);
  if (rows.length !== votes.length) {
    throw new Error(`handsup_write_votes returned ${rows.length} rows for ${votes.length} votes`);
  }
  const outcomes = votes.map((v, i): VoteOutcome | null => {
    const r = rows[i];
    if (r.is_written) return { ok: true, value: v.value, written: true };
    if (r.stored_msg_id === v.clientMsgId)
      return { ok: true, value: r.stored_value as AnswerValue, written: false };
    return null;
  });
  const unsettled = outcomes.flatMap((o, i) => (o ? [] : [i]));
  if (unsettled.length === 0) return outcomes as VoteOutcome[];

  const params: unknown[] = [];
  const tuples = unsettled.map((i) => {
    const v = votes[i];
    params.push(v.pollId, v.round, v.participantId);
    const b = params.length - 3;
    return `($${b + 1}::uuid, $${b + 2}::int, $${b + 3}::uuid)`;
  });
  const key = (pollId: string, round: number, participantId: string) => `${pollId}:${round}:${participantId}`;
  let stored: Map<string, { client_msg_id: string; value: AnswerValue }>;
  try {
    const existing = await q<{
      poll_id: string;
      round: number;
      participant_id: string;
      client_msg_id: string;
      value: AnswerValue;
    }>(
      `SELECT poll_id, round, participant_id, client_msg_id, value FROM responses WHERE (poll_id, round, participant_id) IN (${tuples.join(', ')})`,
      params,
    );
    stored = new Map(existing.map((e) => [key(e.poll_id, e.round, e.participant_id), e]));
  } catch {
    for (const i of unsettled) outcomes[i] = unavailable();
    return outcomes as VoteOutcome[];
  }
  for (const i of unsettled) {
    const v = votes[i];
    const e = stored.get(key(v.pollId, v.round, v.participantId));
    outcomes[i] =
      e?.client_msg_id === v.clientMsgId
        ? { ok: true, value: e.value, written: false }
        : { ok: false, error: refusal(rows[i]) };
  }
  return outcomes as VoteOutcome[];
}
