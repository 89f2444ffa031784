import { expect, test } from 'bun:test';
import { createLogger } from '../../observability/logger.ts';
import { addStudents } from '../../realtime/testing/live-kit.ts';
import type { Database } from '../../storage/database.ts';
import { describeStorage } from '../../testing/storage-matrix.ts';
import { lifecycleOn, seed } from './testing/poll-seed.ts';
import { VoteStore } from './vote-store.ts';

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
});
