/**
 * What to do with one `vote.cast`, given the poll and the student's current answer in this round.
 * Retries are recognised first, so a student whose ack was lost gets the same `vote.accepted` even if
 * the poll has closed since.
 */
import { type AnswerValue, AppError } from '@handsup/protocol';
import { isAcceptingAnswers } from './lifecycle.ts';
import type { Poll } from './poll.ts';
import { validateAnswer } from './validate-answer.ts';

export type ExistingAnswer = { clientMsgId: string; value: AnswerValue };

export type VoteDecision =
  /** Store `value` (normalised); `replaces` when it overwrites an earlier answer of this round. */
  | { kind: 'accept'; value: AnswerValue; replaces: boolean }
  /** Same clientMsgId as the stored answer: acknowledge again, store nothing. */
  | { kind: 'duplicate'; value: AnswerValue }
  | { kind: 'reject'; error: AppError };

export const decideVote = (input: {
  poll: Poll;
  now: Date;
  value: AnswerValue;
  clientMsgId: string;
  existing?: ExistingAnswer | null;
}): VoteDecision => {
  const { poll, now, value, clientMsgId, existing } = input;
  if (existing && existing.clientMsgId === clientMsgId) return { kind: 'duplicate', value: existing.value };
  if (poll.status === 'draft')
    return { kind: 'reject', error: new AppError('poll_not_open', 'This poll is not open yet.') };
  if (!isAcceptingAnswers(poll, now)) {
    return { kind: 'reject', error: new AppError('poll_closed', 'This poll has closed.') };
  }
  const checked = validateAnswer(poll.content, value);
  if (!checked.ok) return { kind: 'reject', error: checked.error };
  if (existing && !poll.settings.allowAnswerChange) {
    return { kind: 'reject', error: new AppError('answer_locked', 'You have already answered this poll.') };
  }
  return { kind: 'accept', value: checked.value, replaces: Boolean(existing) };
};
