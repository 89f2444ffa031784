import { expect, test } from 'bun:test';
import type { OutgoingMessage } from '@handsup/protocol';
import { createLogger } from '../../observability/logger.ts';
import type { Conn } from '../../realtime/connection.ts';
import { CLOCK_EVERY, Fanout, turnFor } from '../../realtime/fanout.ts';
import { addStudents } from '../../realtime/testing/live-kit.ts';
import {
  chunkClock,
  ONE_CHUNK_TURNS,
  type RecordingConn,
  recordingConn,
} from '../../realtime/testing/recording-conns.ts';
import type { Database } from '../../storage/database.ts';
import { eventually } from '../../testing/eventually.ts';
import { describeStorage } from '../../testing/storage-matrix.ts';
import { lifecycleOn, seed } from './testing/poll-seed.ts';
import type { VoteOutcome } from './vote-batch.ts';
import { VoteStore } from './vote-store.ts';

/** A batch window no test here waits out: a vote written only when its timer fires is a failure. */
const NEVER_MS = 60_000;

/** The promise's value once it settles, or a failure naming `what` after 5 s (eventually). */
const settled = async <T>(p: Promise<T>, what: string): Promise<T> => {
  let out: { v: T } | null = null;
  void p.then((v) => {
    out = { v };
  });
  return (await eventually(() => out, 5000, what)).v;
};

describeStorage('vote store', (ctx) => {
  let db: Database;
  let votes: (clientMsgId: string, i: number) => Parameters<VoteStore['submit']>[0];

  test('setup', async () => {
    db = await ctx.open();
    const { sessionId, pollIds } = await seed(db, 1);
    const students = await addStudents(db, sessionId, 8);
    await (await lifecycleOn(db)).open(pollIds[0]);
    votes = (clientMsgId, i) => ({
      sessionId,
      pollId: pollIds[0],
      round: 1,
      participantId: students[i].participantId,
      name: students[i].name,
      value: { type: 'true_false', value: true },
      clientMsgId,
      allowChange: false,
      castAt: Date.now(),
    });
  });

  const storeWith = (batches: number[]) =>
    new VoteStore(
      { database: db, log: createLogger('silent') },
      { batchMs: NEVER_MS, onCommitted: (w) => batches.push(w.length) },
    );

  test('flushQueued writes what is waiting at once, and is null when nothing waits or a write runs', async () => {
    const batches: number[] = [];
    const store = storeWith(batches);
    expect(store.flushQueued()).toBeNull();
    const a = store.submit(votes('fq-a', 0));
    const b = store.submit(votes('fq-b', 1));
    const writing = store.flushQueued();
    expect(writing).not.toBeNull();
    expect(store.flushQueued()).toBeNull(); // the running write takes the queue when it ends
    await writing;
    expect((await a).ok && (await b).ok).toBe(true);
    expect(batches).toEqual([2]);
    await store.close();
  });

  test('votes that arrive while a batch is being written are written as soon as it commits, not a batch window later', async () => {
    const batches: number[] = [];
    const store = storeWith(batches);
    const first = store.submit(votes('during-a', 2));
    const writing = store.flushQueued();
    expect(writing).not.toBeNull();
    const second = store.submit(votes('during-b', 3)); // the first batch is being written
    const outcomes: VoteOutcome[] = await settled(
      Promise.all([first, second]),
      'the vote that arrived during a write being written',
    );
    expect(outcomes.map((o) => o.ok)).toEqual([true, true]);
    expect(batches).toEqual([1, 1]);
    await store.close();
  });

  test('embedded turns: a vote read during a broadcast is committed and answered before the next turn', async () => {
    const store = storeWith([]);
    const members = new Set<Conn>(
      Array.from({ length: 4 * CLOCK_EVERY }, (_, i) => recordingConn(`s${i}`, 'student')),
    );
    const reached = () => [...members].filter((c) => (c as RecordingConn).sent.length > 0).length;
    const f = new Fanout(
      () => members,
      () => 0,
      undefined,
      // The embedded turns, with one chunk of connections per turn.
      { ...turnFor('pglite', store), turnMs: ONE_CHUNK_TURNS, clock: chunkClock() },
    );
    const frame = { type: 'results.updated', answeredCount: 1, now: 0 } as unknown as OutgoingMessage;
    f.broadcast(frame, frame);
    expect(reached()).toBe(CLOCK_EVERY); // the first turn, at once
    let reachedAtAnswer = -1;
    const answered = store.submit(votes('turn', 4)).then((o) => {
      reachedAtAnswer = reached();
      return o;
    });
    expect((await settled(answered, 'the vote being answered before the next turn')).ok).toBe(true);
    expect(reachedAtAnswer).toBe(CLOCK_EVERY);
    while (f.busy) await new Promise((r) => setImmediate(r));
    expect(reached()).toBe(4 * CLOCK_EVERY);
    await store.close();
  });

  test('on PostgreSQL nothing goes before a turn (a round trip per turn would stall the broadcast)', () => {
    const store = storeWith([]);
    expect(turnFor('postgres', store).beforeTurn).toBeUndefined();
    expect(turnFor('pglite', store).beforeTurn).toBeDefined();
  });
});
