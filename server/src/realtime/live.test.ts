import { afterAll, expect, test } from 'bun:test';
import type { ServerMessage } from '@handsup/protocol';
import { describeStorage } from '../testing/storage-matrix.ts';
import {
  type Classroom,
  choice,
  Client,
  classroom,
  connect,
  createPoll,
  eventually,
  type Node,
  startNode,
} from './testing/live-kit.ts';

const uuid = () => crypto.randomUUID();

/** A student picks a single-choice option (the vote's client id given, for the replies to match). */
const choose = (c: Client, pollId: string, optionId: string, clientMsgId: string) =>
  c.send({ type: 'vote.cast', pollId, value: { type: 'single_choice', optionId }, clientMsgId });

describeStorage('the live poll engine over WebSockets', (ctx) => {
  let node: Node;
  let room: Classroom;
  const clients: Client[] = [];
  const join = async (token: string, sessionId = room.sessionId) => {
    const c = await connect(node, token, sessionId);
    clients.push(c);
    return c;
  };
  afterAll(async () => {
    for (const c of clients) c.close();
    await node?.stop();
  });

  test('a teacher opens a poll, students answer, everyone sees the counts (acked only once durable)', async () => {
    node = await startNode(await ctx.open());
    room = await classroom(node, 4);
    const poll = await createPoll(node, room, choice());
    const teacher = await join(room.teacherToken);
    const s = await Promise.all(room.students.slice(0, 3).map((st) => join(st.token)));
    teacher.send({ type: 'poll.open', pollId: poll.id });
    for (const c of s) await c.next('poll.opened');
    const votes = ['a', 'a', 'b'];
    await Promise.all(
      s.map(async (c, i) => {
        const id = uuid();
        choose(c, poll.id, votes[i], id);
        await c.next('vote.accepted', (m) => m.clientMsgId === id);
      }),
    );
    const rows = await node.deps.database.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM responses WHERE poll_id = $1',
      [poll.id],
    );
    expect(rows[0].n).toBe(3);
    const last = await teacher.next('results.updated', (m) => m.answeredCount === 3);
    expect(last.results).toMatchObject({
      type: 'single_choice',
      total: 3,
      options: [
        { id: 'a', count: 2 },
        { id: 'b', count: 1 },
        { id: 'c', count: 0 },
      ],
    });
    await s[0].next('results.updated', (m) => m.answeredCount === 3);
  });

  test('a retried clientMsgId is acknowledged again and counted once', async () => {
    const poll = await createPoll(node, room, choice('Dup?'));
    const teacher = clients[0];
    teacher.send({ type: 'poll.open', pollId: poll.id });
    await clients[0].next('poll.opened', (m) => m.poll.id === poll.id);
    const c = await join(room.students[3].token);
    const id = uuid();
    for (let i = 0; i < 3; i++) choose(c, poll.id, 'c', id);
    await eventually(
      () => c.frames.filter((f) => f.type === 'vote.accepted' && f.clientMsgId === id).length === 3,
    );
    const rows = await node.deps.database.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM responses WHERE poll_id = $1',
      [poll.id],
    );
    expect(rows[0].n).toBe(1);
    const r = await node.call('GET', `/api/polls/${poll.id}/results`, { token: room.teacherToken });
    expect(r.body.answeredCount).toBe(1);
  });

  test('opening a poll closes the open one in the same change; students learn both', async () => {
    const a = await createPoll(node, room, choice('A?'));
    const b = await createPoll(node, room, choice('B?'));
    const s = await join(room.students[0].token);
    const from = s.frames.length;
    expect(
      (await node.call('POST', `/api/polls/${a.id}/open`, { token: room.teacherToken, body: {} })).status,
    ).toBe(200);
    expect(
      (await node.call('POST', `/api/polls/${b.id}/open`, { token: room.teacherToken, body: {} })).status,
    ).toBe(200);
    const closed = await s.next('poll.closed', (m) => m.pollId === a.id, 5000, from);
    const opened = await s.next('poll.opened', (m) => m.poll.id === b.id, 5000, from);
    expect(opened.version).toBe(closed.version);
    const open = await node.deps.database.query<{ id: string }>(
      `SELECT id FROM polls WHERE session_id = $1 AND status = 'open'`,
      [room.sessionId],
    );
    expect(open.map((r) => r.id)).toEqual([b.id]);
  });

  test('an answer after the deadline is rejected poll_closed, and poll.closed arrives within 1 s of it', async () => {
    const poll = await createPoll(node, room, choice('Timed?'));
    const s = await join(room.students[1].token);
    const from = s.frames.length;
    await node.call('POST', `/api/polls/${poll.id}/open`, {
      token: room.teacherToken,
      body: { timerSeconds: 5 },
    });
    const opened = await s.next('poll.opened', (m) => m.poll.id === poll.id, 5000, from);
    const closesAt = opened.closesAt!;
    // Shorten the deadline in the database and in this node's state (as if 5 s had passed).
    const soon = Date.now() + 300;
    await node.deps.database.query(
      `UPDATE polls SET closes_at = to_timestamp($2::float8 / 1000.0) WHERE id = $1`,
      [poll.id, soon],
    );
    const live = node.engine.hub.room(room.sessionId)!;
    live.state.openPoll!.closesAt = new Date(soon);
    if (live.current) live.current.poll.closesAt = new Date(soon);
    expect(closesAt).toBeGreaterThan(soon);
    while (Date.now() < soon + 5) await Bun.sleep(1);
    const id = uuid();
    choose(s, poll.id, 'a', id);
    const rejected = await s.next('vote.rejected', (m) => m.clientMsgId === id);
    expect(rejected.code).toBe('poll_closed');
    const closed = await s.next('poll.closed', (m) => m.pollId === poll.id, 3000, from);
    expect(Date.now() - soon).toBeLessThan(1000);
    expect(closed.closedAt).toBe(soon);
  });

  test('the teacher extends the open poll: every client gets the new deadline with the server clock, and the poll takes answers past the old one', async () => {
    const poll = await createPoll(node, room, choice('Extended?'));
    const teacher = await join(room.teacherToken);
    const s = await join(room.students[3].token);
    const from = s.frames.length;
    const teacherFrom = teacher.frames.length;
    await node.call('POST', `/api/polls/${poll.id}/open`, {
      token: room.teacherToken,
      body: { timerSeconds: 5 },
    });
    const opened = await s.next('poll.opened', (m) => m.poll.id === poll.id, 5000, from);
    const extendedAt = Date.now();
    teacher.send({ type: 'poll.extend', pollId: poll.id, seconds: 30 });
    for (const c of [s, teacher]) {
      const extended = await c.next(
        'poll.extended',
        (m) => m.pollId === poll.id,
        5000,
        c === s ? from : teacherFrom,
      );
      expect(extended.closesAt).toBe(opened.closesAt! + 30_000);
      expect(extended.version).toBeGreaterThan(opened.version);
      expect(Math.abs(extended.now - extendedAt)).toBeLessThan(2000);
    }
    const [row] = await node.deps.database.query<{ closes_at: Date }>(
      'SELECT closes_at FROM polls WHERE id = $1',
      [poll.id],
    );
    expect(new Date(row.closes_at).getTime()).toBe(opened.closesAt! + 30_000);
    // Past the old deadline: the timer set for it must have been moved (the sweeper runs every second).
    while (Date.now() < opened.closesAt! + 1500) await Bun.sleep(20);
    const id = uuid();
    choose(s, poll.id, 'a', id);
    await s.next('vote.accepted', (m) => m.clientMsgId === id);
    expect(s.frames.slice(from).some((m) => m.type === 'poll.closed')).toBe(false);
  });

  test('answer changes: replaced when the poll allows it, answer_locked when it does not', async () => {
    for (const allow of [true, false]) {
      const poll = await createPoll(node, room, choice(`Change ${allow}?`, { allowAnswerChange: allow }));
      const s = await join(room.students[2].token);
      const from = s.frames.length;
      await node.call('POST', `/api/polls/${poll.id}/open`, { token: room.teacherToken, body: {} });
      await s.next('poll.opened', (m) => m.poll.id === poll.id, 5000, from);
      const first = uuid();
      choose(s, poll.id, 'a', first);
      await s.next('vote.accepted', (m) => m.clientMsgId === first);
      const second = uuid();
      choose(s, poll.id, 'b', second);
      const reply = await s.next(allow ? 'vote.accepted' : 'vote.rejected', (m) => m.clientMsgId === second);
      if (!allow)
        expect((reply as Extract<ServerMessage, { type: 'vote.rejected' }>).code).toBe('answer_locked');
      const [row] = await node.deps.database.query<{ v: string }>(
        `SELECT value->>'optionId' AS v FROM responses WHERE poll_id = $1`,
        [poll.id],
      );
      expect(row.v).toBe(allow ? 'b' : 'a');
    }
  });

  test('invalid votes are rejected naming the problem, and nothing is written', async () => {
    const poll = await createPoll(node, room, {
      prompt: 'Pick two',
      content: {
        type: 'multiple_choice',
        options: [
          { id: 'x', text: 'X' },
          { id: 'y', text: 'Y' },
          { id: 'z', text: 'Z' },
        ],
        minSelections: 2,
        maxSelections: 2,
      },
    });
    const s = await join(room.students[3].token);
    const from = s.frames.length;
    await node.call('POST', `/api/polls/${poll.id}/open`, { token: room.teacherToken, body: {} });
    await s.next('poll.opened', (m) => m.poll.id === poll.id, 5000, from);
    const cases: [unknown, string][] = [
      [{ type: 'multiple_choice', optionIds: ['x'] }, 'validation_failed'],
      [{ type: 'multiple_choice', optionIds: ['x', 'nope'] }, 'validation_failed'],
      [{ type: 'single_choice', optionId: 'x' }, 'validation_failed'],
    ];
    for (const [value, code] of cases) {
      const id = uuid();
      s.send({ type: 'vote.cast', pollId: poll.id, value, clientMsgId: id });
      expect((await s.next('vote.rejected', (m) => m.clientMsgId === id)).code).toBe(code as never);
    }
    s.send('{nope');
    expect((await s.next('error', (m) => m.code === 'malformed_json', 5000, from)).code).toBe(
      'malformed_json',
    );
    s.send({
      type: 'vote.cast',
      pollId: 'not-a-uuid',
      value: { type: 'true_false', value: true },
      clientMsgId: 'x',
    });
    expect((await s.next('error', (m) => m.field === 'pollId', 5000, from)).code).toBe('validation_failed');
    s.send({ type: 'poll.close', pollId: poll.id });
    expect((await s.next('error', (m) => m.code === 'forbidden', 5000, from)).code).toBe('forbidden');
    const rows = await node.deps.database.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM responses WHERE poll_id = $1',
      [poll.id],
    );
    expect(rows[0].n).toBe(0);
    expect(s.closeCode).toBeNull();
  });

  test('frames before hello close the socket with 4501; a hello for another session is refused', async () => {
    const c = await Client.connect(node.wsUrl);
    c.send({ type: 'ping' });
    await c.closed;
    expect(c.closeCode).toBe(4501);
    const other = await classroom(node, 0);
    const d = await Client.connect(node.wsUrl);
    d.send({ type: 'hello', protocolVersion: 1, token: room.students[0].token, sessionId: other.sessionId });
    await d.closed;
    expect(d.closeCode).toBe(4503);
  });

  test('reconnecting restores the open poll, my answer and the time left', async () => {
    const poll = await createPoll(node, room, choice('Reconnect?'));
    await node.call('POST', `/api/polls/${poll.id}/open`, {
      token: room.teacherToken,
      body: { timerSeconds: 120 },
    });
    const s = await join(room.students[0].token);
    const id = uuid();
    choose(s, poll.id, 'c', id);
    await s.next('vote.accepted', (m) => m.clientMsgId === id);
    s.close();
    const again = await Client.connect(node.wsUrl);
    clients.push(again);
    const snap = await again.hello(room.students[0].token, room.sessionId);
    expect(snap.openPoll?.id).toBe(poll.id);
    expect(snap.myAnswer).toEqual({ type: 'single_choice', optionId: 'c' });
    expect(snap.timeLeftMs).toBeGreaterThan(100_000);
    expect(snap.timeLeftMs).toBeLessThanOrEqual(120_000);
    expect(snap.seq).toBe(1);
  });

  test('results frames are coalesced: at most ~10 per second, the last one has the final counts', async () => {
    const many = await classroom(node, 40);
    const poll = await createPoll(node, many, choice('Burst?'));
    await node.call('POST', `/api/polls/${poll.id}/open`, { token: many.teacherToken, body: {} });
    const watcher = await join(many.teacherToken, many.sessionId);
    const students = await Promise.all(many.students.map((s) => join(s.token, many.sessionId)));
    const from = watcher.frames.length;
    const t0 = performance.now();
    await Promise.all(
      students.map(async (c, i) => {
        const id = uuid();
        choose(c, poll.id, i % 2 ? 'a' : 'b', id);
        await c.next('vote.accepted', (m) => m.clientMsgId === id);
      }),
    );
    const final = await watcher.next('results.updated', (m) => m.answeredCount === 40, 5000, from);
    const elapsed = performance.now() - t0;
    const frames = watcher.frames.slice(from).filter((f) => f.type === 'results.updated');
    expect(frames.length).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 1);
    expect(final.results).toMatchObject({
      total: 40,
      options: [
        { id: 'a', count: 20 },
        { id: 'b', count: 20 },
        { id: 'c', count: 0 },
      ],
    });
  });

  test('stopping the session closes the open poll and ends every socket with 4509', async () => {
    const s = await join(room.students[1].token);
    const t = await join(room.teacherToken);
    const open = await eventually(async () =>
      (
        await node.call('GET', `/api/sessions/${room.sessionId}/polls`, { token: room.teacherToken })
      ).body.polls.find((p: { status: string }) => p.status === 'open'),
    );
    t.send({ type: 'session.stop' });
    await s.next('poll.closed', (m) => m.pollId === open.id);
    await s.next('session.ended');
    await s.closed;
    expect(s.closeCode).toBe(4509);
    const again = await Client.connect(node.wsUrl);
    again.send({
      type: 'hello',
      protocolVersion: 1,
      token: room.students[1].token,
      sessionId: room.sessionId,
    });
    await again.closed;
    expect(again.closeCode).toBe(4505);
  });
});
