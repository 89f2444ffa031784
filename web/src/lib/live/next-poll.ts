/** Which poll "Next" opens. */
import type { PollView } from '@handsup/protocol';

/** The poll after `currentId` in session order (the first one when nothing ran yet). */
export function nextPollAfter(polls: PollView[], currentId: string | null): PollView | null {
  if (!currentId) return polls[0] ?? null;
  const i = polls.findIndex((p) => p.id === currentId);
  return i >= 0 ? (polls[i + 1] ?? null) : (polls[0] ?? null);
}
