import { expect, test } from 'bun:test';
import { addStudents } from '../../realtime/testing/live-kit.ts';
import type { Database } from '../../storage/database.ts';
import { describeStorage } from '../../testing/storage-matrix.ts';
import { inTransaction, type Query, queryOf } from './sql.ts';
import { lifecycleOn, seed } from './testing/poll-seed.ts';
import { type PendingVote, writeBatch } from './vote-batch.ts';

describeStorage('vote batch', (ctx) => {
  let db: Database;

  test('setup', async () => {
    db = await ctx.open();
  });

  test('a vote batch commits with synchronous_commit on, even where the server default is off', async () => {
    const { sessionId, pollIds } = await seed(db, 1);
    const [s] = await addStudents(db, sessionId, 1);
    await (await lifecycleOn(db)).open(pollIds[0]);
    const vote = {
      sessionId,
      pollId: pollIds[0],
      round: 1,
      participantId: s.participantId,
      name: s.name,
      value: { type: 'true_false' as const, value: true },
      clientMsgId: 'durable',
      allowChange: true,
      castAt: Date.now(),
    };
    const seen = await inTransaction(db, async (q) => {
      await q('SET LOCAL synchronous_commit = off'); // as a server configured for speed would be
      const [outcome] = await writeBatch(q, [vote]);
      const [row] = await q<{ synchronous_commit: string }>('SHOW synchronous_commit');
      return { ok: outcome.ok, setting: row.synchronous_commit };
    });
    expect(seen).toEqual({ ok: true, setting: 'on' });
  });

  const voteOf = (
    sessionId: string,
    pollId: string,
    s: { participantId: string; name: string },
    clientMsgId: string,
  ): PendingVote => ({
    sessionId,
    pollId,
    round: 1,
    participantId: s.participantId,
    name: s.name,
    value: { type: 'true_false', value: true },
    clientMsgId,
    allowChange: false,
    castAt: Date.now(),
  });

  test('a batch of new answers is one statement: one round trip to the database, its commit included', async () => {
    const { sessionId, pollIds } = await seed(db, 1);
    const students = await addStudents(db, sessionId, 3);
    await (await lifecycleOn(db)).open(pollIds[0]);
    const statements: string[] = [];
    const counting: Query = (text, params) => {
      statements.push(text);
      return queryOf(db)(text, params);
    };
    const outcomes = await writeBatch(
      counting,
      students.map((s, i) => voteOf(sessionId, pollIds[0], s, `one-${i}`)),
    );
    expect(outcomes.map((o) => o.ok && o.written)).toEqual([true, true, true]);
    expect(statements).toHaveLength(1);
    const [r] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM responses WHERE poll_id = $1', [
      pollIds[0],
    ]);
    expect(r.n).toBe(3);
  });

  test("a batch holding one student's answers to two rounds of a poll settles each on its own", async () => {
    const { sessionId, pollIds } = await seed(db, 1);
    const [s] = await addStudents(db, sessionId, 1);
    await (await lifecycleOn(db)).open(pollIds[0]);
    const current = voteOf(sessionId, pollIds[0], s, 'round-1');
    const stale = { ...voteOf(sessionId, pollIds[0], s, 'round-2'), round: 2 }; // a round not running
    const outcomes = await writeBatch(queryOf(db), [current, stale]);
    expect(outcomes.map((o) => (o.ok ? o.written : o.error.code))).toEqual([true, 'poll_closed']);
  });

  test("the second look tells one round's stored answer from another's", async () => {
    const { sessionId, pollIds } = await seed(db, 1); // a draft: nothing is written
    const [s] = await addStudents(db, sessionId, 1);
    await db.query(
      `INSERT INTO responses (poll_id, round, participant_id, value, client_msg_id) VALUES ($1, 2, $2, $3::jsonb, 'x')`,
      [pollIds[0], s.participantId, JSON.stringify({ type: 'true_false', value: true })],
    );
    // Round 1 holds nothing, so 'x' there is no retry; round 2 holds 'x', so 'y' there is none either.
    const outcomes = await writeBatch(queryOf(db), [
      voteOf(sessionId, pollIds[0], s, 'x'),
      { ...voteOf(sessionId, pollIds[0], s, 'y'), round: 2 },
    ]);
    expect(outcomes.map((o) => (o.ok ? o.written : o.error.code))).toEqual([
      'poll_not_open',
      'poll_not_open',
    ]);
  });

  test('when the second look fails after the batch committed, written votes stay acknowledged and the rest are retryable', async () => {
    const { sessionId, pollIds } = await seed(db, 2); // the second poll stays a draft
    const [a, b] = await addStudents(db, sessionId, 2);
    await (await lifecycleOn(db)).open(pollIds[0]);
    let calls = 0;
    const failingSecond: Query = (text, params) => {
      calls++;
      return calls === 1 ? queryOf(db)(text, params) : Promise.reject(new Error('connection lost'));
    };
    const outcomes = await writeBatch(failingSecond, [
      voteOf(sessionId, pollIds[0], a, 'kept'),
      voteOf(sessionId, pollIds[1], b, 'to-draft'),
    ]);
    expect(outcomes.map((o) => (o.ok ? o.written : o.error.code))).toEqual([true, 'unavailable']);
    const [r] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM responses WHERE poll_id = $1', [
      pollIds[0],
    ]);
    expect(r.n).toBe(1);
  });

  if (ctx.kind === 'postgres') {
    test('a retry whose first copy commits elsewhere while the batch runs is acknowledged once, not refused', async () => {
      const { sessionId, pollIds } = await seed(db, 1);
      const [s] = await addStudents(db, sessionId, 1);
      await (await lifecycleOn(db)).open(pollIds[0]);
      // Another node's batch holds the same answer, written but not yet committed.
      let release!: () => void;
      const held = new Promise<void>((r) => {
        release = r;
      });
      let inserted!: () => void;
      const written = new Promise<void>((r) => {
        inserted = r;
      });
      const other = db.transaction(async (q) => {
        await q(
          `INSERT INTO responses (poll_id, round, participant_id, value, client_msg_id) VALUES ($1, 1, $2, $3::jsonb, 'same')`,
          [pollIds[0], s.participantId, JSON.stringify({ type: 'true_false', value: true })],
        );
        inserted();
        await held;
      });
      await written;
      const batch = writeBatch(queryOf(db), [voteOf(sessionId, pollIds[0], s, 'same')]);
      // The batch's statement took its snapshot and now waits on the other's row; then that commits.
      for (let i = 0; i < 200; i++) {
        const [w] = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        if (w.n > 0) break;
        await Bun.sleep(10);
      }
      release();
      await other;
      const [outcome] = await batch;
      expect(outcome).toEqual({ ok: true, value: { type: 'true_false', value: true }, written: false });
      const [r] = await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM responses WHERE poll_id = $1',
        [pollIds[0]],
      );
      expect(r.n).toBe(1);
    });
  }
});
