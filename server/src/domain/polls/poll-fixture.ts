/** Builds polls for the domain's unit tests. Not exported from index.ts. */
import { DEFAULT_POLL_SETTINGS, type PollContent, type PollSettings } from '@handsup/protocol';
import type { Poll } from './poll.ts';

export const T0 = new Date('2030-01-01T09:00:00Z');
export const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

export const choices = (...ids: string[]) => ids.map((id) => ({ id, text: `Option ${id}` }));

export const makePoll = (
  content: PollContent,
  overrides: Partial<Omit<Poll, 'settings'>> & { settings?: Partial<PollSettings> } = {},
): Poll => {
  const { settings, ...rest } = overrides;
  return {
    id: '00000000-0000-4000-8000-0000000000a1',
    sessionId: '00000000-0000-4000-8000-0000000000b1',
    position: 0,
    type: content.type,
    prompt: 'Question?',
    content,
    settings: { ...DEFAULT_POLL_SETTINGS, ...settings },
    status: 'draft',
    round: 1,
    openedAt: null,
    closesAt: null,
    closedAt: null,
    resultsReleased: false,
    correctReleased: false,
    ...rest,
  };
};
