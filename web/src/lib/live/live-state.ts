/**
 * What a live page knows about its session, rebuilt from server messages by one pure reducer, so the
 * student, teacher and presenter pages agree on what every message means (and it is tested once).
 * `poll` is the open poll, or the last closed one still on screen; `closesAt` is on the server clock.
 */
import type {
  AnswerValue,
  AnyPollView,
  CorrectAnswer,
  Presence,
  ResultsView,
  ServerMessage,
  SnapshotSession,
} from '@handsup/protocol';

export type AnswerStatus = 'none' | 'pending' | 'received' | 'rejected';

export interface LiveState {
  session: SnapshotSession | null;
  poll: AnyPollView | null;
  results: ResultsView | null;
  answeredCount: number | null;
  /** The answer the server holds for this participant (for the current poll and round). */
  myAnswer: AnswerValue | null;
  /** An answer given but not yet acknowledged (sent, or waiting for the connection). */
  pending: { value: AnswerValue; clientMsgId: string } | null;
  answer: AnswerStatus;
  rejection: string | null;
  correct: CorrectAnswer | null;
  closesAt: number | null;
  presence: Presence | null;
  ended: boolean;
  /** The last error frame not tied to an answer (teacher commands, rate limits). */
  error: { code: string; message: string; clientMsgId?: string } | null;
  /** Bumped on every applied message; pages key announcements on it. */
  tick: number;
}

export const initialLiveState: LiveState = {
  session: null,
  poll: null,
  results: null,
  answeredCount: null,
  myAnswer: null,
  pending: null,
  answer: 'none',
  rejection: null,
  correct: null,
  closesAt: null,
  presence: null,
  ended: false,
  error: null,
  tick: 0,
};

const correctOf = (poll: AnyPollView | null): CorrectAnswer | null =>
  poll && 'correct' in poll && poll.correct ? poll.correct : null;

/** Mirrors the server's rule (views.ts audienceSeesResults), applied when a message changes its inputs. */
const audienceSees = (poll: AnyPollView): boolean => {
  if (poll.status === 'draft') return false;
  if (poll.resultsReleased) return true;
  const v = poll.settings.resultsVisibility;
  return v === 'live' || (v === 'after_close' && poll.status === 'closed');
};

const samePollRound = (s: LiveState, pollId: string, round: number) =>
  s.poll !== null && s.poll.id === pollId && s.poll.round === round;

/** A new poll (or a new round of this one) starts with no answer and no results on screen. */
const withPoll = (s: LiveState, poll: AnyPollView, closesAt: number | null): LiveState => {
  const same = s.poll?.id === poll.id && s.poll.round === poll.round;
  return {
    ...s,
    poll,
    closesAt,
    results: same ? s.results : null,
    answeredCount: same ? s.answeredCount : 0,
    myAnswer: same ? s.myAnswer : null,
    pending: same ? s.pending : null,
    answer: same ? s.answer : 'none',
    rejection: same ? s.rejection : null,
    correct: correctOf(poll) ?? (same ? s.correct : null),
  };
};

export function reduce(s: LiveState, msg: ServerMessage): LiveState {
  const next = applyMessage(s, msg);
  return next === s ? s : { ...next, tick: s.tick + 1 };
}

function applyMessage(s: LiveState, msg: ServerMessage): LiveState {
  switch (msg.type) {
    case 'session.snapshot': {
      const poll = msg.openPoll ?? msg.closedPoll ?? null;
      const mine = msg.myAnswer ?? null;
      const keepPending = s.pending && poll && s.poll?.id === poll.id && s.poll.round === poll.round;
      return {
        ...s,
        session: msg.session,
        poll,
        results: msg.results ?? null,
        answeredCount: msg.results ? msg.results.total : (msg.presence?.answered ?? null),
        myAnswer: mine,
        pending: keepPending ? s.pending : null,
        answer: keepPending ? 'pending' : mine ? 'received' : 'none',
        rejection: null,
        correct: correctOf(poll),
        closesAt: msg.openPoll && msg.timeLeftMs !== null ? msg.now + msg.timeLeftMs : null,
        presence: msg.presence ?? s.presence,
        ended: msg.session.status === 'archived',
      };
    }
    case 'poll.opened':
      return withPoll(s, msg.poll, msg.closesAt);
    case 'poll.updated':
      if (s.poll && s.poll.id !== msg.poll.id && msg.poll.status !== 'open') return s;
      return withPoll(s, msg.poll, msg.poll.status === 'open' ? msg.poll.closesAt : null);
    case 'poll.extended':
      if (s.poll?.id !== msg.pollId) return s;
      return { ...s, closesAt: msg.closesAt, poll: { ...s.poll, closesAt: msg.closesAt } };
    case 'poll.closed': {
      if (!samePollRound(s, msg.pollId, msg.round) || !s.poll) return s;
      const closed: AnyPollView = { ...s.poll, status: 'closed', closedAt: msg.closedAt };
      return {
        ...s,
        poll: { ...closed, audienceSeesResults: audienceSees(closed) },
        closesAt: null,
        results: msg.results ?? s.results,
        // An answer still in flight when the poll closed will be refused; say so rather than spin.
        answer: s.answer === 'pending' ? 'rejected' : s.answer,
        rejection: s.answer === 'pending' ? 'The poll closed before your answer arrived.' : s.rejection,
        pending: null,
      };
    }
    case 'results.updated':
      if (!samePollRound(s, msg.pollId, msg.round)) return s;
      return { ...s, results: msg.results, answeredCount: msg.answeredCount };
    case 'results.released': {
      if (!samePollRound(s, msg.pollId, msg.round) || !s.poll) return s;
      const released = {
        ...s.poll,
        resultsReleased: msg.resultsReleased,
        correctReleased: msg.correctReleased,
      };
      return {
        ...s,
        poll: { ...released, audienceSeesResults: audienceSees(released) },
        results: msg.results ?? s.results,
        correct: msg.correct ?? (msg.correctReleased ? s.correct : null),
      };
    }
    case 'vote.accepted':
      if (s.pending?.clientMsgId !== msg.clientMsgId) return s;
      return {
        ...s,
        myAnswer: msg.value ?? s.pending.value,
        pending: null,
        answer: 'received',
        rejection: null,
      };
    case 'vote.rejected':
      if (s.pending?.clientMsgId !== msg.clientMsgId) return s;
      return { ...s, pending: null, answer: 'rejected', rejection: msg.message };
    case 'presence.updated': {
      const { type: _t, seq: _s, ...presence } = msg;
      return { ...s, presence };
    }
    case 'session.ended':
      return { ...s, ended: true, closesAt: null };
    case 'error':
      return { ...s, error: { code: msg.code, message: msg.message, clientMsgId: msg.clientMsgId } };
    default:
      return s;
  }
}

/** The page gave an answer (it is on its way, or waiting for the connection). */
export const answerGiven = (s: LiveState, value: AnswerValue, clientMsgId: string): LiveState => ({
  ...s,
  pending: { value, clientMsgId },
  answer: 'pending',
  rejection: null,
  tick: s.tick + 1,
});
