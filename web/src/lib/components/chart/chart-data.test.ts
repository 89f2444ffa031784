import { describe, expect, test } from 'bun:test';
import type { AnyPollView, ResultsView } from '@handsup/protocol';
import { choiceRows, histogramRows, summarize } from './chart-data.ts';

const base = {
  id: '00000000-0000-4000-8000-0000000000a1',
  sessionId: '00000000-0000-4000-8000-000000000001',
  position: 0,
  prompt: 'Q',
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
const choice = {
  ...base,
  type: 'single_choice',
  content: {
    type: 'single_choice',
    options: [
      { id: 'a', text: 'Paris' },
      { id: 'b', text: 'Rome' },
      { id: 'c', text: 'Oslo' },
    ],
  },
} as AnyPollView;

describe('chart numbers', () => {
  test('every option has a row in poll order, with counts and percentages of those who answered', () => {
    const rows = choiceRows(
      choice,
      {
        type: 'single_choice',
        total: 4,
        options: [
          { id: 'b', count: 1 },
          { id: 'a', count: 3 },
        ],
      },
      null,
    );
    expect(rows.map((r) => [r.label, r.count, r.percent])).toEqual([
      ['Paris', 3, 75],
      ['Rome', 1, 25],
      ['Oslo', 0, 0],
    ]);
  });

  test('marks the correct option only when the correct answer is known', () => {
    const r: ResultsView = { type: 'single_choice', total: 1, options: [{ id: 'a', count: 1 }] };
    expect(choiceRows(choice, r, null).some((x) => x.correct)).toBe(false);
    expect(choiceRows(choice, r, { kind: 'choice', optionIds: ['a'] })[0]?.correct).toBe(true);
  });

  test('the summary reads the same numbers as the bars', () => {
    const r: ResultsView = {
      type: 'single_choice',
      total: 4,
      options: [
        { id: 'a', count: 3 },
        { id: 'b', count: 1 },
      ],
    };
    expect(summarize(choice, r, { kind: 'choice', optionIds: ['a'] })).toBe(
      '4 answers. Paris: 3 (75%), correct; Rome: 1 (25%); Oslo: 0 (0%).',
    );
  });

  test('a rating histogram has one column per scale value, and the summary gives mean and median', () => {
    const rating = { ...base, type: 'rating', content: { type: 'rating', scale: 5 } } as AnyPollView;
    const r: ResultsView = {
      type: 'rating',
      total: 2,
      scale: 5,
      histogram: [0, 0, 1, 0, 1],
      mean: 4,
      median: 4,
    };
    expect(histogramRows(rating, r, null).map((x) => x.count)).toEqual([0, 0, 1, 0, 1]);
    expect(summarize(rating, r, null)).toBe('2 answers. Mean 4, median 4.');
  });

  test('numeric bins carry their unit and a correct range is marked', () => {
    const numeric = {
      ...base,
      type: 'numeric',
      content: { type: 'numeric', min: 0, max: 100, unit: 'kg' },
    } as AnyPollView;
    const r: ResultsView = {
      type: 'numeric',
      total: 3,
      bins: [
        { from: 0, to: 50, count: 1 },
        { from: 50, to: 100, count: 2 },
      ],
      mean: 60,
      median: 70,
      min: 10,
      max: 90,
    };
    const rows = histogramRows(numeric, r, { kind: 'numeric_value', value: 70 });
    expect(rows.map((x) => [x.label, x.correct])).toEqual([
      ['0–50 kg', false],
      ['50–100 kg', true],
    ]);
  });

  test('nobody answered yet: zero percent, not NaN', () => {
    expect(choiceRows(choice, null, null).map((r) => r.percent)).toEqual([0, 0, 0]);
    expect(summarize(choice, null, null)).toBe('No results to show yet.');
  });
});
