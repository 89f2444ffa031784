import { describe, expect, test } from 'bun:test';
import { at, choices, makePoll, T0 } from './poll-fixture.ts';
import { decideVote } from './vote-decision.ts';

const open = (allowAnswerChange = true) =>
  makePoll(
    { type: 'single_choice', options: choices('a', 'b') },
    { status: 'open', openedAt: T0, closesAt: at(60), settings: { allowAnswerChange } },
  );
const a = { type: 'single_choice', optionId: 'a' } as const;
const b = { type: 'single_choice', optionId: 'b' } as const;
const kindOf = (d: ReturnType<typeof decideVote>) =>
  d.kind === 'reject' ? `reject:${d.error.code}` : d.kind;

describe('decideVote', () => {
  test('a first valid answer to an open poll is accepted', () => {
    expect(decideVote({ poll: open(), now: at(1), value: a, clientMsgId: 'm1' })).toEqual({
      kind: 'accept',
      value: a,
      replaces: false,
    });
  });
  test('a retry with the same clientMsgId is a duplicate, even after the poll closed', () => {
    const existing = { clientMsgId: 'm1', value: a };
    expect(kindOf(decideVote({ poll: open(), now: at(1), value: a, clientMsgId: 'm1', existing }))).toBe(
      'duplicate',
    );
    expect(kindOf(decideVote({ poll: open(), now: at(99), value: a, clientMsgId: 'm1', existing }))).toBe(
      'duplicate',
    );
  });
  test('a vote at or after the deadline is rejected as poll_closed', () => {
    expect(kindOf(decideVote({ poll: open(), now: at(60), value: a, clientMsgId: 'm1' }))).toBe(
      'reject:poll_closed',
    );
  });
  test('a vote on a draft is poll_not_open', () => {
    const draft = makePoll({ type: 'single_choice', options: choices('a', 'b') });
    expect(kindOf(decideVote({ poll: draft, now: T0, value: a, clientMsgId: 'm1' }))).toBe(
      'reject:poll_not_open',
    );
  });
  test('a changed answer replaces the old one when changes are allowed, and is locked otherwise', () => {
    const existing = { clientMsgId: 'm1', value: a };
    expect(decideVote({ poll: open(true), now: at(1), value: b, clientMsgId: 'm2', existing })).toMatchObject(
      {
        kind: 'accept',
        replaces: true,
      },
    );
    expect(kindOf(decideVote({ poll: open(false), now: at(1), value: b, clientMsgId: 'm2', existing }))).toBe(
      'reject:answer_locked',
    );
  });
  test('an answer that does not fit the poll is validation_failed', () => {
    const bad = { type: 'single_choice', optionId: 'zz' } as const;
    expect(kindOf(decideVote({ poll: open(), now: at(1), value: bad, clientMsgId: 'm1' }))).toBe(
      'reject:validation_failed',
    );
  });
});
