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
