import { describe, expect, test } from 'bun:test';
import { RESULTS_LIMITS } from '@handsup/protocol';
import { choices } from './poll-fixture.ts';
import { PollTally, tallyFrom } from './tally.ts';

describe('PollTally', () => {
  test('counts one answer per participant per option, in poll order', () => {
    const t = new PollTally({ type: 'single_choice', options: choices('a', 'b', 'c') });
    t.record('p1', { type: 'single_choice', optionId: 'b' });
    t.record('p2', { type: 'single_choice', optionId: 'b' });
    t.record('p3', { type: 'single_choice', optionId: 'a' });
    expect(t.results()).toEqual({
      type: 'single_choice',
      total: 3,
      options: [
        { id: 'a', count: 1 },
        { id: 'b', count: 2 },
        { id: 'c', count: 0 },
      ],
    });
  });
  test('an answer change moves the vote instead of adding one', () => {
    const t = new PollTally({ type: 'multiple_choice', options: choices('a', 'b', 'c') });
    t.record('p1', { type: 'multiple_choice', optionIds: ['a', 'b'] });
    t.record('p1', { type: 'multiple_choice', optionIds: ['c'] });
    expect(t.answeredCount).toBe(1);
    expect(t.results()).toMatchObject({ total: 1, options: [{ count: 0 }, { count: 0 }, { count: 1 }] });
  });
  test('counts stay exact through a burst of thousands of changes', () => {
    const t = new PollTally({ type: 'single_choice', options: choices('a', 'b') });
    const last = new Map<string, string>();
    for (let i = 0; i < 5000; i++) {
      const participant = `p${i % 700}`;
      const optionId = i % 3 ? 'a' : 'b';
      t.record(participant, { type: 'single_choice', optionId });
      last.set(participant, optionId);
    }
    const expectedB = [...last.values()].filter((o) => o === 'b').length;
    expect(t.results()).toMatchObject({
      total: 700,
      options: [{ count: 700 - expectedB }, { count: expectedB }],
    });
  });
  test('true/false is counted under the ids "true" and "false"', () => {
    const t = tallyFrom({ type: 'true_false' }, [
      { participantId: 'p1', value: { type: 'true_false', value: true } },
      { participantId: 'p2', value: { type: 'true_false', value: false } },
      { participantId: 'p3', value: { type: 'true_false', value: true } },
    ]);
    expect(t.results()).toEqual({
      type: 'true_false',
      total: 3,
      options: [
        { id: 'true', count: 2 },
        { id: 'false', count: 1 },
      ],
    });
  });
  test('a rating has a histogram over the whole scale, a mean and a median', () => {
    const t = new PollTally({ type: 'rating', scale: 5 });
    expect(t.results()).toEqual({
      type: 'rating',
      total: 0,
      scale: 5,
      histogram: [0, 0, 0, 0, 0],
      mean: null,
      median: null,
    });
    [1, 4, 4, 5].forEach((v, i) => {
      t.record(`p${i}`, { type: 'rating', value: v });
    });
    expect(t.results()).toEqual({
      type: 'rating',
      total: 4,
      scale: 5,
      histogram: [1, 0, 0, 2, 1],
      mean: 3.5,
      median: 4,
    });
    t.record('p3', { type: 'rating', value: 1 });
    expect(t.results()).toMatchObject({ histogram: [2, 0, 0, 2, 0], mean: 2.5, median: 2.5 });
  });
  test('a numeric poll with few allowed values has one bin per value', () => {
    const t = new PollTally({ type: 'numeric', min: 0, max: 1, step: 0.25 });
    [0, 0.25, 0.25, 1].forEach((v, i) => {
      t.record(`p${i}`, { type: 'numeric', value: v });
    });
    expect(t.results()).toEqual({
      type: 'numeric',
      total: 4,
      bins: [
        { from: 0, to: 0, count: 1 },
        { from: 0.25, to: 0.25, count: 2 },
        { from: 0.5, to: 0.5, count: 0 },
        { from: 0.75, to: 0.75, count: 0 },
        { from: 1, to: 1, count: 1 },
      ],
      mean: 0.375,
      median: 0.25,
      min: 0,
      max: 1,
    });
  });
  test('a numeric poll with a wide range has equal bins, the maximum in the last one', () => {
    const t = new PollTally({ type: 'numeric', min: 0, max: 100 });
    [0, 4.9, 5, 100].forEach((v, i) => {
      t.record(`p${i}`, { type: 'numeric', value: v });
    });
    const r = t.results();
    if (r.type !== 'numeric') throw new Error('type');
    expect(r.bins).toHaveLength(RESULTS_LIMITS.numericBins);
    expect(r.bins[0]).toEqual({ from: 0, to: 5, count: 2 });
    expect(r.bins[1].count).toBe(1);
    expect(r.bins.at(-1)).toEqual({ from: 95, to: 100, count: 1 });
  });
  test('word-cloud words are counted once per student, most frequent first, ties alphabetical', () => {
    const t = new PollTally({ type: 'word_cloud' });
    t.record('p1', { type: 'word_cloud', entries: ['sun', 'water'] });
    t.record('p2', { type: 'word_cloud', entries: ['water', 'light'] });
    t.record('p3', { type: 'word_cloud', entries: ['water'] });
    expect(t.results()).toEqual({
      type: 'word_cloud',
      total: 3,
      distinctWords: 3,
      words: [
        { text: 'water', count: 3 },
        { text: 'light', count: 1 },
        { text: 'sun', count: 1 },
      ],
    });
    t.remove('p1');
    expect(t.results()).toMatchObject({ total: 2, distinctWords: 2 });
  });
  test('open-text answers are listed in answering order, a changed answer moving to the end', () => {
    const t = new PollTally({ type: 'open_text' });
    t.record('p1', { type: 'open_text', text: 'first' }, 'Ada');
    t.record('p2', { type: 'open_text', text: 'second' });
    t.record('p1', { type: 'open_text', text: 'revised' }, 'Ada');
    expect(t.results()).toEqual({
      type: 'open_text',
      total: 2,
      truncated: false,
      answers: [{ text: 'second' }, { text: 'revised', name: 'Ada' }],
    });
  });
  test('open-text results keep only the latest answers when there are many', () => {
    const t = new PollTally({ type: 'open_text' });
    const n = RESULTS_LIMITS.openTextAnswers + 5;
    for (let i = 0; i < n; i++) t.record(`p${i}`, { type: 'open_text', text: `a${i}` });
    const r = t.results();
    if (r.type !== 'open_text') throw new Error('type');
    expect([r.total, r.truncated, r.answers.length, r.answers.at(-1)?.text]).toEqual([
      n,
      true,
      RESULTS_LIMITS.openTextAnswers,
      `a${n - 1}`,
    ]);
  });
  test('remembers each participant\u2019s answer for the snapshot', () => {
    const t = new PollTally({ type: 'rating', scale: 10 });
    t.record('p1', { type: 'rating', value: 9 });
    expect(t.answerOf('p1')).toEqual({ type: 'rating', value: 9 });
    expect(t.answerOf('p2')).toBeUndefined();
    expect(t.answeredParticipantIds()).toEqual(['p1']);
  });
});
