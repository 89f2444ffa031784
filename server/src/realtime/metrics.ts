/**
 * The poll engine's metrics (names reserved in docs/metrics.md). Everything here is an in-memory
 * increment or a value read at scrape time: nothing adds I/O to the vote path.
 */
import { metrics } from '../observability/metrics.ts';

/** Connections that said hello, by role; each SessionHub tracks its own (summed at scrape). */
export const socketsByRole = metrics.gauge({
  name: 'handsup_sockets',
  help: 'Connections that said hello, by role (teacher, student, presenter).',
  labels: ['role'],
});

export const messagesIn = metrics.counter({
  name: 'handsup_messages_in_total',
  help: 'WebSocket/SSE messages received, by protocol type ((invalid) for unparseable frames, (refused) for frames over the rate limit).',
  labels: ['type'],
});

export const messagesOut = metrics.counter({
  name: 'handsup_messages_out_total',
  help: 'Frames sent, by protocol type (a broadcast to a room counts once per audience).',
  labels: ['type'],
});

export const votesAccepted = metrics.counter({
  name: 'handsup_votes_accepted_total',
  help: 'Votes made durable and acknowledged (vote.accepted sent, retries included).',
});

export const votesRejected = metrics.counter({
  name: 'handsup_votes_rejected_total',
  help: 'Votes refused (vote.rejected sent), by reason (an error code).',
  labels: ['reason'],
});

export const voteAckSeconds = metrics.histogram({
  name: 'handsup_vote_ack_seconds',
  help: 'vote.cast received to vote.accepted sent (includes the group commit).',
});

export const broadcastSeconds = metrics.histogram({
  name: 'handsup_broadcast_seconds',
  help: 'Tally change to results.updated written to every connection of the room (includes coalescing).',
});

export const openPolls = metrics.gauge({
  name: 'handsup_open_polls',
  help: 'Polls open in the sessions this node serves.',
});
