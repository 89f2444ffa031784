import { expect, test } from 'bun:test';
import { createCrossNode } from '../../crossnode/index.ts';
import { createLogger } from '../../observability/logger.ts';
import { addStudents } from '../../realtime/testing/live-kit.ts';
import type { Database } from '../../storage/database.ts';
import { describeStorage } from '../../testing/storage-matrix.ts';
import { PollLifecycle } from './lifecycle-service.ts';
import { inTransaction, type Query, queryOf } from './sql.ts';
import { type PendingVote, writeBatch } from './vote-batch.ts';
import { VoteStore } from './vote-store.ts';

const content = JSON.stringify({ type: 'true_false' });
const settings = JSON.stringify({
  resultsVisibility: 'live',
  allowAnswerChange: false,
  anonymity: 'inherit',
});

async function seed(db: Database, polls: number) {
  const [s] = await db.query<{ id: string }>(
    `INSERT INTO sessions (title, join_code, status) VALUES ('S', $1, 'live') RETURNING id`,
    [crypto.randomUUID().slice(0, 8)],
  );
  const ids: string[] = [];
  for (let i = 0; i < polls; i++) {
    const [p] = await db.query<{ id: string }>(
      `INSERT INTO polls (session_id, position, type, prompt, content, settings) VALUES ($1, $2, 'true_false', 'Q', $3::jsonb, $4::jsonb) RETURNING id`,
      [s.id, i, content, settings],
    );
    ids.push(p.id);
  }
  return { sessionId: s.id, pollIds: ids };
}

const lifecycleOn = async (database: Database, now = () => Date.now()) => {
  const crossNode = await createCrossNode({ redisUrl: null, nodeId: 'n' });
  return new PollLifecycle({ database, crossNode, clock: { now }, log: createLogger('silent') });
};

describeStorage('poll lifecycle', (ctx) => {
  let db: Database;

  test('20 concurrent opens in one session leave exactly one poll open, and versions are all distinct', async () => {
    db = await ctx.open();
    const { sessionId, pollIds } = await seed(db, 20);
    const a = await lifecycleOn(db);
    const b = await lifecycleOn(db);
    const results = await Promise.allSettled(pollIds.map((id, i) => (i % 2 ? a : b).open(id)));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const open = await db.query<{ id: string }>(
      `SELECT id FROM polls WHERE session_id = $1 AND status = 'open'`,
      [sessionId],
    );
    expect(open.length).toBe(1);
    const [v] = await db.query<{ v: number }>('SELECT state_version::int AS v FROM sessions WHERE id = $1', [
      sessionId,
    ]);
    expect(v.v).toBe(20);
  });

  test('a due poll is closed exactly once however many nodes race for it, at its deadline', async () => {
    const { pollIds } = await seed(db, 1);
    const l = await lifecycleOn(db);
    await l.open(pollIds[0], 5);
    const later = Date.now() + 6000;
    const racers = await Promise.all(
      Array.from({ length: 8 }, async () => (await lifecycleOn(db, () => later)).closeDue(pollIds[0])),
    );
    expect(racers.filter(Boolean).length).toBe(1);
    const [row] = await db.query<{ status: string; same: boolean }>(
      'SELECT status, closed_at = closes_at AS same FROM polls WHERE id = $1',
      [pollIds[0]],
    );
    expect(row).toEqual({ status: 'closed', same: true });
  });

  test('clearing answers deletes only the current round and writes an audit entry; a new round keeps the old answers apart', async () => {
    const { sessionId, pollIds } = await seed(db, 1);
    const [student] = await addStudents(db, sessionId, 1);
    const l = await lifecycleOn(db);
    const store = new VoteStore({ database: db, log: createLogger('silent') }, { batchMs: 2 });
    const vote = (round: number, c: string) =>
      store.submit({
        sessionId,
        pollId: pollIds[0],
        round,
        participantId: student.participantId,
        name: student.name,
        value: { type: 'true_false', value: true },
        clientMsgId: c,
        allowChange: false,
        castAt: Date.now(),
      });
    await l.open(pollIds[0]);
    expect((await vote(1, 'r1')).ok).toBe(true);
    await l.close(pollIds[0]);
    const next = await l.newRound(pollIds[0]);
    expect(next.round).toBe(2);
    await l.open(pollIds[0]);
    expect((await vote(2, 'r2')).ok).toBe(true);
    await l.clearAnswers(pollIds[0], { userId: null, role: 'teacher' });
    const rows = await db.query<{ round: number }>(
      'SELECT round FROM responses WHERE poll_id = $1 ORDER BY round',
      [pollIds[0]],
    );
    expect(rows.map((r) => r.round)).toEqual([1]);
    const audit = await db.query<{ details: Record<string, unknown> }>(
      `SELECT details FROM audit_log WHERE action = 'poll.answers_cleared' AND target_id = $1`,
      [pollIds[0]],
    );
    expect(audit.map((a) => a.details)).toEqual([{ sessionId, round: 2, answersDeleted: 1 }]);
    await store.close();
  });

  test('group commit: a burst of votes is written in few transactions, each acknowledged after its commit', async () => {
    const { sessionId, pollIds } = await seed(db, 1);
    const students = await addStudents(db, sessionId, 60);
    const l = await lifecycleOn(db);
    await l.open(pollIds[0]);
    let batches = 0;
    let committed = 0;
    const store = new VoteStore(
      { database: db, log: createLogger('silent') },
      {
        batchMs: 4,
        onCommitted: (w) => {
          batches++;
          committed += w.length;
        },
      },
    );
    const outcomes = await Promise.all(
      students.map(async (s) => {
        const o = await store.submit({
          sessionId,
          pollId: pollIds[0],
          round: 1,
          participantId: s.participantId,
          name: s.name,
          value: { type: 'true_false', value: false },
          clientMsgId: `c-${s.participantId}`,
          allowChange: false,
          castAt: Date.now(),
        });
        // When the promise resolves, the row is there.
        const [r] = await db.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM responses WHERE participant_id = $1',
          [s.participantId],
        );
        expect(r.n).toBe(1);
        return o;
      }),
    );
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(committed).toBe(60);
    expect(batches).toBeLessThan(10);
    await store.close();
  });

  test('a vote arriving after closes_at is rejected poll_closed by the store even before any sweep', async () => {
    const { sessionId, pollIds } = await seed(db, 1);
    const [s] = await addStudents(db, sessionId, 1);
    const l = await lifecycleOn(db);
    const poll = await l.open(pollIds[0], 5);
    const store = new VoteStore({ database: db, log: createLogger('silent') }, { batchMs: 1 });
    const o = await store.submit({
      sessionId,
      pollId: pollIds[0],
      round: 1,
      participantId: s.participantId,
      name: s.name,
      value: { type: 'true_false', value: true },
      clientMsgId: 'late',
      allowChange: true,
      castAt: poll.closesAt!.getTime() + 1,
    });
    expect(o.ok ? 'accepted' : o.error.code).toBe('poll_closed');
    await store.close();
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
