/**
 * A student's answer against the poll on a room's screen: who may answer, whether this poll is the one
 * open, the vote rules (domain/polls: deadline, validation, retries and changes), then the durable
 * write through the vote store's group commit. The reply is the frame the student gets back.
 */
import { AppError, type ClientMessageOf, type OutgoingMessage } from '@handsup/protocol';
import { decideVote } from '../domain/polls/index.ts';
import type { VoteStore } from '../modules/polls/vote-store.ts';
import type { ConnState } from './connection.ts';
import type { Shown } from './shown-poll.ts';

export type VoteReply = OutgoingMessage<'vote.accepted'> | OutgoingMessage<'vote.rejected'>;

export async function castVote(
  room: { sessionId: string; current: Shown | null; now: number; votes: VoteStore },
  st: ConnState,
  msg: ClientMessageOf<'vote.cast'>,
): Promise<VoteReply> {
  const reject = (error: AppError): OutgoingMessage<'vote.rejected'> => {
    const r: OutgoingMessage<'vote.rejected'> = {
      type: 'vote.rejected',
      clientMsgId: msg.clientMsgId,
      code: error.code,
      message: error.message,
    };
    if (error.field) r.field = error.field;
    return r;
  };
  const accepted = (value: OutgoingMessage<'vote.accepted'>['value']): OutgoingMessage<'vote.accepted'> => ({
    type: 'vote.accepted',
    clientMsgId: msg.clientMsgId,
    pollId: msg.pollId,
    value,
  });
  if (st.role !== 'student' || !st.participantId)
    return reject(new AppError('forbidden', 'Only students answer polls.'));
  const cur = room.current;
  if (!cur || cur.poll.id !== msg.pollId)
    return reject(new AppError('poll_not_open', 'This poll is not open.'));
  const existing = cur.meta.get(st.participantId);
  const decision = decideVote({
    poll: cur.poll,
    now: new Date(room.now),
    value: msg.value,
    clientMsgId: msg.clientMsgId,
    existing: existing ? { clientMsgId: existing.c, value: existing.v } : null,
  });
  if (decision.kind === 'reject') return reject(decision.error);
  if (decision.kind === 'duplicate') return accepted(decision.value);
  const outcome = await room.votes.submit({
    sessionId: room.sessionId,
    pollId: cur.poll.id,
    round: cur.poll.round,
    participantId: st.participantId,
    name: st.name,
    value: decision.value,
    clientMsgId: msg.clientMsgId,
    allowChange: cur.poll.settings.allowAnswerChange,
    castAt: room.now,
  });
  return outcome.ok ? accepted(outcome.value) : reject(outcome.error);
}
