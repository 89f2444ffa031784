/**
 * Server messages built from live state, once per audience: the teacher form (full poll, names where
 * the poll allows) and the audience form that students receive (student view: no correct answer
 * before release, results only when visible, never names or other students' answers). Everything
 * goes through the domain's view mappers (allowlists).
 */
import type { AnswerValue, OutgoingMessage, Presence, ResultsView } from '@handsup/protocol';
import {
  type Poll,
  type PollTally,
  timeLeftMs,
  toPollView,
  toResultsView,
  type Viewer,
} from '../domain/polls/index.ts';
import type { LiveState } from './live-state.ts';

export type Audience = 'teacher' | 'student';

export const viewerFor = (audience: Audience, state: LiveState): Viewer => ({
  role: audience,
  sessionAnonymity: state.session.anonymity,
});

/** Results for this audience, or undefined when it may not see them. */
export const resultsFor = (
  audience: Audience,
  state: LiveState,
  poll: Poll,
  tally: PollTally | null,
): ResultsView | undefined => {
  if (!tally) return undefined;
  return toResultsView(tally.results(), poll, viewerFor(audience, state)) ?? undefined;
};

export const snapshotFor = (
  audience: Audience,
  state: LiveState,
  opts: {
    now: number;
    tally: PollTally | null;
    tallyPollId: string | null;
    myAnswer?: AnswerValue | null;
    presence?: Presence;
  },
): OutgoingMessage<'session.snapshot'> => {
  const viewer = viewerFor(audience, state);
  const { id, title, status, joinCode } = state.session;
  const shown = state.openPoll ?? state.lastClosed;
  const msg: OutgoingMessage<'session.snapshot'> = {
    type: 'session.snapshot',
    version: state.version,
    now: opts.now,
    session: { id, title, status, joinCode },
    openPoll: state.openPoll ? toPollView(state.openPoll, viewer) : null,
    timeLeftMs: state.openPoll ? timeLeftMs(state.openPoll, new Date(opts.now)) : null,
  };
  if (!state.openPoll) msg.closedPoll = state.lastClosed ? toPollView(state.lastClosed, viewer) : null;
  if (audience === 'student') msg.myAnswer = opts.myAnswer ?? null;
  if (shown && opts.tallyPollId === shown.id)
    msg.results = resultsFor(audience, state, shown, opts.tally) ?? null;
  if (opts.presence && audience === 'teacher') msg.presence = opts.presence;
  return msg;
};

export const resultsUpdated = (
  audience: Audience,
  state: LiveState,
  poll: Poll,
  tally: PollTally,
  now: number,
): OutgoingMessage<'results.updated'> | null => {
  const results = resultsFor(audience, state, poll, tally);
  if (!results) return null;
  return {
    type: 'results.updated',
    version: state.version,
    pollId: poll.id,
    round: poll.round,
    results,
    answeredCount: tally.answeredCount,
    now,
  };
};

export const pollClosed = (
  audience: Audience,
  state: LiveState,
  poll: Poll,
  version: number,
  tally: PollTally | null,
): OutgoingMessage<'poll.closed'> => {
  const msg: OutgoingMessage<'poll.closed'> = {
    type: 'poll.closed',
    version,
    pollId: poll.id,
    round: poll.round,
    closedAt: (poll.closedAt ?? new Date()).getTime(),
  };
  const results = resultsFor(audience, state, poll, tally);
  if (results) msg.results = results;
  return msg;
};

export const pollOpened = (
  audience: Audience,
  state: LiveState,
  poll: Poll,
  version: number,
  now: number,
): OutgoingMessage<'poll.opened'> => ({
  type: 'poll.opened',
  version,
  poll: toPollView(poll, viewerFor(audience, state)),
  closesAt: poll.closesAt ? poll.closesAt.getTime() : null,
  now,
});

export const pollUpdated = (
  audience: Audience,
  state: LiveState,
  poll: Poll,
  version: number,
): OutgoingMessage<'poll.updated'> => ({
  type: 'poll.updated',
  version,
  poll: toPollView(poll, viewerFor(audience, state)),
});

export const resultsReleased = (
  audience: Audience,
  state: LiveState,
  poll: Poll,
  version: number,
  tally: PollTally | null,
): OutgoingMessage<'results.released'> => {
  const msg: OutgoingMessage<'results.released'> = {
    type: 'results.released',
    version,
    pollId: poll.id,
    round: poll.round,
    resultsReleased: poll.resultsReleased,
    correctReleased: poll.correctReleased,
  };
  const results = resultsFor(audience, state, poll, tally);
  if (results) msg.results = results;
  if ((audience === 'teacher' || poll.correctReleased) && poll.settings.correct)
    msg.correct = poll.settings.correct;
  return msg;
};

/** The same for every audience: the open poll's new deadline. */
export const pollExtended = (poll: Poll, version: number, now: number): OutgoingMessage<'poll.extended'> => ({
  type: 'poll.extended',
  version,
  pollId: poll.id,
  closesAt: poll.closesAt?.getTime() ?? 0,
  now,
});

/** The same for every audience: the session was stopped (its connections are closed after it). */
export const sessionEnded = (sessionId: string, version: number): OutgoingMessage<'session.ended'> => ({
  type: 'session.ended',
  version,
  sessionId,
});
