import { describe, expect, test } from 'bun:test';
import type { ResultsView } from '@handsup/protocol';
import { at, choices, makePoll, T0 } from './poll-fixture.ts';
import { audienceSeesResults, toPollView, toResultsView } from './views.ts';

const student = { role: 'student' } as const;
const teacher = { role: 'teacher' } as const;
const presenter = { role: 'presenter' } as const;
const quiz = (overrides: Parameters<typeof makePoll>[1] = {}) =>
  makePoll(
    { type: 'single_choice', options: choices('a', 'b') },
    {
      status: 'open',
      openedAt: T0,
      closesAt: at(60),
      ...overrides,
      settings: { correct: { kind: 'choice', optionIds: ['a'] }, timerSeconds: 60, ...overrides.settings },
    },
  );

describe('toPollView', () => {
  test('a student view of an unreleased poll has no correct answer anywhere', () => {
    const view = toPollView(quiz(), student);
    expect('correct' in view).toBe(false);
    expect(JSON.stringify(view)).not.toContain('optionIds');
  });
  test('the projector does not show the correct answer before it is released either', () => {
    expect(JSON.stringify(toPollView(quiz(), presenter))).not.toContain('optionIds');
  });
  test('a student sees the correct answer once the teacher releases it', () => {
    const view = toPollView(quiz({ status: 'closed', correctReleased: true }), student);
    expect(view).toMatchObject({ correct: { kind: 'choice', optionIds: ['a'] }, correctReleased: true });
  });
  test('a teacher always sees the correct answer, in the settings', () => {
    expect(toPollView(quiz(), teacher).settings.correct).toEqual({ kind: 'choice', optionIds: ['a'] });
  });
  test('timestamps go out as epoch milliseconds on the server clock', () => {
    expect(toPollView(quiz(), student)).toMatchObject({
      openedAt: T0.getTime(),
      closesAt: at(60).getTime(),
      closedAt: null,
    });
  });
  test('a student view carries only allowlisted fields, whatever else the record holds', () => {
    const poll = { ...quiz(), deletedAt: null, internalNote: 'x' } as ReturnType<typeof quiz>;
    expect(Object.keys(toPollView(poll, student))).not.toContain('internalNote');
  });
});

describe('results visibility', () => {
  test('live results are visible to the audience as soon as the poll is open', () => {
    expect(audienceSeesResults(quiz({ settings: { resultsVisibility: 'live' } }))).toBe(true);
  });
  test('after_close results appear to students only once the poll closes', () => {
    expect(audienceSeesResults(quiz({ settings: { resultsVisibility: 'after_close' } }))).toBe(false);
    expect(
      audienceSeesResults(quiz({ status: 'closed', settings: { resultsVisibility: 'after_close' } })),
    ).toBe(true);
  });
  test('on_reveal results appear only when released, even after closing', () => {
    const hidden = quiz({ status: 'closed', settings: { resultsVisibility: 'on_reveal' } });
    expect(audienceSeesResults(hidden)).toBe(false);
    expect(audienceSeesResults({ ...hidden, resultsReleased: true })).toBe(true);
  });
  test('nobody but the teacher sees results of a draft', () => {
    expect(audienceSeesResults(quiz({ status: 'draft' }))).toBe(false);
  });
});

describe('toResultsView', () => {
  const counts: ResultsView = {
    type: 'single_choice',
    total: 1,
    options: [
      { id: 'a', count: 1 },
      { id: 'b', count: 0 },
    ],
  };
  const texts: ResultsView = {
    type: 'open_text',
    total: 1,
    truncated: false,
    answers: [{ text: 'hi', name: 'Ada' }],
  };
  const openText = (anonymity: 'anonymous' | 'teacher_only' | 'names_shown' | 'inherit') =>
    makePoll({ type: 'open_text' }, { status: 'closed', resultsReleased: true, settings: { anonymity } });

  test('a student gets no results while they are hidden, and the teacher does', () => {
    const poll = quiz({ settings: { resultsVisibility: 'on_reveal' } });
    expect(toResultsView(counts, poll, student)).toBeNull();
    expect(toResultsView(counts, poll, teacher)).toEqual(counts);
  });
  test('students never see names on open-text answers, even with names_shown', () => {
    expect(toResultsView(texts, openText('names_shown'), student)).toMatchObject({
      answers: [{ text: 'hi' }],
    });
    expect(JSON.stringify(toResultsView(texts, openText('names_shown'), student))).not.toContain('Ada');
  });
  test('the projector shows names only when the poll says names_shown', () => {
    expect(JSON.stringify(toResultsView(texts, openText('names_shown'), presenter))).toContain('Ada');
    expect(JSON.stringify(toResultsView(texts, openText('teacher_only'), presenter))).not.toContain('Ada');
  });
  test('the teacher sees names unless the poll is anonymous; inherit follows the session', () => {
    expect(JSON.stringify(toResultsView(texts, openText('teacher_only'), teacher))).toContain('Ada');
    expect(JSON.stringify(toResultsView(texts, openText('anonymous'), teacher))).not.toContain('Ada');
    const anonymousSession = { role: 'teacher', sessionAnonymity: 'anonymous' } as const;
    expect(JSON.stringify(toResultsView(texts, openText('inherit'), anonymousSession))).not.toContain('Ada');
    expect(JSON.stringify(toResultsView(texts, openText('inherit'), teacher))).toContain('Ada');
  });
});

describe('views match the wire schemas', () => {
  test('every view and every type of results validates against protocol/', async () => {
    const { Value } = await import('@sinclair/typebox/value');
    const { PollStudentView, PollView, ResultsView } = await import('@handsup/protocol');
    const { PollTally } = await import('./tally.ts');
    const poll = quiz({ correctReleased: true, status: 'closed', closedAt: at(30) });
    expect(Value.Check(PollView, toPollView(poll, teacher))).toBe(true);
    expect(Value.Check(PollStudentView, toPollView(poll, student))).toBe(true);
    const contents = [
      poll.content,
      { type: 'multiple_choice', options: choices('a', 'b') },
      { type: 'true_false' },
      { type: 'rating', scale: 10 },
      { type: 'numeric', min: 0, max: 7, step: 0.5 },
      { type: 'word_cloud' },
      { type: 'open_text' },
    ] as const;
    for (const content of contents)
      expect(Value.Check(ResultsView, new PollTally(content).results()), content.type).toBe(true);
  });
});
