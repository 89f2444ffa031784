/** REST schemas of the polls module that are not already protocol DTOs (those live in protocol/). */
import {
  CorrectAnswer,
  POLL_LIMITS,
  PollCreate,
  PollUpdate,
  PollView,
  ResultsView,
  strictObject,
  TimerSeconds,
  Uuid,
} from '@handsup/protocol';
import { t } from 'elysia';

export { PollCreate, PollUpdate, PollView, ResultsView, CorrectAnswer };

export const SessionParams = strictObject({ sessionId: Uuid });
export const PollParams = strictObject({ pollId: Uuid });

export const ListQuery = t.Object({
  deleted: t.Optional(t.Union([t.Literal('include'), t.Literal('only')])),
});
export const PollList = t.Object({ polls: t.Array(PollView) });

export const ReorderBody = strictObject({
  pollIds: t.Array(Uuid, { minItems: 1, maxItems: 10_000, uniqueItems: true }),
});
export const OpenBody = strictObject({ timerSeconds: t.Optional(TimerSeconds) });
export const ExtendBody = strictObject({
  seconds: t.Integer({ minimum: 1, maximum: POLL_LIMITS.timerSecondsMax }),
});
export const RevealBody = strictObject({
  results: t.Optional(t.Boolean()),
  correct: t.Optional(t.Boolean()),
});
export const ResultsQuery = t.Object({ round: t.Optional(t.Integer({ minimum: 1, maximum: 1_000_000 })) });
export const PollResults = strictObject({
  pollId: Uuid,
  round: t.Integer({ minimum: 1 }),
  answeredCount: t.Integer({ minimum: 0 }),
  results: ResultsView,
});
export const Ok = t.Object({ ok: t.Literal(true) });
