/**
 * Hostile input on the socket of a real server: every kind of bad frame gets a clear `error` or a close
 * with its documented code (docs/protocol.md, "Hostile input"), the server stays up, a bystander in the
 * same session keeps being served, and not one row is written anywhere.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { PROTOCOL_VERSION } from '@handsup/protocol';
import { describeStorage } from '../testing/storage-matrix.ts';
import {
  type Classroom,
  Client,
  choice,
  classroom,
  connect,
  createPoll,
  type Node,
  startNode,
} from './testing/live-kit.ts';

const uuid = () => crypto.randomUUID();

describeStorage('hostile WebSocket input', (ctx) => {
  let node: Node;
  let room: Classroom;
  let other: Classroom;
  let pollId: string;
  let otherPollId: string;
  let bystander: Client;
  let tables: string[];
  let before: Record<string, number>;
  const clients: Client[] = [];

  const counts = async () => {
    const out: Record<string, number> = {};
    for (const t of tables) {
      const [r] = await node.deps.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${t}"`);
      out[t] = r.n;
    }
    return out;
  };
  const open = async () => {
    const c = await Client.connect(node.wsUrl);
    clients.push(c);
    return c;
  };
  const student = async (i = 0) => {
    const c = await connect(node, room.students[i].token, room.sessionId);
    clients.push(c);
    return c;
  };
  /** The server is up and the bystander still gets answers (and nothing was written). */
  const unharmed = async () => {
    expect((await fetch(`${node.url}/healthz`)).status).toBe(200);
    const t = Math.floor(Math.random() * 1e9);
    bystander.send({ type: 'ping', t });
    await bystander.next('pong', (m) => m.t === t);
    expect(bystander.closeCode).toBeNull();
    expect(await counts()).toEqual(before);
  };
  const errorOf = (c: Client, from: number) =>
    c.next('error', () => true, 5000, from) as Promise<{ code: string; field?: string }>;

  beforeAll(async () => {
    node = await startNode(await ctx.open());
    room = await classroom(node, 3);
    other = await classroom(node, 1);
    pollId = (await createPoll(node, room, choice())).id;
    otherPollId = (await createPoll(node, other, choice())).id;
    const opened = await node.call('POST', `/api/polls/${pollId}/open`, {
      token: room.teacherToken,
      body: {},
    });
    expect(opened.status).toBe(200);
    bystander = await student(2);
    tables = (
      await node.deps.database.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
      )
    ).map((r) => r.table_name);
    before = await counts();
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await node?.stop();
  });

  test('a frame over the 16 KiB limit closes the socket with payload_too_large (4513)', async () => {
    const c = await student();
    c.send({ type: 'ping', t: 1, pad: 'x'.repeat(20_000) });
    await c.closed;
    expect(c.closeCode).toBe(4513);
    await unharmed();
  });

  test('a frame far over the limit (1 MiB, past the 64 KiB transport limit) is cut by the transport (1009) before it is read', async () => {
    const c = await student();
    c.send('x'.repeat(1024 * 1024));
    await c.closed;
    expect(c.closeCode).toBe(1009);
    await unharmed();
  });

  test('a binary frame closes the socket with validation_failed (4400)', async () => {
    const c = await student();
    c.ws.send(new Uint8Array([123, 34, 116, 34, 125]));
    await c.closed;
    expect(c.closeCode).toBe(4400);
    await unharmed();
  });

  test('invalid JSON gets error malformed_json and the connection stays usable', async () => {
    const c = await student();
    for (const raw of ['{', 'not json', '{"type":"ping",}', '\u0000', '[]', '"ping"', 'null']) {
      const from = c.frames.length;
      c.send(raw);
      const e = await errorOf(c, from);
      expect(['malformed_json', 'validation_failed']).toContain(e.code);
    }
    c.send({ type: 'ping', t: 7 });
    await c.next('pong', (m) => m.t === 7);
    expect(c.closeCode).toBeNull();
    await unharmed();
  });

  test('an unknown type gets error validation_failed naming the field type', async () => {
    const c = await student();
    const from = c.frames.length;
    c.send({ type: 'poll.delete_everything', pollId });
    const e = await errorOf(c, from);
    expect(e).toMatchObject({ code: 'validation_failed', field: 'type' });
    await unharmed();
  });

  test('valid JSON with wrong shapes gets error validation_failed naming the field, and writes nothing', async () => {
    const c = await student();
    const shapes: [Record<string, unknown>, string][] = [
      [
        {
          type: 'vote.cast',
          pollId: 'nope',
          value: { type: 'single_choice', optionId: 'a' },
          clientMsgId: 'x',
        },
        'pollId',
      ],
      [
        { type: 'vote.cast', pollId, value: { type: 'single_choice', optionId: 7 }, clientMsgId: 'x' },
        'value',
      ],
      [{ type: 'vote.cast', pollId, value: { type: 'single_choice', optionId: 'a' } }, 'clientMsgId'],
      [
        {
          type: 'vote.cast',
          pollId,
          value: { type: 'single_choice', optionId: 'a' },
          clientMsgId: 'x',
          extra: 1,
        },
        '',
      ],
      [{ type: 'ping', t: 'soon' }, 't'],
      [{ type: 'poll.extend', pollId, seconds: -5 }, 'seconds'],
    ];
    for (const [m, field] of shapes) {
      const from = c.frames.length;
      c.send(m);
      const e = await errorOf(c, from);
      expect(e.code).toBe('validation_failed');
      if (field) expect(e.field ?? '').toStartWith(field);
    }
    await unharmed();
  });

  test('a message before hello closes the socket with unauthenticated (4501)', async () => {
    const c = await open();
    c.send({
      type: 'vote.cast',
      pollId,
      value: { type: 'single_choice', optionId: 'a' },
      clientMsgId: uuid(),
    });
    await c.closed;
    expect(c.closeCode).toBe(4501);
    await unharmed();
  });

  test("a hello with one session's participant token for another session is closed forbidden (4503)", async () => {
    const c = await open();
    c.send({
      type: 'hello',
      protocolVersion: PROTOCOL_VERSION,
      token: room.students[0].token,
      sessionId: other.sessionId,
    });
    await c.closed;
    expect(c.closeCode).toBe(4503);
    await unharmed();
  });

  test("a vote for another session's poll is rejected, and a teacher command for another session's poll is forbidden", async () => {
    const c = await student();
    const id = uuid();
    c.send({
      type: 'vote.cast',
      pollId: otherPollId,
      value: { type: 'single_choice', optionId: 'a' },
      clientMsgId: id,
    });
    const r = await c.next('vote.rejected', (m) => m.clientMsgId === id);
    expect(r.code).toBe('poll_not_open');
    const teacher = await connect(node, room.teacherToken, room.sessionId);
    clients.push(teacher);
    const from = teacher.frames.length;
    teacher.send({ type: 'poll.close', pollId: otherPollId });
    expect((await errorOf(teacher, from)).code).toBe('forbidden');
    await unharmed();
  });

  test('a teacher command from a student is refused forbidden and changes nothing', async () => {
    const c = await student(1);
    for (const m of [
      { type: 'poll.close', pollId },
      { type: 'poll.reveal', pollId, results: true, correct: true },
      { type: 'poll.reset', pollId },
      { type: 'poll.extend', pollId, seconds: 60 },
      { type: 'session.stop' },
    ]) {
      const from = c.frames.length;
      c.send(m);
      expect((await errorOf(c, from)).code).toBe('forbidden');
    }
    const [poll] = await node.deps.database.query<{ status: string; round: number }>(
      'SELECT status, round FROM polls WHERE id = $1',
      [pollId],
    );
    expect(poll.status).toBe('open');
    await unharmed();
  });

  if (ctx.kind === 'pglite') {
    test('a flood (500 frames at once) is refused rate_limited, then closed rate_limited_terminal (4529); the bystander is served throughout', async () => {
      const c = await student();
      const frames = [
        JSON.stringify({ type: 'ping', t: 1 }),
        JSON.stringify({ type: 'snapshot.request' }),
        '{"type":"vote.cast"}',
        'garbage',
      ];
      for (let i = 0; i < 500; i++) c.ws.send(frames[i % frames.length]);
      await c.closed;
      expect(c.closeCode).toBe(4529);
      expect(c.frames.some((f) => f.type === 'error' && f.code === 'rate_limited')).toBe(true);
      await unharmed();
    });
  }
});
