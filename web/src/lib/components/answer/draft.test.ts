import { describe, expect, test } from 'bun:test';
import type { PollContent } from '@handsup/protocol';
import { draftFrom, toAnswer } from './draft.ts';

describe('answer drafts', () => {
  test('multiple choice keeps the poll order and checks the selection limits', () => {
    const c = {
      type: 'multiple_choice',
      options: [
        { id: 'a', text: 'A' },
        { id: 'b', text: 'B' },
        { id: 'c', text: 'C' },
      ],
      maxSelections: 2,
    } satisfies PollContent;
    const d = draftFrom(c, null);
    d.ids = ['c', 'a'];
    expect(toAnswer(c, d)).toEqual({ ok: true, value: { type: 'multiple_choice', optionIds: ['a', 'c'] } });
    d.ids = ['a', 'b', 'c'];
    expect(toAnswer(c, d)).toEqual({ ok: false, message: 'Choose at most 2.' });
  });

  test('numeric answers must lie in range and on the step grid', () => {
    const c: PollContent = { type: 'numeric', min: 0, max: 10, step: 0.5 };
    const d = draftFrom(c, null);
    d.number = 2.5;
    expect(toAnswer(c, d).ok).toBe(true);
    d.number = 2.3;
    expect(toAnswer(c, d)).toEqual({ ok: false, message: 'Use steps of 0.5 from 0.' });
    d.number = 11;
    expect(toAnswer(c, d).ok).toBe(false);
  });

  test('word cloud entries are trimmed, empty slots dropped, and a restored answer fills the slots', () => {
    const c: PollContent = { type: 'word_cloud', maxEntries: 3 };
    const d = draftFrom(c, { type: 'word_cloud', entries: ['sun'] });
    expect(d.words).toEqual(['sun', '', '']);
    d.words[2] = '  light   rays ';
    expect(toAnswer(c, d)).toEqual({
      ok: true,
      value: { type: 'word_cloud', entries: ['sun', 'light rays'] },
    });
  });

  test('true/false restores from the stored boolean', () => {
    const d = draftFrom({ type: 'true_false' }, { type: 'true_false', value: false });
    expect(d.ids).toEqual(['false']);
    expect(toAnswer({ type: 'true_false' }, d)).toEqual({
      ok: true,
      value: { type: 'true_false', value: false },
    });
  });
});
