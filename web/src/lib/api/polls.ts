/** Polls of a session (teacher side): list, create, edit, reorder, duplicate, delete and restore. */
import type { PollCreate, PollUpdate, PollView } from '@handsup/protocol';
import { api } from './http.ts';

export type { PollCreate, PollUpdate, PollView };

export const listPolls = (sessionId: string) =>
  api<PollView[] | { polls: PollView[] }>('GET', `/api/sessions/${sessionId}/polls`).then((r) =>
    Array.isArray(r) ? r : r.polls,
  );
export const createPoll = (sessionId: string, body: PollCreate) =>
  api<PollView>('POST', `/api/sessions/${sessionId}/polls`, { body });
export const updatePoll = (id: string, body: PollUpdate) =>
  api<PollView>('PATCH', `/api/polls/${id}`, { body });
export const deletePoll = (id: string) => api<unknown>('DELETE', `/api/polls/${id}`);
export const restorePoll = (id: string) => api<PollView>('POST', `/api/polls/${id}/restore`);
export const duplicatePoll = (id: string) => api<PollView>('POST', `/api/polls/${id}/duplicate`);
/** The whole session's poll ids in their new order. */
export const reorderPolls = (sessionId: string, pollIds: string[]) =>
  api<{ polls: PollView[] }>('PUT', `/api/sessions/${sessionId}/polls/order`, { body: { pollIds } }).then(
    (r) => r.polls,
  );

// Live commands over REST (the same rules as the WebSocket commands; the answer is the updated poll).
export const openPoll = (id: string, timerSeconds?: number) =>
  api<PollView>('POST', `/api/polls/${id}/open`, { body: timerSeconds ? { timerSeconds } : {} });
export const closePoll = (id: string) => api<PollView>('POST', `/api/polls/${id}/close`);
export const extendPoll = (id: string, seconds: number) =>
  api<PollView>('POST', `/api/polls/${id}/extend`, { body: { seconds } });
export const revealPoll = (id: string, body: { results?: boolean; correct?: boolean }) =>
  api<PollView>('POST', `/api/polls/${id}/reveal`, { body });
/** Reset: this round's answers are deleted and the poll is a draft again (audited). */
export const clearPoll = (id: string) => api<PollView>('POST', `/api/polls/${id}/clear`);
export const newRound = (id: string) => api<PollView>('POST', `/api/polls/${id}/rounds`);
export const stopLive = (sessionId: string) =>
  api<{ ok: true }>('POST', `/api/sessions/${sessionId}/live/stop`);
export const resultsCsvPath = (sessionId: string) => `/api/sessions/${sessionId}/results.csv`;
