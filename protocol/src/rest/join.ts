/**
 * Joining a session by code. The look-up answers a page that only knows the code; the join returns a
 * participant token (`pt_…`) that the browser keeps (localStorage) and sends as `Authorization: Bearer`.
 *
 * @example POST /api/join/K7PXQ4 {"displayName":"Sam"} -> {"participantToken":"pt_…","participantId":"…",…}
 */
import { Type } from '@sinclair/typebox';
import { strictObject, Uuid } from '../strict.ts';
import { Anonymity } from './sessions.ts';

/** Six to eight characters from the join-code alphabet (no 0/O, 1/I/L); lower case is accepted. */
export const JoinCodeParam = strictObject({
  code: Type.String({ pattern: '^[A-Za-z2-9]{6,8}$', maxLength: 8 }),
});
export const JoinBody = strictObject({
  displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
});

export const JoinSummary = strictObject({
  sessionId: Uuid,
  title: Type.String(),
  anonymity: Anonymity,
  identifiedOnly: Type.Boolean(),
  /** Whether the page must ask for a display name. */
  needsName: Type.Boolean(),
});
export const JoinAnswer = strictObject({
  participantToken: Type.String(),
  participantId: Uuid,
  session: JoinSummary,
});
export type JoinSummary = typeof JoinSummary.static;
export type JoinAnswer = typeof JoinAnswer.static;
