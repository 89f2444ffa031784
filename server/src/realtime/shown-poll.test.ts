import { afterAll, describe, expect, test } from 'bun:test';
import { type CrossNode, createCrossNode } from '../crossnode/index.ts';
import { inTransaction } from '../modules/polls/sql.ts';
import { lifecycleOn, seed } from '../modules/polls/testing/poll-seed.ts';
import { writeBatch } from '../modules/polls/vote-batch.ts';
import { createLogger } from '../observability/logger.ts';
import type { Database } from '../storage/database.ts';
import { describeWith, REDIS_TEST_URL, uniqueName } from '../testing/services.ts';
import { describeStorage, type StorageContext } from '../testing/storage-matrix.ts';
import { RoundAnswers } from './round-answers.ts';
import { ShownPoll } from './shown-poll.ts';
import { addStudents } from './testing/live-kit.ts';

/**
 * The tally is rebuilt from the database and the running-results cache (in process, or Redis when
 * configured): both caches, on both engines.
 */
function suite(ctx: StorageContext, cache: 'memory' | 'redis') {
  let db: Database;
  const opened: CrossNode[] = [];
  const prefix = `${uniqueName('hs')}:`;
  afterAll(async () => {
    for (const c of opened) await c.close().catch(() => {});
  });

  test('setup', async () => {
    db = await ctx.open();
  });

  async function openPollWithAnswers(stored: number, students: number) {
    const { sessionId, pollIds } = await seed(db, 1);
    const people = await addStudents(db, sessionId, students);
    const poll = await (await lifecycleOn(db)).open(pollIds[0]);
    const vote = (i: number) => ({
      sessionId,
      pollId: poll.id,
      round: poll.round,
      participantId: people[i].participantId,
      name: people[i].name,
      value: { type: 'true_false' as const, value: i % 2 === 0 },
      clientMsgId: `c${i}`,
      allowChange: false,
      castAt: Date.now(),
    });
    await inTransaction(db, (q) =>
      writeBatch(
        q,
        Array.from({ length: stored }, (_, i) => vote(i)),
      ),
    );
    const crossNode = await createCrossNode({
      redisUrl: cache === 'redis' ? REDIS_TEST_URL : null,
      nodeId: 'n',
      keyPrefix: prefix,
    });
    opened.push(crossNode);
    const answers = new RoundAnswers({ database: db, crossNode, log: createLogger('silent') }, sessionId);
    return { sessionId, poll, people, answers, vote };
  }

  test('a vote that arrives while the tally is being rebuilt is replayed onto the rebuilt tally', async () => {
    const { sessionId, poll, answers, vote } = await openPollWithAnswers(2, 3);
    let rebuilt!: () => void;
    const done = new Promise<void>((r) => {
      rebuilt = r;
    });
    const shown = new ShownPoll(answers, () => rebuilt(), createLogger('silent'), sessionId);
    shown.show(poll); // starts reading the two stored answers
    const late = vote(2);
    // Committed after the read began: it reaches the room as an event, not through the read.
    expect(
      shown.apply(poll.id, poll.round, [
        { p: late.participantId, v: late.value, c: late.clientMsgId, n: late.name },
      ]),
    ).toBe(true);
    await done;
    expect(shown.current?.tally.answeredCount).toBe(3);
    expect([...(shown.current?.meta.keys() ?? [])].sort()).toEqual(
      [vote(0), vote(1), vote(2)].map((v) => v.participantId).sort(),
    );
    // Votes for another round are not this tally's.
    expect(shown.apply(poll.id, poll.round + 1, [])).toBe(false);
    // The poll closing changes its fields, not its tally.
    const tally = shown.tallyOf(poll.id);
    expect(tally?.answeredCount).toBe(3);
    shown.update({ ...poll, status: 'closed' });
    expect(shown.current?.poll.status).toBe('closed');
    expect(shown.tallyOf(poll.id)).toBe(tally);
    expect(shown.tallyOf('another poll')).toBeNull();
  });

  test('a rebuild that finishes after the poll left the screen does not bring it back', async () => {
    const { sessionId, poll, answers } = await openPollWithAnswers(1, 1);
    let calls = 0;
    const shown = new ShownPoll(answers, () => calls++, createLogger('silent'), sessionId);
    shown.show(poll);
    shown.clear();
    await shown.recount(); // nothing on screen: nothing to do
    await Bun.sleep(50);
    expect(shown.current).toBeNull();
    expect(calls).toBe(0);
  });
}

describeStorage('poll on screen', (ctx) => {
  describe('in-process cache', () => suite(ctx, 'memory'));
  describeWith(['redis'], 'Redis cache', () => suite(ctx, 'redis'));
});
