/** The pure poll domain: definitions, answers, tallies, the state machine and per-viewer views. */
export type { EffectiveAnonymity, Poll, PollChanges, Viewer } from './poll.ts';
export { applySettingsPatch, resolveSettings, validatePollDefinition } from './validate-poll.ts';
export {
  type AnswerCheck,
  normaliseOpenText,
  normaliseWordEntry,
  validateAnswer,
} from './validate-answer.ts';
export { decideVote, type ExistingAnswer, type VoteDecision } from './vote-decision.ts';
export { PollTally, tallyFrom } from './tally.ts';
export {
  applyChanges,
  canEditContent,
  closePoll,
  extendPoll,
  isAcceptingAnswers,
  isDue,
  openPoll,
  resetPoll,
  revealPoll,
  timeLeftMs,
} from './lifecycle.ts';
export {
  audienceSeesResults,
  canSeeNames,
  canSeeResults,
  effectiveAnonymity,
  toPollView,
  toResultsView,
} from './views.ts';
