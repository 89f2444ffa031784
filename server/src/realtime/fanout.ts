/**
 * Delivers a room's broadcasts to its connections in order, a turn of the event loop at a time.
 *
 * A socket write costs microseconds (a system call each), so one frame to 5,000 students holds the
 * event loop for tens of milliseconds; votes arriving meanwhile would wait for it, and their
 * acknowledgements with them. A broadcast is therefore written in turns of a few milliseconds
 * (`turnMs`) with the event loop let through between them (`setImmediate`: I/O first). Broadcasts
 * queue behind each other, so every connection still receives frames in the order they were
 * broadcast; a room written within one turn is served at once, synchronously (unless work is waiting
 * to go before the turn: see `turnFor`). A broadcast that can rebuild its messages (results frames)
 * does so at the start of every turn that writes it, so the class it has not reached yet gets the
 * newest state (decision 0013).
 *
 * A message is serialised once per build; frames carrying the server clock (`now`) have it spliced in
 * per chunk of CLOCK_EVERY connections, so `now` is the time the frame left (clients derive their
 * clock offset, and with it every countdown, from it).
 */
import type { OutgoingMessage } from '@handsup/protocol';
import { type Conn, prepare, sendPrepared } from './connection.ts';
import { messagesOut } from './metrics.ts';
import type { StorageKind } from '../storage/database.ts';

/**
 * Writes between two readings of the clock (~0.3 ms of socket writes at ~10 µs each): a turn writes
 * a multiple of this many connections, then stops once its time (`turnMs`) is up.
 */
export const CLOCK_EVERY = 32;

const monotonic = () => performance.now();

/** How a room's broadcasts take turns with the rest of the server's work. */
export interface Turns {
  /** How long one turn of the event loop writes, in ms. */
  turnMs: number;
  /** A monotonic clock in ms, for the turn's time limit (tests give their own). */
  clock?: () => number;
  /**
   * Work that goes before each turn, or null when there is none; the turn waits for what it returns.
   * Embedded, that is the vote batch waiting for its commit.
   */
  beforeTurn?: () => Promise<unknown> | null;
}

/** What `turnFor` needs of the vote store: writing what is queued now (vote-store.ts). */
export interface QueuedVotes {
  flushQueued(): Promise<void> | null;
}

/**
 * The turns for a storage engine. The turn is a time — what a vote arriving during a broadcast waits
 * for is how long the turn holds the event loop, and what a socket write costs differs from machine
 * to machine (~11 µs on the 2-vCPU VM of 2026-11-27).
 *
 * Embedded (decisions 0010 and 0012), PGlite commits a vote batch on this thread, so a batch costs
 * the broadcast the same wherever it falls; it goes BEFORE each turn — the votes read since the last
 * turn are committed and acknowledged, then the turn writes — instead of after it, when their batch
 * timer fires. Turns are 10 ms (~900 sockets on that VM): every turn lets a commit in and stretches
 * the broadcast, so shorter turns trade visibility for acknowledgement time (eight alternating pairs:
 * 256-socket turns, answer->visible p99 median 276 ms and ack p99 48; 10 ms turns, 225 and 66).
 *
 * On PostgreSQL the commit happens in another process and comes back as a reply that waits behind the
 * turn being written: short turns (1.5 ms, the 128 sockets measured best: ack p99 68–100 against
 * 117–120 with 512 and 181 with 1,024), and nothing before them — waiting for a round trip before
 * every turn would stall the broadcast, and sending the batch early measured no better.
 */
export const turnFor = (storage: StorageKind, votes: QueuedVotes): Turns =>
  storage === 'postgres' ? { turnMs: 1.5 } : { turnMs: 10, beforeTurn: () => votes.flushQueued() };

type Frames = { teacher: OutgoingMessage | null; student: OutgoingMessage | null };

type Job = Frames & {
  conns: Conn[];
  next: number;
  /** Runs once every connection of the job was written to (e.g. close them after `session.ended`). */
  done?: () => void;
  /** Whether a newer 'latest' broadcast may take this job's place while it waits (results frames). */
  latest: boolean;
  /**
   * Rebuilds the messages from the state of the moment (results frames), or null to keep the ones it
   * has — nothing changed, or the state moved on in a way the queued frames must not skip. Asked at
   * the start of every turn that writes the job: a frame that waited behind a long broadcast goes out
   * with the newest counts, and so does the rest of a class still being written when answers come in.
   */
  refresh?: () => Frames | null;
  /** Whether the messages were built this very tick (the job is being written as soon as queued). */
  fresh: boolean;
  /** The messages serialised without `now` (see `stamped`), built on first use. */
  bodies: { teacher: string | null; student: string | null } | null;
};

export class Fanout {
  private readonly queue: Job[] = [];
  private scheduled = false;
  private stopped = false;

  constructor(
    private readonly members: () => Set<Conn>,
    private readonly now: () => number,
    /** The teachers among the members: a frame for teachers only is not a pass over the whole class. */
    private readonly teachers: () => Set<Conn> = members,
    private readonly turns: Turns,
  ) {}

  /**
   * Queues one message per audience; `student` null means students get nothing. With `latest`, the
   * message supersedes a `latest` broadcast still waiting at the end of the queue (nothing of it
   * written yet): a room whose frames take longer to write than the coalescing interval gets the
   * newest results next, not a backlog of stale ones.
   */
  broadcast(
    teacher: OutgoingMessage | null,
    student: OutgoingMessage | null,
    done?: () => void,
    mode: 'queue' | 'latest' = 'queue',
    refresh?: Job['refresh'],
  ): void {
    const latest = mode === 'latest';
    const last = this.queue.at(-1);
    if (latest && last?.latest && last.next === 0 && this.queue.length > 1) {
      const before = last.done;
      last.teacher = teacher;
      last.student = student;
      last.refresh = refresh;
      last.bodies = null;
      last.conns = [...(student ? this.members() : this.teachers())];
      last.done = () => {
        before?.();
        done?.();
      };
      return;
    }
    if (teacher) messagesOut.inc({ type: teacher.type });
    if (student) messagesOut.inc({ type: student.type });
    const to = student ? this.members() : this.teachers();
    this.queue.push({
      teacher,
      student,
      conns: [...to],
      next: 0,
      done,
      latest,
      refresh,
      // An empty queue means the job is written now, from the state it was just built from: a
      // refresh before its first turn would build the same frames a second time.
      fresh: this.queue.length === 0,
      bodies: null,
    });
    if (!this.scheduled) this.drain();
  }

  /** True while broadcasts are still being written. */
  get busy(): boolean {
    return this.queue.length > 0;
  }

  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
  }

  private drain(): void {
    const first = this.turns.beforeTurn?.();
    if (first) {
      // The turn follows once it is done (embedded: within this tick, a commit settles in microtasks).
      this.scheduled = true;
      const turn = () => this.turn();
      first.then(turn, turn);
      return;
    }
    this.turn();
  }

  private turn(): void {
    this.scheduled = false;
    const clock = this.turns.clock ?? monotonic;
    const { turnMs } = this.turns;
    const started = clock();
    let renewed: Job | null = null;
    while (this.queue.length && !this.stopped) {
      const job = this.queue[0];
      if (job !== renewed) {
        this.renew(job);
        renewed = job;
      }
      this.write(job, Math.min(job.conns.length, job.next + CLOCK_EVERY));
      if (job.next >= job.conns.length) {
        this.queue.shift();
        job.done?.();
      }
      if (clock() - started >= turnMs) break;
    }
    if (this.queue.length && !this.stopped) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  /** Once per turn that writes the job: the newest messages, if it has a way to build them. */
  private renew(job: Job): void {
    if (job.fresh) {
      job.fresh = false;
      return;
    }
    const fresh = job.refresh?.();
    if (!fresh) return;
    job.teacher = fresh.teacher;
    job.student = fresh.student;
    job.bodies = null;
  }

  private write(job: Job, end: number): void {
    job.bodies ??= { teacher: body(job.teacher), student: body(job.student) };
    const { teacher, student } = job.bodies;
    const members = this.members();
    let t: string | null = null;
    let s: string | null = null;
    for (; job.next < end; job.next++) {
      const c = job.conns[job.next];
      if (!members.has(c)) continue; // left since the broadcast was queued
      if (c.state?.role === 'teacher') {
        if (teacher === null) continue;
        t ??= this.stamped(job.teacher, teacher);
        sendPrepared(c, t);
      } else if (student !== null) {
        s ??= this.stamped(job.student, student);
        sendPrepared(c, s);
      }
    }
  }

  /** The message as sent from this chunk: the server's clock of now spliced in, if it carries one. */
  private stamped(message: OutgoingMessage | null, prepared: string): string {
    return message && 'now' in message ? `"now":${this.now()},${prepared}` : prepared;
  }
}

/**
 * A message serialised once per build, without its `now` (spliced in per chunk by `stamped`), in the
 * form `sendPrepared` takes; null when the audience gets nothing.
 */
const body = (message: OutgoingMessage | null): string | null => {
  if (!message) return null;
  if (!('now' in message)) return prepare(message);
  const { now: _, ...rest } = message as OutgoingMessage & { now: number };
  return prepare(rest);
};
