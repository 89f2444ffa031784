import { describe, expect, test } from 'bun:test';
import type { PollView } from '@handsup/protocol';
import { nextPollAfter } from './next-poll.ts';

const polls = ['a', 'b', 'c'].map((id) => ({ id }) as PollView);

describe('next poll', () => {
  test('follows session order, starts at the first, and ends after the last', () => {
    expect(nextPollAfter(polls, null)?.id).toBe('a');
    expect(nextPollAfter(polls, 'a')?.id).toBe('b');
    expect(nextPollAfter(polls, 'c')).toBeNull();
  });
});
