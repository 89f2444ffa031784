import { describe, expect, test } from 'bun:test';
import { Value } from '@sinclair/typebox/value';
import { AnswerValue } from './answers.ts';
import { PollCreate, PollSettings, PollStudentView, PollUpdate } from './polls.ts';
import { ResultsView } from './results.ts';

const options = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `o${i}`, text: `Option ${i}` }));

describe('poll schemas', () => {
  test('a single-choice poll needs between 2 and 20 options', () => {
    const body = (n: number) => ({ prompt: 'Q?', content: { type: 'single_choice', options: options(n) } });
    expect(Value.Check(PollCreate, body(1))).toBe(false);
    expect(Value.Check(PollCreate, body(2))).toBe(true);
    expect(Value.Check(PollCreate, body(20))).toBe(true);
    expect(Value.Check(PollCreate, body(21))).toBe(false);
  });
  test('an option text is at most 200 characters and a prompt at most 500, neither blank', () => {
    const poll = (prompt: string, text: string) => ({
      prompt,
      content: {
        type: 'single_choice',
        options: [
          { id: 'a', text },
          { id: 'b', text: 'b' },
        ],
      },
    });
    expect(Value.Check(PollCreate, poll('x'.repeat(500), 'y'.repeat(200)))).toBe(true);
    expect(Value.Check(PollCreate, poll('x'.repeat(501), 'y'))).toBe(false);
    expect(Value.Check(PollCreate, poll('x', 'y'.repeat(201)))).toBe(false);
    expect(Value.Check(PollCreate, poll('   ', 'y'))).toBe(false);
  });
  test('a rating scale is 5 or 10', () => {
    for (const [scale, ok] of [
      [5, true],
      [10, true],
      [7, false],
    ] as const) {
      expect(Value.Check(PollCreate, { prompt: 'Rate', content: { type: 'rating', scale } })).toBe(ok);
    }
  });
  test('unknown fields are rejected everywhere, including inside content and settings', () => {
    expect(Value.Check(PollCreate, { prompt: 'Q', content: { type: 'true_false', extra: 1 } })).toBe(false);
    expect(
      Value.Check(PollCreate, { prompt: 'Q', content: { type: 'true_false' }, settings: { x: 1 } }),
    ).toBe(false);
    expect(Value.Check(PollCreate, { prompt: 'Q', content: { type: 'true_false' }, owner: 'me' })).toBe(
      false,
    );
  });
  test('a timer is between 5 seconds and an hour', () => {
    const s = (timerSeconds: number) => ({
      resultsVisibility: 'live',
      allowAnswerChange: true,
      anonymity: 'inherit',
      timerSeconds,
    });
    expect(Value.Check(PollSettings, s(4))).toBe(false);
    expect(Value.Check(PollSettings, s(5))).toBe(true);
    expect(Value.Check(PollSettings, s(3600))).toBe(true);
    expect(Value.Check(PollSettings, s(3601))).toBe(false);
  });
  test('an update must change something, and may clear the timer with null', () => {
    expect(Value.Check(PollUpdate, {})).toBe(false);
    expect(Value.Check(PollUpdate, { settings: { timerSeconds: null } })).toBe(true);
  });
  test('a student view cannot carry the correct answer inside its settings', () => {
    const view = {
      id: '00000000-0000-4000-8000-000000000001',
      sessionId: '00000000-0000-4000-8000-000000000002',
      position: 0,
      type: 'true_false',
      prompt: 'Q',
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
    };
    expect(Value.Check(PollStudentView, view)).toBe(true);
    const leaky = { ...view, settings: { ...view.settings, correct: { kind: 'true_false', value: true } } };
    expect(Value.Check(PollStudentView, leaky)).toBe(false);
  });
});

describe('answer schemas', () => {
  test('a word-cloud answer has 1 to 3 entries of at most 40 characters', () => {
    const w = (entries: string[]) => ({ type: 'word_cloud', entries });
    expect(Value.Check(AnswerValue, w([]))).toBe(false);
    expect(Value.Check(AnswerValue, w(['a', 'b', 'c']))).toBe(true);
    expect(Value.Check(AnswerValue, w(['a', 'b', 'c', 'd']))).toBe(false);
    expect(Value.Check(AnswerValue, w(['x'.repeat(41)]))).toBe(false);
  });
  test('an open-text answer is at most 500 characters', () => {
    expect(Value.Check(AnswerValue, { type: 'open_text', text: 'x'.repeat(500) })).toBe(true);
    expect(Value.Check(AnswerValue, { type: 'open_text', text: 'x'.repeat(501) })).toBe(false);
  });
  test('a multiple-choice answer cannot name the same option twice', () => {
    expect(Value.Check(AnswerValue, { type: 'multiple_choice', optionIds: ['a', 'a'] })).toBe(false);
  });
});

describe('results schemas', () => {
  test('each type has its own results shape', () => {
    expect(
      Value.Check(ResultsView, { type: 'true_false', total: 1, options: [{ id: 'true', count: 1 }] }),
    ).toBe(true);
    expect(
      Value.Check(ResultsView, {
        type: 'rating',
        total: 0,
        scale: 5,
        histogram: [0, 0, 0, 0, 0],
        mean: null,
        median: null,
      }),
    ).toBe(true);
    expect(
      Value.Check(ResultsView, {
        type: 'word_cloud',
        total: 1,
        distinctWords: 1,
        words: [{ text: 'a', count: 1 }],
      }),
    ).toBe(true);
  });
});
