import { describe, expect, test } from 'bun:test';
import type { AnyPollView, ServerMessage } from '@handsup/protocol';
import { answerGiven, initialLiveState, type LiveState, reduce } from './live-state.ts';

const SID = '00000000-0000-4000-8000-000000000001';
const P1 = '00000000-0000-4000-8000-0000000000a1';
const P2 = '00000000-0000-4000-8000-0000000000a2';

const poll = (id: string, over: Partial<AnyPollView> = {}): AnyPollView =>
  ({
    id,
    sessionId: SID,
    position: 0,
    type: 'true_false',
    prompt: 'Is water wet?',
    content: { type: 'true_false' },
    status: 'open',
    round: 1,
    openedAt: 1,
    closesAt: null,
    closedAt: null,
    resultsReleased: false,
    correctReleased: false,
    audienceSeesResults: true,
    settings: { resultsVisibility: 'live', allowAnswerChange: true, anonymity: 'inherit' },
    ...over,
  }) as AnyPollView;

const run = (msgs: Record<string, unknown>[], from: LiveState = initialLiveState) =>
  msgs.reduce((s, m, i) => reduce(s, { seq: i + 1, ...m } as ServerMessage), from);

const snapshot = (over: Record<string, unknown> = {}) => ({
  type: 'session.snapshot',
  version: 1,
  now: 10_000,
  session: { id: SID, title: 'Bio', status: 'live', joinCode: 'ABCDEF' },
  openPoll: poll(P1),
  timeLeftMs: 30_000,
  ...over,
});
const tally = (yes: number) => ({
  type: 'true_false',
  total: yes,
  options: [
    { id: 'true', count: yes },
    { id: 'false', count: 0 },
  ],
});

describe('live state', () => {
  test('a reconnect snapshot restores the open poll, my answer and the deadline on the server clock', () => {
    const s = run([snapshot({ myAnswer: { type: 'true_false', value: true } })]);
    expect(s.poll?.id).toBe(P1);
    expect(s.answer).toBe('received');
    expect(s.myAnswer).toEqual({ type: 'true_false', value: true });
    expect(s.closesAt).toBe(40_000);
  });

  test('an answer is pending until the server acknowledges it by clientMsgId', () => {
    let s = run([snapshot()]);
    s = answerGiven(s, { type: 'true_false', value: false }, 'm1');
    expect(s.answer).toBe('pending');
    s = run([{ type: 'vote.accepted', clientMsgId: 'other', pollId: P1 }], s);
    expect(s.answer).toBe('pending');
    s = run([{ type: 'vote.accepted', clientMsgId: 'm1', pollId: P1 }], s);
    expect(s.answer).toBe('received');
    expect(s.myAnswer).toEqual({ type: 'true_false', value: false });
  });

  test('an answer in flight survives a reconnect snapshot of the same poll', () => {
    let s = answerGiven(run([snapshot()]), { type: 'true_false', value: true }, 'm1');
    s = run([snapshot({ version: 2 })], s);
    expect(s.answer).toBe('pending');
  });

  test('a new poll clears the previous answer, results and correct answer', () => {
    let s = run([snapshot({ myAnswer: { type: 'true_false', value: true }, results: tally(3) })]);
    s = run([{ type: 'poll.opened', version: 2, poll: poll(P2), closesAt: null, now: 1 }], s);
    expect(s.myAnswer).toBeNull();
    expect(s.results).toBeNull();
    expect(s.answer).toBe('none');
  });

  test('results for another poll or an older round are ignored', () => {
    let s = run([snapshot()]);
    s = run(
      [
        {
          type: 'results.updated',
          version: 3,
          pollId: P2,
          round: 1,
          results: tally(9),
          answeredCount: 9,
          now: 1,
        },
      ],
      s,
    );
    expect(s.results).toBeNull();
    s = run(
      [
        {
          type: 'results.updated',
          version: 4,
          pollId: P1,
          round: 1,
          results: tally(2),
          answeredCount: 2,
          now: 1,
        },
      ],
      s,
    );
    expect(s.answeredCount).toBe(2);
  });

  test('closing keeps the poll on screen, stops the countdown and settles an answer still in flight', () => {
    let s = answerGiven(run([snapshot()]), { type: 'true_false', value: true }, 'm1');
    s = run([{ type: 'poll.closed', version: 2, pollId: P1, round: 1, closedAt: 5, results: tally(1) }], s);
    expect(s.poll?.status).toBe('closed');
    expect(s.closesAt).toBeNull();
    expect(s.poll?.audienceSeesResults).toBe(true);
    expect(s.answer).toBe('rejected');
    expect(s.results?.total).toBe(1);
  });

  test('the teacher revealing the correct answer shows it; withdrawing hides it again', () => {
    let s = run([snapshot()]);
    s = run(
      [
        {
          type: 'results.released',
          version: 2,
          pollId: P1,
          round: 1,
          resultsReleased: true,
          correctReleased: true,
          correct: { kind: 'true_false', value: true },
        },
      ],
      s,
    );
    expect(s.correct).toEqual({ kind: 'true_false', value: true });
    expect(s.poll?.correctReleased).toBe(true);
    expect(s.poll?.audienceSeesResults).toBe(true);
    s = run(
      [
        {
          type: 'results.released',
          version: 3,
          pollId: P1,
          round: 1,
          resultsReleased: true,
          correctReleased: false,
        },
      ],
      s,
    );
    expect(s.correct).toBeNull();
  });

  test('a reset to a new round clears answers and results', () => {
    let s = run([snapshot({ myAnswer: { type: 'true_false', value: true }, results: tally(1) })]);
    s = run([{ type: 'poll.updated', version: 2, poll: poll(P1, { status: 'draft', round: 2 }) }], s);
    expect(s.myAnswer).toBeNull();
    expect(s.results).toBeNull();
    expect(s.poll?.status).toBe('draft');
  });

  test('extending moves the deadline', () => {
    let s = run([snapshot()]);
    s = run([{ type: 'poll.extended', version: 2, pollId: P1, closesAt: 70_000, now: 1 }], s);
    expect(s.closesAt).toBe(70_000);
  });
});
