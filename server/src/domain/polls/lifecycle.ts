/**
 * The poll state machine, as pure functions returning the changes to write (the service writes them
 * with a conditional UPDATE on the expected status, so two nodes cannot both win a transition).
 *
 *   draft --open--> open --close / deadline--> closed --open (reopen)--> open
 *   any   --reset--> draft, round + 1 (earlier rounds' answers are kept, the new round starts empty)
 *
 * Invalid transitions throw AppError('conflict' | 'poll_not_open').
 */
import { AppError, POLL_LIMITS } from '@handsup/protocol';
import type { Poll, PollChanges } from './poll.ts';

type Timed = Pick<Poll, 'status' | 'closesAt'>;

/** Open and not past its deadline. The server clock (`now`) is the only clock. */
export const isAcceptingAnswers = (poll: Timed, now: Date): boolean =>
  poll.status === 'open' && (poll.closesAt === null || now.getTime() < poll.closesAt.getTime());

/** Open with a deadline that has passed: whichever node sees this first closes it. */
export const isDue = (poll: Timed, now: Date): boolean =>
  poll.status === 'open' && poll.closesAt !== null && now.getTime() >= poll.closesAt.getTime();

/** Milliseconds left on the timer, never negative; null when not open or untimed. */
export const timeLeftMs = (poll: Timed, now: Date): number | null =>
  poll.status !== 'open' || poll.closesAt === null
    ? null
    : Math.max(0, poll.closesAt.getTime() - now.getTime());

const addSeconds = (d: Date, s: number) => new Date(d.getTime() + s * 1000);

/**
 * Open a draft, or reopen a closed poll (same round: answers so far are kept). The timer is
 * `timerSeconds`, else the poll's default, else none. Reopening withdraws released results and the
 * correct answer, so students cannot copy the answer into a reopened poll.
 */
export const openPoll = (poll: Poll, now: Date, timerSeconds?: number): PollChanges => {
  if (poll.status === 'open') throw new AppError('conflict', 'This poll is already open.');
  const seconds = timerSeconds ?? poll.settings.timerSeconds;
  return {
    status: 'open',
    openedAt: now,
    closesAt: seconds === undefined ? null : addSeconds(now, seconds),
    closedAt: null,
    resultsReleased: false,
    correctReleased: false,
  };
};

/** Close an open poll now (teacher), or at its deadline (`isDue`); closedAt never after the deadline. */
export const closePoll = (poll: Poll, now: Date): PollChanges => {
  if (poll.status !== 'open') throw new AppError('poll_not_open', 'This poll is not open.');
  const closedAt = poll.closesAt && poll.closesAt.getTime() < now.getTime() ? poll.closesAt : now;
  return { status: 'closed', closedAt };
};

/**
 * Add time to an open poll: to the deadline if it has one and it is still ahead, otherwise from now
 * (so extending an untimed poll starts a countdown). The deadline is never more than the maximum
 * timer away from now.
 */
export const extendPoll = (poll: Poll, now: Date, seconds: number): PollChanges => {
  if (!isAcceptingAnswers(poll, now))
    throw new AppError('poll_not_open', 'Only an open poll can be extended.');
  const from = poll.closesAt ?? now;
  const cap = now.getTime() + POLL_LIMITS.timerSecondsMax * 1000;
  return { closesAt: new Date(Math.min(from.getTime() + seconds * 1000, cap)) };
};

/**
 * Release or withdraw results and/or the correct answer; omitted `results` means release them.
 * Releasing the correct answer of a poll that has none is a conflict.
 */
export const revealPoll = (poll: Poll, opts: { results?: boolean; correct?: boolean } = {}): PollChanges => {
  if (poll.status === 'draft') throw new AppError('poll_not_open', 'A draft poll has nothing to reveal.');
  if (opts.correct && !poll.settings.correct)
    throw new AppError('conflict', 'This poll has no correct answer.');
  const changes: PollChanges = { resultsReleased: opts.results ?? true };
  if (opts.correct !== undefined) changes.correctReleased = opts.correct;
  return changes;
};

/** Start a new round: back to draft, next round number, timestamps and releases cleared. */
export const resetPoll = (poll: Poll): PollChanges => ({
  status: 'draft',
  round: poll.round + 1,
  openedAt: null,
  closesAt: null,
  closedAt: null,
  resultsReleased: false,
  correctReleased: false,
});

/** Content (type, options, scale, range) may change only in a draft: answers refer to it. */
export const canEditContent = (poll: Pick<Poll, 'status'>): boolean => poll.status === 'draft';

/** Apply changes to a poll (for in-memory state and tests). */
export const applyChanges = (poll: Poll, changes: PollChanges): Poll => ({ ...poll, ...changes });
