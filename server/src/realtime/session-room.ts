/**
 * One session as seen by this node: its live state, the poll on screen with its exact tally
 * (shown-poll.ts), and the local connections. It applies bus events (dropping any older than its state
 * version) and turns them into frames per audience; results frames and the teachers' presence frames
 * are paced by room-results.ts and room-presence.ts. Over Redis, whose pub/sub may drop an event, an
 * open poll's tally is also rebuilt every maintenance pass (from the cache) and every
 * DATABASE_RECOUNT_EVERY passes from the database; the in-process bus drops nothing, so the embedded
 * shape needs neither.
 */
import { AppError, type ClientMessageOf, ERROR_CATALOG, type OutgoingMessage } from '@handsup/protocol';
import type { Poll } from '../domain/polls/index.ts';
import type { AppDeps } from '../http/context.ts';
import type { SessionEvent, StateEvent, VoteRecord } from '../modules/polls/events.ts';
import type { PollLifecycle } from '../modules/polls/lifecycle-service.ts';
import { pollFromJson } from '../modules/polls/poll-rows.ts';
import type { VoteStore } from '../modules/polls/vote-store.ts';
import { type Conn, send } from './connection.ts';
import { Fanout, turnFor } from './fanout.ts';
import * as frames from './frames.ts';
import { type LiveState, loadLiveState, loadVersion } from './live-state.ts';
import { RoomPresence } from './room-presence.ts';
import { RoomResults } from './room-results.ts';
import { RoundAnswers } from './round-answers.ts';
import { type Shown, ShownPoll } from './shown-poll.ts';
import { castVote, type VoteReply } from './vote-intake.ts';

export type RoomContext = {
  deps: Pick<AppDeps, 'database' | 'crossNode' | 'clock' | 'log' | 'nodeId'>;
  lifecycle: PollLifecycle;
  votes: VoteStore;
  /** Milliseconds between maintenance passes (version check, recount of an open poll, presence). */
  maintenanceMs: number;
};

/** Over Redis, an open poll's tally is rebuilt from the database every this many maintenance passes. */
const DATABASE_RECOUNT_EVERY = 6;

export class SessionRoom {
  readonly conns = new Set<Conn>();
  /** The teachers among `conns`: teacher-only frames (presence) go to them without a pass over the class. */
  private readonly teachers = new Set<Conn>();
  state!: LiveState;
  private readonly shown: ShownPoll;
  /** Maintenance passes with a poll open (every DATABASE_RECOUNT_EVERY-th recounts from the database). */
  private passes = 0;
  readonly answers: RoundAnswers;
  private pending: SessionEvent[] | null = [];
  private deadline: ReturnType<typeof setTimeout> | null = null;
  private maintenance: ReturnType<typeof setInterval> | null = null;
  private unsubscribe: (() => Promise<void>) | null = null;
  private disposed = false;
  private readonly results: RoomResults;
  private readonly presence: RoomPresence;
  private readonly fanout: Fanout;
  readonly ready: Promise<void>;

  constructor(
    readonly sessionId: string,
    private readonly ctx: RoomContext,
    subscribe: (handler: (e: SessionEvent) => void) => Promise<() => Promise<void>>,
  ) {
    this.fanout = new Fanout(
      () => this.conns,
      () => this.now,
      () => this.teachers,
      turnFor(ctx.deps.database.kind, ctx.votes),
    );
    this.results = new RoomResults(this, this.fanout);
    this.presence = new RoomPresence(
      sessionId,
      ctx.deps.crossNode.presence,
      () => this.current?.tally.answeredParticipantIds() ?? [],
      () => this.hasTeachers,
      (frame) => this.broadcast(frame, null),
    );
    this.answers = new RoundAnswers(ctx.deps, sessionId);
    const shown = new ShownPoll(this.answers, () => this.tallyRebuilt(), ctx.deps.log, sessionId);
    this.shown = shown;
    this.ready = (async () => {
      // Subscribe before reading, so no change falls between the read and the subscription.
      this.unsubscribe = await subscribe((e) => this.onEvent(e));
      const state = await loadLiveState(ctx.deps, sessionId);
      if (!state) throw new AppError('session_unavailable', 'This session does not exist.');
      this.state = state;
      const onScreen = state.openPoll ?? state.lastClosed;
      if (onScreen) shown.show(onScreen);
      const pending = this.pending ?? [];
      this.pending = null;
      for (const e of pending) this.onEvent(e);
      this.scheduleDeadline();
      this.maintenance = setInterval(() => void this.maintain(), ctx.maintenanceMs);
    })();
    this.ready.catch(() => {});
  }

  private tallyRebuilt(): void {
    this.results.request();
    this.presence.request();
  }

  /** The poll on screen (open, or the last closed) and its tally. */
  get current(): Shown | null {
    return this.shown.current;
  }

  /** Server time (ms). */
  get now(): number {
    return this.ctx.deps.clock.now();
  }

  /** Whether any connection here receives frames. */
  get listened(): boolean {
    return this.conns.size > 0;
  }

  get hasTeachers(): boolean {
    return this.teachers.size > 0;
  }

  /** A connection that said hello (its role is known) joins the room. */
  add(conn: Conn): void {
    this.conns.add(conn);
    if (conn.state?.role === 'teacher') this.teachers.add(conn);
  }

  remove(conn: Conn): void {
    this.conns.delete(conn);
    this.teachers.delete(conn);
  }

  // ---- events ---------------------------------------------------------------------------------------

  onEvent(e: SessionEvent): void {
    if (this.disposed) return;
    if (this.pending) {
      this.pending.push(e);
      return;
    }
    if (e.kind === 'state') this.applyState(e);
    else if (e.kind === 'votes') {
      if ((e as { origin?: string }).origin !== this.ctx.deps.nodeId)
        this.applyVotes(e.pollId, e.round, e.answers);
    } else this.presence.request();
  }

  /** Votes committed (here or on another node): exact per participant, so applying twice is harmless. */
  applyVotes(pollId: string, round: number, records: VoteRecord[]): void {
    if (!this.shown.apply(pollId, round, records)) return;
    this.results.changed();
    this.presence.request();
  }

  private applyState(e: StateEvent): void {
    if (e.version <= this.state.version) return; // stale or duplicate: we already have newer state
    const gap = e.version > this.state.version + 1;
    const s = this.state;
    s.version = e.version;
    s.session.status = e.sessionStatus;
    const poll = e.poll ? pollFromJson(e.poll) : null;
    for (const c of e.closed.map(pollFromJson)) {
      if (s.openPoll?.id === c.id) s.openPoll = null;
      s.lastClosed = c;
      this.shown.update(c);
      this.closedFrames(c, e.version);
    }
    switch (e.change) {
      case 'opened':
        if (!poll) break;
        s.openPoll = poll;
        this.shown.show(poll);
        this.broadcastEach((a) => frames.pollOpened(a, s, poll, e.version, this.now));
        break;
      case 'closed':
        if (!poll) break;
        if (s.openPoll?.id === poll.id) s.openPoll = null;
        s.lastClosed = poll;
        this.shown.show(poll); // the poll on screen keeps its tally; another one is put on screen
        this.closedFrames(poll, e.version);
        // Votes committed just before the close may still be on their way from other nodes.
        setTimeout(() => void this.shown.recount(), 250);
        break;
      case 'extended':
        if (!poll) break;
        if (s.openPoll?.id === poll.id) s.openPoll = poll;
        this.shown.update(poll);
        {
          const extended = frames.pollExtended(poll, e.version, this.now);
          this.broadcast(extended, extended);
        }
        break;
      case 'released':
        if (!poll) break;
        this.replaceShown(poll);
        this.shown.update(poll);
        {
          const tally = this.shown.tallyOf(poll.id);
          this.broadcastEach((a) => frames.resultsReleased(a, s, poll, e.version, tally));
        }
        break;
      case 'updated':
      case 'cleared': {
        if (!poll) break;
        const onScreen = s.openPoll?.id === poll.id || s.lastClosed?.id === poll.id;
        if (poll.status === 'draft') {
          if (s.openPoll?.id === poll.id) s.openPoll = null;
          if (s.lastClosed?.id === poll.id) s.lastClosed = null;
        } else this.replaceShown(poll);
        if (this.current?.poll.id === poll.id) this.shown.restart(poll);
        const teacher = frames.pollUpdated('teacher', s, poll, e.version);
        this.broadcast(
          teacher,
          onScreen || poll.status !== 'draft' ? frames.pollUpdated('student', s, poll, e.version) : null,
        );
        break;
      }
      case 'deleted':
        if (poll && (s.openPoll?.id === poll.id || s.lastClosed?.id === poll.id)) {
          if (s.openPoll?.id === poll.id) s.openPoll = null;
          if (s.lastClosed?.id === poll.id) s.lastClosed = null;
          if (this.current?.poll.id === poll.id) this.shown.clear();
          void this.snapshotAll();
        }
        break;
      case 'ended': {
        s.openPoll = null;
        const ended = frames.sessionEnded(this.sessionId, e.version);
        this.broadcast(ended, ended, () => {
          for (const c of [...this.conns]) c.end(ERROR_CATALOG.session_ended.close, 'session_ended');
        });
        break;
      }
    }
    this.scheduleDeadline();
    if (gap) void this.reload();
  }

  private replaceShown(poll: Poll): void {
    if (this.state.openPoll?.id === poll.id) this.state.openPoll = poll;
    if (this.state.lastClosed?.id === poll.id) this.state.lastClosed = poll;
  }

  private closedFrames(poll: Poll, version: number): void {
    const tally = this.shown.tallyOf(poll.id);
    this.broadcastEach((a) => frames.pollClosed(a, this.state, poll, version, tally));
  }

  /** Re-reads the state from the database; on news, everyone here gets a fresh snapshot. */
  async reload(): Promise<void> {
    try {
      const state = await loadLiveState(this.ctx.deps, this.sessionId, { skipCache: true });
      if (!state || this.disposed || state.version <= this.state.version) return;
      this.state = state;
      const shown = state.openPoll ?? state.lastClosed;
      if (shown) this.shown.show(shown);
      else this.shown.clear();
      this.scheduleDeadline();
      await this.snapshotAll();
    } catch (e) {
      this.ctx.deps.log.warn('reload failed', { err: e as Error, sessionId: this.sessionId });
    }
  }

  private async maintain(): Promise<void> {
    try {
      const version = await loadVersion(this.ctx.deps, this.sessionId);
      if (version !== null && version > this.state.version) await this.reload();
      else if (this.state.openPoll && this.ctx.deps.crossNode.kind !== 'memory') {
        this.passes += 1;
        const fromDatabase = this.answers.suspect || this.passes % DATABASE_RECOUNT_EVERY === 0;
        await this.shown.recount(fromDatabase ? 'database' : 'cache');
      }
      if (this.hasTeachers) this.presence.request();
    } catch (e) {
      this.ctx.deps.log.warn('room maintenance failed', { err: e as Error, sessionId: this.sessionId });
    }
  }

  /** A precise timer for the open poll's deadline (every node's sweeper is the fallback). */
  private scheduleDeadline(): void {
    if (this.deadline) clearTimeout(this.deadline);
    this.deadline = null;
    const poll = this.state.openPoll;
    if (!poll?.closesAt || this.disposed) return;
    const wait = Math.max(0, poll.closesAt.getTime() - this.now) + 1;
    this.deadline = setTimeout(() => {
      this.deadline = null;
      this.ctx.lifecycle
        .closeDue(poll.id)
        .catch((e) => this.ctx.deps.log.warn('deadline close failed', { err: e as Error }));
    }, wait);
  }

  // ---- frames -------------------------------------------------------------------------------------

  /**
   * One message per audience, serialised once per broadcast (fanout.ts); `student` null means
   * students get nothing. `done` runs after the last connection was written to.
   */
  broadcast(teacher: OutgoingMessage | null, student: OutgoingMessage | null, done?: () => void): void {
    this.fanout.broadcast(teacher, student, done);
  }

  /** One frame per audience, built by `frame` for each. */
  private broadcastEach(frame: (audience: frames.Audience) => OutgoingMessage): void {
    this.broadcast(frame('teacher'), frame('student'));
  }

  async snapshotFor(conn: Conn): Promise<OutgoingMessage<'session.snapshot'>> {
    const st = conn.state!;
    const cur = this.current;
    const audience: frames.Audience = st.role === 'teacher' ? 'teacher' : 'student';
    const presence = audience === 'teacher' ? await this.presence.now() : undefined;
    return frames.snapshotFor(audience, this.state, {
      now: this.now,
      tally: cur?.tally ?? null,
      tallyPollId: cur?.poll.id ?? null,
      myAnswer: st.participantId && cur ? (cur.meta.get(st.participantId)?.v ?? null) : null,
      presence,
    });
  }

  async sendSnapshot(conn: Conn): Promise<void> {
    send(conn, await this.snapshotFor(conn));
  }

  private async snapshotAll(): Promise<void> {
    for (const c of [...this.conns]) if (c.state) await this.sendSnapshot(c);
  }

  // ---- votes --------------------------------------------------------------------------------------

  /** A student's answer to the poll on screen (vote-intake.ts); the reply is the student's frame. */
  castVote(conn: Conn, msg: ClientMessageOf<'vote.cast'>): Promise<VoteReply> {
    return castVote(
      { sessionId: this.sessionId, current: this.current, now: this.now, votes: this.ctx.votes },
      conn.state!,
      msg,
    );
  }

  dispose(): void {
    this.disposed = true;
    this.shown.stop();
    this.results.stop();
    this.presence.stop();
    this.fanout.stop();
    if (this.deadline) clearTimeout(this.deadline);
    if (this.maintenance) clearInterval(this.maintenance);
    void this.unsubscribe?.().catch(() => {});
  }
}
