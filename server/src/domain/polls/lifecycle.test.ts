import { describe, expect, test } from 'bun:test';
import {
  applyChanges,
  canEditContent,
  closePoll,
  extendPoll,
  isAcceptingAnswers,
  isDue,
  openPoll,
  resetPoll,
  revealPoll,
  timeLeftMs,
} from './lifecycle.ts';
import { at, makePoll, T0 } from './poll-fixture.ts';

const draft = makePoll({ type: 'true_false' }, { settings: { timerSeconds: 60 } });
const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return 'ok';
  } catch (e) {
    return (e as { code?: string }).code;
  }
};

describe('poll lifecycle', () => {
  test('opening a draft starts its default timer on the server clock', () => {
    expect(openPoll(draft, T0)).toEqual({
      status: 'open',
      openedAt: T0,
      closesAt: at(60),
      closedAt: null,
      resultsReleased: false,
      correctReleased: false,
    });
  });
  test('a timer given when opening overrides the default; no timer at all means no deadline', () => {
    expect(openPoll(draft, T0, 30).closesAt).toEqual(at(30));
    expect(openPoll(makePoll({ type: 'true_false' }), T0).closesAt).toBeNull();
  });
  test('an open poll cannot be opened again', () => {
    const open = applyChanges(draft, openPoll(draft, T0));
    expect(codeOf(() => openPoll(open, T0))).toBe('conflict');
  });
  test('accepts answers while open and strictly before the deadline', () => {
    const open = applyChanges(draft, openPoll(draft, T0));
    expect(isAcceptingAnswers(open, at(59.999))).toBe(true);
    expect(isAcceptingAnswers(open, at(60))).toBe(false);
    expect(isAcceptingAnswers(draft, T0)).toBe(false);
  });
  test('a poll past its deadline is due, and closing it records the deadline, not the late check', () => {
    const open = applyChanges(draft, openPoll(draft, T0));
    expect(isDue(open, at(59))).toBe(false);
    expect(isDue(open, at(61))).toBe(true);
    expect(closePoll(open, at(65))).toEqual({ status: 'closed', closedAt: at(60) });
  });
  test('the teacher closing early records the moment of closing', () => {
    const open = applyChanges(draft, openPoll(draft, T0));
    expect(closePoll(open, at(10))).toEqual({ status: 'closed', closedAt: at(10) });
    expect(codeOf(() => closePoll(draft, T0))).toBe('poll_not_open');
  });
  test('time left counts down from the deadline and never goes negative', () => {
    const open = applyChanges(draft, openPoll(draft, T0));
    expect(timeLeftMs(open, at(15))).toBe(45_000);
    expect(timeLeftMs(open, at(99))).toBe(0);
    expect(timeLeftMs(draft, T0)).toBeNull();
  });
  test('extending adds to the deadline; extending an untimed poll starts a countdown', () => {
    const open = applyChanges(draft, openPoll(draft, T0));
    expect(extendPoll(open, at(50), 30)).toEqual({ closesAt: at(90) });
    const untimed = applyChanges(makePoll({ type: 'true_false' }), { status: 'open', openedAt: T0 });
    expect(extendPoll(untimed, at(10), 30)).toEqual({ closesAt: at(40) });
  });
  test('a poll past its deadline or closed cannot be extended, and never beyond an hour from now', () => {
    const open = applyChanges(draft, openPoll(draft, T0));
    expect(codeOf(() => extendPoll(open, at(61), 30))).toBe('poll_not_open');
    const long = applyChanges(draft, openPoll(draft, T0, 3600));
    expect(extendPoll(long, at(1), 3600)).toEqual({ closesAt: at(3601) });
  });
  test('reopening a closed poll keeps the round but withdraws anything released', () => {
    const closed = makePoll(
      { type: 'true_false' },
      { status: 'closed', round: 2, resultsReleased: true, correctReleased: true },
    );
    expect(openPoll(closed, at(100))).toMatchObject({
      status: 'open',
      resultsReleased: false,
      correctReleased: false,
    });
    expect(openPoll(closed, at(100)).round).toBeUndefined();
  });
  test('reveal releases results by default and the correct answer only when asked and defined', () => {
    const withCorrect = makePoll(
      { type: 'true_false' },
      { status: 'closed', settings: { correct: { kind: 'true_false', value: true } } },
    );
    expect(revealPoll(withCorrect)).toEqual({ resultsReleased: true });
    expect(revealPoll(withCorrect, { correct: true })).toEqual({
      resultsReleased: true,
      correctReleased: true,
    });
    expect(revealPoll(withCorrect, { results: false, correct: false })).toEqual({
      resultsReleased: false,
      correctReleased: false,
    });
    const without = makePoll({ type: 'true_false' }, { status: 'closed' });
    expect(codeOf(() => revealPoll(without, { correct: true }))).toBe('conflict');
    expect(codeOf(() => revealPoll(draft))).toBe('poll_not_open');
  });
  test('reset starts a new, empty round as a draft', () => {
    const closed = makePoll(
      { type: 'true_false' },
      { status: 'closed', round: 3, openedAt: T0, closesAt: at(60), closedAt: at(60), resultsReleased: true },
    );
    expect(resetPoll(closed)).toEqual({
      status: 'draft',
      round: 4,
      openedAt: null,
      closesAt: null,
      closedAt: null,
      resultsReleased: false,
      correctReleased: false,
    });
  });
  test('content can be edited only in a draft', () => {
    expect(canEditContent(draft)).toBe(true);
    expect(canEditContent({ status: 'open' })).toBe(false);
    expect(canEditContent({ status: 'closed' })).toBe(false);
  });
});
