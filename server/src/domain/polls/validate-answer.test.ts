import { describe, expect, test } from 'bun:test';
import type { AnswerValue, PollContent } from '@handsup/protocol';
import { choices } from './poll-fixture.ts';
import { normaliseWordEntry, validateAnswer } from './validate-answer.ts';

const fieldOf = (content: PollContent, value: AnswerValue) => {
  const r = validateAnswer(content, value);
  return r.ok ? 'ok' : `${r.error.code}:${r.error.field}`;
};
const normalisedOf = (content: PollContent, value: AnswerValue) => {
  const r = validateAnswer(content, value);
  if (!r.ok) throw r.error;
  return r.value;
};

describe('validateAnswer', () => {
  const single: PollContent = { type: 'single_choice', options: choices('a', 'b') };
  const multi: PollContent = {
    type: 'multiple_choice',
    options: choices('a', 'b', 'c', 'd'),
    minSelections: 2,
    maxSelections: 3,
  };

  test('an answer of another type than the poll is rejected on value.type', () => {
    expect(fieldOf(single, { type: 'true_false', value: true })).toBe('validation_failed:value.type');
  });
  test('a single choice must name an existing option', () => {
    expect(fieldOf(single, { type: 'single_choice', optionId: 'a' })).toBe('ok');
    expect(fieldOf(single, { type: 'single_choice', optionId: 'z' })).toBe(
      'validation_failed:value.optionId',
    );
  });
  test('a multiple choice respects min and max selections, and is stored in option order', () => {
    expect(fieldOf(multi, { type: 'multiple_choice', optionIds: ['a'] })).toBe(
      'validation_failed:value.optionIds',
    );
    expect(fieldOf(multi, { type: 'multiple_choice', optionIds: ['a', 'b', 'c', 'd'] })).toBe(
      'validation_failed:value.optionIds',
    );
    expect(fieldOf(multi, { type: 'multiple_choice', optionIds: ['a', 'x'] })).toBe(
      'validation_failed:value.optionIds',
    );
    expect(normalisedOf(multi, { type: 'multiple_choice', optionIds: ['c', 'a'] })).toEqual({
      type: 'multiple_choice',
      optionIds: ['a', 'c'],
    });
  });
  test('a multiple choice without limits needs at least one option', () => {
    const open: PollContent = { type: 'multiple_choice', options: choices('a', 'b') };
    expect(fieldOf(open, { type: 'multiple_choice', optionIds: [] })).toBe(
      'validation_failed:value.optionIds',
    );
    expect(fieldOf(open, { type: 'multiple_choice', optionIds: ['a', 'b'] })).toBe('ok');
  });
  test('a rating lies on the poll scale', () => {
    const rating: PollContent = { type: 'rating', scale: 5 };
    expect(fieldOf(rating, { type: 'rating', value: 5 })).toBe('ok');
    expect(fieldOf(rating, { type: 'rating', value: 6 })).toBe('validation_failed:value.value');
    expect(fieldOf(rating, { type: 'rating', value: 0 })).toBe('validation_failed:value.value');
  });
  test('a numeric answer lies within range and on the step grid (tolerating float noise)', () => {
    const num: PollContent = { type: 'numeric', min: 0, max: 1, step: 0.1 };
    expect(fieldOf(num, { type: 'numeric', value: 0.3 })).toBe('ok');
    expect(fieldOf(num, { type: 'numeric', value: 0.7 })).toBe('ok');
    expect(fieldOf(num, { type: 'numeric', value: 0.35 })).toBe('validation_failed:value.value');
    expect(fieldOf(num, { type: 'numeric', value: 1.1 })).toBe('validation_failed:value.value');
    expect(fieldOf({ type: 'numeric', min: -5, max: 5 }, { type: 'numeric', value: -4.321 })).toBe('ok');
  });
  test('word-cloud entries are normalised, de-duplicated and limited to 3 words each', () => {
    const wc: PollContent = { type: 'word_cloud' };
    expect(
      normalisedOf(wc, { type: 'word_cloud', entries: ['  Photo  Synthesis ', 'photo synthesis', 'ＣＯ２'] }),
    ).toEqual({
      type: 'word_cloud',
      entries: ['photo synthesis', 'co2'],
    });
    expect(fieldOf(wc, { type: 'word_cloud', entries: ['ok', 'one two three four'] })).toBe(
      'validation_failed:value.entries.1',
    );
    expect(fieldOf(wc, { type: 'word_cloud', entries: [' \u200B '] })).toBe(
      'validation_failed:value.entries.0',
    );
  });
  test('a word cloud may allow fewer entries than three', () => {
    expect(fieldOf({ type: 'word_cloud', maxEntries: 1 }, { type: 'word_cloud', entries: ['a', 'b'] })).toBe(
      'validation_failed:value.entries',
    );
  });
  test('open text is trimmed, must not be blank, and respects the poll maxLength', () => {
    const ot: PollContent = { type: 'open_text', maxLength: 10 };
    expect(normalisedOf(ot, { type: 'open_text', text: '  hello\u0007 ' })).toEqual({
      type: 'open_text',
      text: 'hello',
    });
    expect(fieldOf(ot, { type: 'open_text', text: '   ' })).toBe('validation_failed:value.text');
    expect(fieldOf(ot, { type: 'open_text', text: 'x'.repeat(11) })).toBe('validation_failed:value.text');
  });
});

describe('normaliseWordEntry', () => {
  test('folds case fully, including ß and compatibility forms', () => {
    expect(normaliseWordEntry('  Straße\tBahn ')).toBe('strasse bahn');
    expect(normaliseWordEntry('STRASSE bahn')).toBe('strasse bahn');
    expect(normaliseWordEntry('ﬁne')).toBe('fine');
  });
  test('composed and decomposed accents are the same word', () => {
    expect(normaliseWordEntry('Cafe\u0301')).toBe(normaliseWordEntry('café'));
  });
});
