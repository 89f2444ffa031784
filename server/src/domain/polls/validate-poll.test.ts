import { describe, expect, test } from 'bun:test';
import { DEFAULT_POLL_SETTINGS, type PollContent, type PollSettings } from '@handsup/protocol';
import { choices } from './poll-fixture.ts';
import { applySettingsPatch, resolveSettings, validatePollDefinition } from './validate-poll.ts';

const fieldOf = (content: PollContent, settings: Partial<PollSettings> = {}) => {
  try {
    validatePollDefinition(content, { ...DEFAULT_POLL_SETTINGS, ...settings });
    return 'ok';
  } catch (e) {
    return (e as { field?: string }).field;
  }
};

describe('validatePollDefinition', () => {
  test('option ids must be unique', () => {
    expect(fieldOf({ type: 'single_choice', options: choices('a', 'a') })).toBe('content.options');
  });
  test('multiple-choice limits must be satisfiable', () => {
    const opts = choices('a', 'b', 'c');
    expect(fieldOf({ type: 'multiple_choice', options: opts, maxSelections: 4 })).toBe(
      'content.maxSelections',
    );
    expect(fieldOf({ type: 'multiple_choice', options: opts, minSelections: 3, maxSelections: 2 })).toBe(
      'content.minSelections',
    );
    expect(fieldOf({ type: 'multiple_choice', options: opts, minSelections: 0, maxSelections: 2 })).toBe(
      'ok',
    );
  });
  test('a numeric range needs min below max', () => {
    expect(fieldOf({ type: 'numeric', min: 5, max: 5 })).toBe('content.min');
  });
  test('the correct answer must fit the poll type and name existing options', () => {
    const single: PollContent = { type: 'single_choice', options: choices('a', 'b') };
    expect(fieldOf(single, { correct: { kind: 'choice', optionIds: ['a'] } })).toBe('ok');
    expect(fieldOf(single, { correct: { kind: 'choice', optionIds: ['z'] } })).toBe(
      'settings.correct.optionIds',
    );
    expect(fieldOf(single, { correct: { kind: 'true_false', value: true } })).toBe('settings.correct');
    expect(fieldOf({ type: 'word_cloud' }, { correct: { kind: 'choice', optionIds: ['a'] } })).toBe(
      'settings.correct',
    );
    expect(
      fieldOf({ type: 'numeric', min: 0, max: 10 }, { correct: { kind: 'numeric_value', value: 11 } }),
    ).toBe('settings.correct.value');
    expect(
      fieldOf({ type: 'numeric', min: 0, max: 10 }, { correct: { kind: 'numeric_range', min: 2, max: 4 } }),
    ).toBe('ok');
  });
});

describe('settings', () => {
  test('a new poll gets the defaults for anything not given', () => {
    expect(resolveSettings({ timerSeconds: 30 })).toEqual({ ...DEFAULT_POLL_SETTINGS, timerSeconds: 30 });
  });
  test('an update merges, and null removes the timer or the correct answer', () => {
    const current = resolveSettings({ timerSeconds: 30, correct: { kind: 'true_false', value: true } });
    expect(
      applySettingsPatch(current, { timerSeconds: null, correct: null, resultsVisibility: 'on_reveal' }),
    ).toEqual({
      ...DEFAULT_POLL_SETTINGS,
      resultsVisibility: 'on_reveal',
    });
  });
});
