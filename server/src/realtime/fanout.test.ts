import { expect, test } from 'bun:test';
import type { OutgoingMessage } from '@handsup/protocol';
import type { Conn } from './connection.ts';
import { CLOCK_EVERY, Fanout } from './fanout.ts';
import {
  chunkClock,
  ONE_CHUNK_TURNS,
  type RecordingConn,
  recordingConn as conn,
} from './testing/recording-conns.ts';

/**
 * A class of `chunks` chunks of students, served one chunk per turn, with the server clock `now`
 * (stopped unless given).
 */
const classOf = (chunks: number, now: () => number = () => 0) => {
  const members = new Set<Conn>(
    Array.from({ length: chunks * CLOCK_EVERY }, (_, i) => conn(`s${i}`, 'student')),
  );
  return {
    members,
    f: new Fanout(() => members, now, undefined, { turnMs: ONE_CHUNK_TURNS, clock: chunkClock() }),
  };
};

const presence = (connected: number) =>
  ({ type: 'presence.updated', connected, answered: 0 }) as unknown as OutgoingMessage;
const results = (n: number) =>
  ({ type: 'results.updated', answeredCount: n, now: 0 }) as unknown as OutgoingMessage;

test('a big room is written a chunk per turn, in broadcast order, each connection with its own seq', async () => {
  const members = new Set([
    conn('t', 'teacher'),
    ...Array.from({ length: 2 * CLOCK_EVERY + 10 }, (_, i) => conn(`s${i}`, 'student')),
  ]);
  let clock = 1000;
  const f = new Fanout(
    () => members,
    () => clock++,
    undefined,
    { turnMs: ONE_CHUNK_TURNS, clock: chunkClock() },
  );
  const done: number[] = [];
  f.broadcast(results(1), results(1), () => done.push(1));
  f.broadcast(results(2), results(2), () => done.push(2));
  // The first chunk went out at once; the rest waits for later turns.
  expect([...members].filter((c) => (c as RecordingConn).sent.length > 0).length).toBe(CLOCK_EVERY);
  expect(f.busy).toBe(true);
  while (f.busy) await new Promise((r) => setImmediate(r));
  expect(done).toEqual([1, 2]);
  for (const c of members) {
    const sent = (c as RecordingConn).sent;
    expect(sent.map((m) => [m.seq, m.answeredCount])).toEqual([
      [0, 1],
      [1, 2],
    ]);
  }
  // `now` is stamped when a chunk is written, not when the broadcast was queued.
  const stamps = new Set([...members].map((c) => (c as RecordingConn).sent[0].now));
  expect(stamps.size).toBeGreaterThan(1);
});

test('a teacher-only frame goes to the teachers without a pass over the class; leavers get nothing', async () => {
  const teacher = conn('t', 'teacher');
  const students = Array.from({ length: 1000 }, (_, i) => conn(`s${i}`, 'student'));
  const members = new Set<Conn>([...students, teacher]);
  const teachers = new Set<Conn>([teacher]);
  const f = new Fanout(
    () => members,
    () => 0,
    () => teachers,
    { turnMs: ONE_CHUNK_TURNS, clock: chunkClock() },
  );
  let finished = false;
  f.broadcast(presence(1000), null, () => {
    finished = true;
  });
  expect(finished).toBe(true); // one chunk: the teacher alone
  expect(teacher.sent.map((m) => m.type)).toEqual(['presence.updated']);
  expect(students.every((s) => s.sent.length === 0)).toBe(true);

  f.broadcast(results(3), results(3));
  members.delete(students[999]); // left before its chunk was written
  while (f.busy) await new Promise((r) => setImmediate(r));
  expect(students[999].sent).toEqual([]);
  expect(students[998].sent.map((m) => m.answeredCount)).toEqual([3]);
});

test('a results frame still waiting for its turn is replaced by the newer one, never queued behind it', async () => {
  const { members, f } = classOf(3);
  const done: string[] = [];
  f.broadcast(results(1), results(1), () => done.push('r1'), 'latest'); // being written
  f.broadcast(results(2), results(2), () => done.push('r2'), 'latest'); // waits
  f.broadcast(results(3), results(3), () => done.push('r3'), 'latest'); // takes r2's place
  f.broadcast(presence(12), presence(12), () => done.push('p')); // an ordinary frame queues
  f.broadcast(results(4), results(4), () => done.push('r4'), 'latest'); // behind it, not replacing r3
  while (f.busy) await new Promise((r) => setImmediate(r));
  expect(done).toEqual(['r1', 'r2', 'r3', 'p', 'r4']);
  for (const c of members) {
    const sent = (c as RecordingConn).sent;
    expect(sent.map((m) => m.answeredCount ?? m.type)).toEqual([1, 3, 'presence.updated', 4]);
    expect(sent.map((m) => m.seq)).toEqual([0, 1, 2, 3]);
  }
});

test('a results frame goes out with the counts of each turn that writes it', async () => {
  const { members, f } = classOf(3);
  let count = 1;
  let sessionChanged = false;
  let built = 0;
  const refresh = () => {
    built++;
    return sessionChanged ? null : { teacher: results(count), student: results(count) };
  };
  f.broadcast(results(1), results(1), undefined, 'latest', refresh); // starts at once: counts of now
  expect(built).toBe(0); // its first chunk is written from the frames just built, not built again
  f.broadcast(results(2), results(2), undefined, 'latest', refresh); // waits three turns
  count = 5; // answers counted while the first frame is still being written
  while (f.busy) await new Promise((r) => setImmediate(r));
  // Asked before each later turn of the first frame (2) and each turn of the waiting one (3).
  expect(built).toBe(5);
  const counts = [...members].map((c) => (c as RecordingConn).sent.map((m) => m.answeredCount));
  // The chunk written before the answers came in has them from the second frame; the rest, the first.
  expect(counts.slice(0, CLOCK_EVERY).every((got) => got.join() === '1,5')).toBe(true);
  expect(counts.slice(CLOCK_EVERY).every((got) => got.join() === '5,5')).toBe(true);

  // When the state moved on (refresh says null), the frame goes out as it was queued. (The first of
  // these two starts at once, so its first chunk goes out as built: 6.)
  f.broadcast(results(6), results(6), undefined, 'latest', refresh);
  f.broadcast(results(7), results(7), undefined, 'latest', refresh);
  sessionChanged = true;
  count = 9;
  while (f.busy) await new Promise((r) => setImmediate(r));
  for (const c of members) {
    expect((c as RecordingConn).sent.map((m) => m.answeredCount).slice(2)).toEqual([6, 7]);
  }
});

test('the server clock is spliced into a frame per chunk; the frame is serialised once per build', async () => {
  let clock = 50;
  const { members, f } = classOf(2, () => clock++);
  let serialised = 0;
  const frame = Object.assign(results(3), {
    toJSON(this: Record<string, unknown>) {
      serialised++;
      const { toJSON: _, ...plain } = this;
      return plain;
    },
  });
  f.broadcast(null, frame);
  while (f.busy) await new Promise((r) => setImmediate(r));
  expect(serialised).toBe(1); // once, for both chunks
  const sent = [...members].map((c) => (c as RecordingConn).sent[0]);
  expect(sent.every((m) => m.type === 'results.updated' && m.answeredCount === 3)).toBe(true);
  expect(sent.slice(0, CLOCK_EVERY).every((m) => m.now === 50)).toBe(true);
  expect(sent.slice(CLOCK_EVERY).every((m) => m.now === 51)).toBe(true);
});

test('a turn stops writing once its time is up; the rest of the class follows on later turns', async () => {
  const members = new Set<Conn>(Array.from({ length: 200 }, (_, i) => conn(`s${i}`, 'student')));
  let ms = 0;
  // Every reading of the turn clock finds it 1 ms later: a 3 ms turn ends at its third reading.
  const f = new Fanout(
    () => members,
    () => 0,
    undefined,
    { turnMs: 3, clock: () => ms++ },
  );
  let finished = false;
  f.broadcast(results(1), results(1), () => {
    finished = true;
  });
  const reached = () => [...members].filter((c) => (c as RecordingConn).sent.length > 0).length;
  const first = reached();
  expect(first).toBeGreaterThan(0);
  expect(first).toBeLessThan(200);
  expect(finished).toBe(false);
  await new Promise((r) => setImmediate(r));
  expect(reached()).toBeGreaterThan(first);
  while (f.busy) await new Promise((r) => setImmediate(r));
  expect(finished).toBe(true);
  expect(reached()).toBe(200);
});

test('work waiting to go before a turn goes first, and the turn waits for it', async () => {
  const members = new Set<Conn>(Array.from({ length: 3 * CLOCK_EVERY }, (_, i) => conn(`s${i}`, 'student')));
  const reached = () => [...members].filter((c) => (c as RecordingConn).sent.length > 0).length;
  let calls = 0;
  let release: () => void = () => {};
  const f = new Fanout(
    () => members,
    () => 0,
    undefined,
    {
      turnMs: ONE_CHUNK_TURNS,
      clock: chunkClock(),
      beforeTurn: () => {
        calls += 1;
        // The first turn has work to wait for; the later ones find none.
        return calls === 1 ? new Promise<void>((r) => (release = r)) : null;
      },
    },
  );
  let finished = false;
  f.broadcast(results(1), results(1), () => {
    finished = true;
  });
  await new Promise((r) => setImmediate(r));
  expect(reached()).toBe(0); // the first turn is waiting for the work before it
  release();
  await Promise.resolve();
  expect(reached()).toBe(CLOCK_EVERY); // then it writes, within the same tick
  while (f.busy) await new Promise((r) => setImmediate(r));
  expect(finished).toBe(true);
  expect(reached()).toBe(3 * CLOCK_EVERY);
  expect(calls).toBe(3); // asked before every turn
});
