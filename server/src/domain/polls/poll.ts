/**
 * The poll as the domain sees it: a plain record shaped like a `polls` row (Date timestamps), with
 * content and settings already typed. Services map rows to this; the pure functions here take it.
 */
import type { PollContent, PollSettings, PollStatus, PollType } from '@handsup/protocol';

export type Poll = {
  id: string;
  sessionId: string;
  position: number;
  type: PollType;
  prompt: string;
  content: PollContent;
  settings: PollSettings;
  status: PollStatus;
  round: number;
  openedAt: Date | null;
  closesAt: Date | null;
  closedAt: Date | null;
  resultsReleased: boolean;
  correctReleased: boolean;
};

/** The fields a lifecycle transition may change; a service writes exactly these. */
export type PollChanges = Partial<
  Pick<
    Poll,
    'status' | 'round' | 'openedAt' | 'closesAt' | 'closedAt' | 'resultsReleased' | 'correctReleased'
  >
>;

/** Effective anonymity, once `inherit` is resolved against the session. */
export type EffectiveAnonymity = 'anonymous' | 'teacher_only' | 'names_shown';

/**
 * Who is looking. `presenter` is the projector: it sees what the room may see (no correct answer or
 * hidden results before release) but may show names when the poll says `names_shown`.
 */
export type Viewer = {
  role: 'teacher' | 'student' | 'presenter';
  /** The session's anonymity, used when the poll says `inherit`. Default `teacher_only`. */
  sessionAnonymity?: EffectiveAnonymity;
};
