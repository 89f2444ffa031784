import { describe, expect, test } from 'bun:test';
import type { ServerMessage } from '@handsup/protocol';
import { Connection, type ConnectionOptions } from './connection.ts';
import type { Transport, TransportEvents, TransportFactory } from './transport.ts';

const SID = '00000000-0000-4000-8000-000000000001';
const POLL = '00000000-0000-4000-8000-0000000000aa';

/** A transport the test drives by hand: it records what the client wrote and lets the test reply. */
class FakeTransport implements Transport {
  sent: Record<string, unknown>[] = [];
  closed = false;
  seq = 0;
  constructor(
    readonly kind: 'websocket' | 'sse',
    readonly events: TransportEvents,
  ) {}
  send(text: string) {
    this.sent.push(JSON.parse(text));
  }
  close(code = 1000, reason = '') {
    this.drop(code, reason);
  }
  open() {
    this.events.onOpen();
  }
  reply(msg: Record<string, unknown>) {
    this.events.onMessage(JSON.stringify({ seq: ++this.seq, ...msg }));
  }
  drop(code = 1006, reason = '') {
    if (this.closed) return;
    this.closed = true;
    this.events.onClose(code, reason);
  }
  welcome(now = 1_000) {
    this.open();
    this.reply({ type: 'welcome', protocolVersion: 1, connectionId: 'c', now, role: 'student' });
  }
  sentOfType(type: string) {
    return this.sent.filter((m) => m.type === type);
  }
}

function harness(extra: Partial<ConnectionOptions> = {}) {
  const made: FakeTransport[] = [];
  const factory =
    (kind: 'websocket' | 'sse'): TransportFactory =>
    (events) => {
      const t = new FakeTransport(kind, events);
      made.push(t);
      return t;
    };
  const timers: { fn: () => void; at: number; id: number }[] = [];
  let clock = 0;
  let nextId = 0;
  let ids = 0;
  const conn = new Connection({
    sessionId: SID,
    getToken: () => 'tok',
    transports: { websocket: factory('websocket'), sse: factory('sse') },
    random: () => 0.5,
    now: () => clock,
    newId: () => `m${++ids}`,
    timers: {
      setTimeout: (fn, ms) => {
        timers.push({ fn, at: clock + ms, id: ++nextId });
        return nextId;
      },
      clearTimeout: (h) => {
        const i = timers.findIndex((t) => t.id === h);
        if (i >= 0) timers.splice(i, 1);
      },
    },
    ...extra,
  });
  const received: ServerMessage[] = [];
  conn.onMessage((m) => received.push(m));
  /** Runs due timers (bounded), advancing the fake clock. */
  const advance = async (ms: number) => {
    clock += ms;
    for (let i = 0; i < 100; i++) {
      const due = timers.filter((t) => t.at <= clock).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      timers.splice(timers.indexOf(due), 1);
      due.fn();
      await Promise.resolve();
    }
    await Promise.resolve();
  };
  const last = () => made[made.length - 1]!;
  const connect = async () => {
    await Promise.resolve();
    await Promise.resolve();
  };
  return { conn, made, last, advance, received, connect, setClock: (t: number) => (clock = t) };
}

const snapshot = (version: number) => ({
  type: 'session.snapshot',
  version,
  now: 1_000,
  session: { id: SID, title: 'Biology', status: 'live', joinCode: 'ABCDEF' },
  openPoll: null,
  timeLeftMs: null,
});

describe('realtime connection', () => {
  test('says hello with the protocol version, token and session, then is open', async () => {
    const h = harness();
    h.conn.start();
    await h.connect();
    expect(h.conn.status).toBe('connecting');
    h.last().welcome();
    expect(h.last().sent[0]).toEqual({ type: 'hello', protocolVersion: 1, token: 'tok', sessionId: SID });
    expect(h.conn.status).toBe('open');
  });

  test('an answer given while disconnected is sent once after reconnect, with the same clientMsgId', async () => {
    const h = harness();
    h.conn.start();
    await h.connect();
    h.last().welcome();
    h.last().drop(1006);
    expect(h.conn.status).toBe('reconnecting');
    const id = h.conn.vote(POLL, { type: 'true_false', value: true });
    await h.advance(20_000);
    const second = h.last();
    expect(h.made.length).toBe(2);
    second.welcome();
    expect(second.sentOfType('vote.cast')).toEqual([
      { type: 'vote.cast', pollId: POLL, value: { type: 'true_false', value: true }, clientMsgId: id },
    ]);
    second.reply({ type: 'vote.accepted', clientMsgId: id, pollId: POLL });
    second.drop(1006);
    await h.advance(20_000);
    h.last().welcome();
    expect(h.last().sentOfType('vote.cast')).toEqual([]);
  });

  test('an answer sent but not acknowledged before a drop is re-sent exactly once on the next connection', async () => {
    const h = harness();
    h.conn.start();
    await h.connect();
    h.last().welcome();
    const id = h.conn.vote(POLL, { type: 'rating', value: 4 });
    expect(h.last().sentOfType('vote.cast').length).toBe(1);
    h.last().drop(1006);
    await h.advance(20_000);
    h.last().welcome();
    expect(
      h
        .last()
        .sentOfType('vote.cast')
        .map((m) => m.clientMsgId),
    ).toEqual([id]);
    await h.advance(60_000); // pings and time pass on the same connection: no second copy
    expect(h.last().sentOfType('vote.cast').length).toBe(1);
  });

  test('drops stale state and asks for a snapshot when its own frame sequence has a gap', async () => {
    const h = harness();
    h.conn.start();
    await h.connect();
    const t = h.last();
    t.welcome();
    t.reply(snapshot(5));
    t.reply({ type: 'poll.extended', version: 4, pollId: POLL, closesAt: 9_000, now: 1_000 });
    expect(h.received.map((m) => m.type)).toEqual(['welcome', 'session.snapshot']);
    t.reply({ type: 'poll.extended', version: 5, pollId: POLL, closesAt: 9_000, now: 1_000 });
    expect(h.received.map((m) => m.type)).toEqual(['welcome', 'session.snapshot', 'poll.extended']);
    t.seq += 3; // three frames lost
    t.reply({ type: 'poll.extended', version: 9, pollId: POLL, closesAt: 9_000, now: 1_000 });
    expect(t.sentOfType('snapshot.request').length).toBe(1);
  });

  test('reconnects with jittered, growing delays and tells the server the last version it applied', async () => {
    const h = harness();
    h.conn.start();
    await h.connect();
    h.last().welcome();
    h.last().reply(snapshot(7));
    h.last().drop(1006);
    await h.advance(200);
    expect(h.made.length).toBe(1); // 0.5 * 500 ms = 250 ms: not yet
    await h.advance(100);
    expect(h.made.length).toBe(2);
    h.last().drop(1006); // never opened
    await h.advance(400);
    expect(h.made.length).toBe(2); // 0.5 * 1000 ms = 500 ms
    await h.advance(200);
    expect(h.made.length).toBe(3);
    h.last().open();
    expect(h.last().sent[0]).toMatchObject({ type: 'hello', lastVersion: 7 });
  });

  test('does not reconnect after a terminal close code (kicked, session ended)', async () => {
    const h = harness();
    h.conn.start();
    await h.connect();
    h.last().welcome();
    h.last().drop(4509, 'session ended');
    await h.advance(60_000);
    expect(h.made.length).toBe(1);
    expect(h.conn.stopped).toEqual({ code: 4509, message: 'session ended' });
    expect(h.conn.status).toBe('offline');
  });

  test('falls back to SSE after WebSockets fail three times in a row, and stays there', async () => {
    const h = harness();
    h.conn.start();
    for (let i = 0; i < 3; i++) {
      await h.connect();
      h.last().drop(1006);
      await h.advance(20_000);
    }
    await h.connect();
    expect(h.made.map((t) => t.kind)).toEqual(['websocket', 'websocket', 'websocket', 'sse']);
    h.last().welcome();
    expect(h.conn.transportKind).toBe('sse');
    h.last().drop(1006);
    await h.advance(20_000);
    expect(h.last().kind).toBe('sse');
  });

  test('takes the server clock from frames and corrects pongs by half the round trip', async () => {
    const h = harness({ pingMs: 1_000 });
    h.conn.start();
    await h.connect();
    h.setClock(100);
    h.last().welcome(500_100);
    expect(h.conn.clock.offsetMs).toBe(500_000);
    await h.advance(1_000); // ping sent at local 1100
    const ping = h.last().sentOfType('ping')[0]!;
    expect(ping.t).toBe(1_100);
    await h.advance(40);
    h.last().reply({ type: 'pong', now: 501_150, t: 1_100 });
    expect(h.conn.clock.offsetMs).toBe(501_150 - 1_140 + 20);
  });

  test('treats a connection that stays silent through its pings as dead and reconnects', async () => {
    const h = harness({ pingMs: 1_000 });
    h.conn.start();
    await h.connect();
    h.last().welcome();
    await h.advance(1_000);
    await h.advance(1_000);
    await h.advance(1_000);
    expect(h.last().closed).toBe(true);
    expect(h.conn.status).toBe('reconnecting');
  });

  test('ignores frames that do not match the protocol schemas', async () => {
    const h = harness();
    h.conn.start();
    await h.connect();
    h.last().welcome();
    const warn = console.warn;
    console.warn = () => {};
    h.last().events.onMessage('{"type":"poll.opened","seq":9}');
    console.warn = warn;
    expect(h.received.map((m) => m.type)).toEqual(['welcome']);
  });
});
