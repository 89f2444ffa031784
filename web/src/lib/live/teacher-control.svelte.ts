/**
 * What the live control page and the presenter view share: the session's polls (kept current from
 * live messages), the poll on screen, and the teacher's commands — open, close, next, +30 s, reveal,
 * reset, run again — sent over REST so each gets a clear answer or error.
 */
import type { ServerMessage } from '@handsup/protocol';
import {
  ApiError,
  clearPoll,
  closePoll,
  currentAccessToken,
  extendPoll,
  getSession,
  listPolls,
  newRound,
  openPoll,
  type PollView,
  revealPoll,
  type SessionView,
  startSession,
  stopSession,
} from '#lib/api/index.ts';
import { LiveSession } from './live-session.svelte.ts';
import { nextPollAfter } from './next-poll.ts';

export class TeacherControl {
  session: SessionView | null = $state(null);
  polls: PollView[] = $state([]);
  error = $state('');
  notice = $state('');
  busy = $state(false);
  readonly live: LiveSession;

  constructor(readonly sessionId: string) {
    this.live = new LiveSession({
      sessionId,
      getToken: async () => (await currentAccessToken()) ?? '',
      onMessage: (m) => this.#track(m),
    });
  }

  async load(): Promise<void> {
    try {
      const [s, p] = await Promise.all([getSession(this.sessionId), listPolls(this.sessionId)]);
      this.session = s;
      this.polls = p;
    } catch (e) {
      this.error = e instanceof ApiError ? e.message : 'Could not load the session.';
    }
  }

  /** The poll on screen (open, or last closed), in its teacher view when we have it. */
  get current(): PollView | null {
    const p = this.live.state.poll;
    if (!p) return null;
    // A teacher's connection receives teacher views (PollView); the REST copy is the same poll.
    return this.polls.find((x) => x.id === p.id) ?? (p as PollView);
  }

  get next(): PollView | null {
    return nextPollAfter(this.polls, this.live.state.poll?.id ?? null);
  }

  open = (p: PollView) => this.#run(`Opened “${p.prompt.slice(0, 60)}”.`, () => openPoll(p.id));
  close = (p: PollView) => this.#run('Poll closed.', () => closePoll(p.id));
  extend = (p: PollView, seconds = 30) =>
    this.#run(`Added ${seconds} seconds.`, () => extendPoll(p.id, seconds));
  revealResults = (p: PollView, on: boolean) =>
    this.#run(on ? 'Results shown to students.' : 'Results hidden from students.', () =>
      revealPoll(p.id, { results: on }),
    );
  revealCorrect = (p: PollView, on: boolean) =>
    this.#run(on ? 'Correct answer revealed.' : 'Correct answer hidden.', () =>
      revealPoll(p.id, { correct: on }),
    );
  reset = (p: PollView) => this.#run('Answers cleared; the poll is a draft again.', () => clearPoll(p.id));
  runAgain = (p: PollView) => this.#run('New round ready: open it when you are.', () => newRound(p.id));

  /** Go live: students can join with the code. */
  async start(): Promise<void> {
    await this.#session('The session is live: students can join.', () => startSession(this.sessionId));
  }

  /** Stop: the open poll closes and every student is told the session ended. */
  async stop(): Promise<void> {
    await this.#session('The session has stopped.', () => stopSession(this.sessionId));
  }

  async #session(done: string, fn: () => Promise<SessionView>): Promise<void> {
    this.error = '';
    try {
      this.session = await fn();
      this.notice = done;
    } catch (e) {
      this.error = e instanceof ApiError ? e.message : 'The command failed. Try again.';
    }
  }

  /** Closes the poll on screen if open, then opens the next one. */
  async goNext(): Promise<void> {
    const next = this.next;
    if (!next) {
      this.notice = 'That was the last poll.';
      return;
    }
    await this.open(next); // opening closes the open poll in the same transaction
  }

  /** Open/close toggle for a single key on the projector. */
  async toggleOpen(): Promise<void> {
    const cur = this.current;
    if (cur && this.live.state.poll?.status === 'open') await this.close(cur);
    else if (cur && this.live.state.poll?.status === 'closed') await this.open(cur);
    else await this.goNext();
  }

  async #run(done: string, fn: () => Promise<PollView>): Promise<void> {
    this.busy = true;
    this.error = '';
    try {
      this.#upsert(await fn());
      this.notice = done;
    } catch (e) {
      this.error = e instanceof ApiError ? e.message : 'The command failed. Try again.';
    } finally {
      this.busy = false;
    }
  }

  #upsert(p: PollView): void {
    this.polls = this.polls.map((x) => (x.id === p.id ? p : x));
  }

  /** Keeps the poll list's statuses in step with what the server broadcasts. */
  #track(m: ServerMessage): void {
    if (m.type === 'poll.opened' || m.type === 'poll.updated') this.#upsert(m.poll as PollView);
    if (m.type === 'poll.opened') {
      // Opening one poll closes any other: mirror it locally.
      this.polls = this.polls.map((x) =>
        x.id !== m.poll.id && x.status === 'open' ? { ...x, status: 'closed' } : x,
      );
    }
    if (m.type === 'poll.closed')
      this.polls = this.polls.map((x) =>
        x.id === m.pollId ? { ...x, status: 'closed', closedAt: m.closedAt } : x,
      );
  }
}
