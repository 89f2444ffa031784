import { afterAll, expect, test } from 'bun:test';
import { type CrossNode, createCrossNode, createMemoryHub } from '../crossnode/index.ts';
import { answersCacheKey, decodeAnswers } from '../modules/polls/events.ts';
import type { Database } from '../storage/database.ts';
import { describeWith, REDIS_TEST_URL, uniqueName } from '../testing/services.ts';
import { describeStorage } from '../testing/storage-matrix.ts';
import {
  addStudents,
  type Client,
  choice,
  classroom,
  connect,
  createPoll,
  eventually,
  type Node,
  startNode,
} from './testing/live-kit.ts';

/**
 * Two nodes on one database and one cross-node layer (in-process hub, or Redis): whatever the teacher
 * does on one node, students on the other see; answers from both nodes count on both; presence is
 * cluster-wide; and no node keeps serving a stale poll after a change on the other.
 */
const body = (open: () => Promise<Database>, crossNodes: () => Promise<[CrossNode, CrossNode]>) => {
  const nodes: Node[] = [];
  const clients: Client[] = [];
  afterAll(async () => {
    for (const c of clients) c.close();
    for (const n of nodes) await n.stop();
  });

  test('a poll opened on node A reaches students on B; answers from both nodes count on both, equal to the rows', async () => {
    const db = await open();
    const [xa, xb] = await crossNodes();
    const a = await startNode(db, { crossNode: xa });
    const b = await startNode(db, { crossNode: xb });
    nodes.push(a, b);
    const room = await classroom(a, 0);
    room.students = await addStudents(db, room.sessionId, 12);
    const poll = await createPoll(a, room, choice());
    const teacherA = await connect(a, room.teacherToken, room.sessionId);
    const teacherB = await connect(b, room.teacherToken, room.sessionId);
    const students = await Promise.all(
      room.students.map((s, i) => connect(i % 2 ? a : b, s.token, room.sessionId)),
    );
    clients.push(teacherA, teacherB, ...students);
    // Presence: the teacher on A counts the students on B as well.
    await eventually(
      () => teacherA.frames.some((f) => f.type === 'presence.updated' && f.connected === 12),
      8000,
    );
    teacherA.send({ type: 'poll.open', pollId: poll.id });
    await Promise.all(students.map((s) => s.next('poll.opened')));
    await Promise.all(
      students.map(async (s, i) => {
        const id = crypto.randomUUID();
        s.send({
          type: 'vote.cast',
          pollId: poll.id,
          value: { type: 'single_choice', optionId: ['a', 'b', 'c'][i % 3] },
          clientMsgId: id,
        });
        await s.next('vote.accepted', (m) => m.clientMsgId === id);
      }),
    );
    const [rows] = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM responses WHERE poll_id = $1',
      [poll.id],
    );
    expect(rows.n).toBe(12);
    for (const t of [teacherA, teacherB]) {
      const r = await t.next('results.updated', (m) => m.answeredCount === 12);
      expect(r.results).toMatchObject({ total: 12, options: [{ count: 4 }, { count: 4 }, { count: 4 }] });
    }
    await eventually(() => teacherB.frames.some((f) => f.type === 'presence.updated' && f.answered === 12));
  });

  test('no stale poll: after a change on A, node B serves the new state (votes, snapshots)', async () => {
    const [a, b] = nodes;
    const room = await classroom(a, 0);
    room.students = await addStudents(a.deps.database, room.sessionId, 2);
    const poll = await createPoll(a, room, choice('Stale?'));
    const onB = await connect(b, room.students[0].token, room.sessionId);
    clients.push(onB);
    await a.call('POST', `/api/polls/${poll.id}/open`, { token: room.teacherToken, body: {} });
    await onB.next('poll.opened');
    await a.call('POST', `/api/polls/${poll.id}/close`, { token: room.teacherToken });
    await onB.next('poll.closed');
    const id = crypto.randomUUID();
    onB.send({
      type: 'vote.cast',
      pollId: poll.id,
      value: { type: 'single_choice', optionId: 'a' },
      clientMsgId: id,
    });
    expect((await onB.next('vote.rejected', (m) => m.clientMsgId === id)).code).toBe('poll_closed');
    // A newcomer on B gets the closed poll, not the cached open one.
    const late = await connect(b, room.students[1].token, room.sessionId);
    clients.push(late);
    const snap = late.frames.find((f) => f.type === 'session.snapshot')!;
    expect(snap.type === 'session.snapshot' && snap.openPoll).toBeNull();
    expect(snap.type === 'session.snapshot' && snap.closedPoll?.id).toBe(poll.id);
  });

  test('running results: the cache holds every answer from both nodes; cleared on A, B counts afresh', async () => {
    const [a, b] = nodes;
    const room = await classroom(a, 0);
    room.students = await addStudents(a.deps.database, room.sessionId, 4);
    const poll = await createPoll(a, room, choice('Cached?'));
    const teacherB = await connect(b, room.teacherToken, room.sessionId);
    const students = await Promise.all(
      room.students.map((s, i) => connect(i % 2 ? a : b, s.token, room.sessionId)),
    );
    clients.push(teacherB, ...students);
    await a.call('POST', `/api/polls/${poll.id}/open`, { token: room.teacherToken, body: {} });
    await Promise.all(students.map((s) => s.next('poll.opened')));
    const vote = async (s: Client, optionId: string) => {
      const id = crypto.randomUUID();
      s.send({
        type: 'vote.cast',
        pollId: poll.id,
        value: { type: 'single_choice', optionId },
        clientMsgId: id,
      });
      await s.next('vote.accepted', (m) => m.clientMsgId === id);
    };
    await Promise.all(students.map((s, i) => vote(s, i === 0 ? 'a' : 'b')));
    const key = answersCacheKey(poll.id, poll.round);
    const rows = await a.deps.database.query<{ participant_id: string; value: { optionId: string } }>(
      'SELECT participant_id, value FROM responses WHERE poll_id = $1 ORDER BY participant_id',
      [poll.id],
    );
    // Both nodes' cross-node layers read the same cached round, equal to the rows.
    for (const x of [a, b]) {
      await eventually(
        async () => Object.keys((await x.deps.crossNode.answers.read(key)) ?? {}).length === 4,
      );
      const cached = decodeAnswers((await x.deps.crossNode.answers.read(key))!);
      expect(cached.map((r) => [r.p, (r.v as { optionId: string }).optionId]).sort()).toEqual(
        rows.map((r) => [r.participant_id, r.value.optionId]),
      );
    }
    // Reset on A: the cached round is dropped before the event, so B rebuilds from nothing.
    await a.call('POST', `/api/polls/${poll.id}/clear`, { token: room.teacherToken });
    await teacherB.next('poll.updated', (m) => m.poll.status === 'draft');
    await a.call('POST', `/api/polls/${poll.id}/open`, { token: room.teacherToken, body: {} });
    await teacherB.next('poll.opened', (m) => m.poll.id === poll.id);
    await vote(students[1], 'c');
    const r = await teacherB.next('results.updated', (m) => m.pollId === poll.id && m.answeredCount === 1);
    expect(r.results).toMatchObject({ total: 1, options: [{ count: 0 }, { count: 0 }, { count: 1 }] });
    await eventually(async () => Object.keys((await b.deps.crossNode.answers.read(key)) ?? {}).length === 1);
  });
};

describeStorage('two nodes, in-process hub', (ctx) => {
  body(
    () => ctx.open(),
    async () => {
      const hub = createMemoryHub();
      return [
        await createCrossNode({ redisUrl: null, nodeId: 'a', memoryHub: hub }),
        await createCrossNode({ redisUrl: null, nodeId: 'b', memoryHub: hub }),
      ];
    },
  );
});

describeWith(['postgres', 'redis'], 'two nodes, PostgreSQL + Redis', () => {
  describeStorage('cluster', (ctx) => {
    if (ctx.kind !== 'postgres') return;
    const prefix = `${uniqueName('hs')}:`;
    body(
      () => ctx.open(),
      async () => [
        await createCrossNode({ redisUrl: REDIS_TEST_URL, nodeId: 'a', keyPrefix: prefix }),
        await createCrossNode({ redisUrl: REDIS_TEST_URL, nodeId: 'b', keyPrefix: prefix }),
      ],
    );
  });
});
