/**
 * Poll definitions on the wire: per-type content (a discriminated union on `type`), settings, and the
 * REST bodies and views built from them. Cross-field rules that JSON Schema cannot state (option ids
 * unique, min < max, correct option ids exist) live in server/src/domain/polls/validate-poll.ts.
 *
 * @example
 *   const body: PollCreate = {
 *     prompt: 'Capital of France?',
 *     content: { type: 'single_choice', options: [{ id: 'a', text: 'Paris' }, { id: 'b', text: 'Rome' }] },
 *     settings: { correct: { kind: 'choice', optionIds: ['a'] }, resultsVisibility: 'on_reveal' },
 *   };
 */
import { type Static, Type } from '@sinclair/typebox';
import { EpochMs, Nullable, strictObject, Uuid } from './strict.ts';

/** Every limit in one place, so the UI can show them (counters, max lengths) from the same numbers. */
export const POLL_LIMITS = {
  promptMaxLength: 500,
  optionsMin: 2,
  optionsMax: 20,
  optionIdMaxLength: 32,
  optionTextMaxLength: 200,
  ratingLabelMaxLength: 60,
  numericUnitMaxLength: 20,
  numericAbsMax: 1_000_000_000,
  wordCloudEntriesMax: 3,
  wordCloudWordsPerEntryMax: 3,
  wordCloudEntryMaxLength: 40,
  openTextMaxLength: 500,
  timerSecondsMin: 5,
  timerSecondsMax: 3600,
} as const;

const L = POLL_LIMITS;
const NOT_BLANK = '\\S';

export const PollType = Type.Union([
  Type.Literal('single_choice'),
  Type.Literal('multiple_choice'),
  Type.Literal('true_false'),
  Type.Literal('rating'),
  Type.Literal('numeric'),
  Type.Literal('word_cloud'),
  Type.Literal('open_text'),
]);
export type PollType = Static<typeof PollType>;

export const PollStatus = Type.Union([Type.Literal('draft'), Type.Literal('open'), Type.Literal('closed')]);
export type PollStatus = Static<typeof PollStatus>;

export const Prompt = Type.String({ minLength: 1, maxLength: L.promptMaxLength, pattern: NOT_BLANK });

/** A choice option; `id` is chosen by the client (stable across edits, used in answers and results). */
export const PollOption = strictObject({
  id: Type.String({ pattern: `^[A-Za-z0-9_-]{1,${L.optionIdMaxLength}}$` }),
  text: Type.String({ minLength: 1, maxLength: L.optionTextMaxLength, pattern: NOT_BLANK }),
});
export type PollOption = Static<typeof PollOption>;

const Options = Type.Array(PollOption, { minItems: L.optionsMin, maxItems: L.optionsMax });
const FiniteNumber = Type.Number({ minimum: -L.numericAbsMax, maximum: L.numericAbsMax });

export const SingleChoiceContent = strictObject({ type: Type.Literal('single_choice'), options: Options });
export const MultipleChoiceContent = strictObject({
  type: Type.Literal('multiple_choice'),
  options: Options,
  /** Default 1. */
  minSelections: Type.Optional(Type.Integer({ minimum: 0, maximum: L.optionsMax })),
  /** Default: the number of options. */
  maxSelections: Type.Optional(Type.Integer({ minimum: 1, maximum: L.optionsMax })),
});
export const TrueFalseContent = strictObject({ type: Type.Literal('true_false') });
export const RatingContent = strictObject({
  type: Type.Literal('rating'),
  scale: Type.Union([Type.Literal(5), Type.Literal(10)]),
  minLabel: Type.Optional(Type.String({ maxLength: L.ratingLabelMaxLength })),
  maxLabel: Type.Optional(Type.String({ maxLength: L.ratingLabelMaxLength })),
});
export const NumericContent = strictObject({
  type: Type.Literal('numeric'),
  min: FiniteNumber,
  max: FiniteNumber,
  /** Answers must lie on the grid min, min+step, …; absent means any value in range. */
  step: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 2 * L.numericAbsMax })),
  unit: Type.Optional(Type.String({ maxLength: L.numericUnitMaxLength })),
});
export const WordCloudContent = strictObject({
  type: Type.Literal('word_cloud'),
  /** Entries a student may submit in one answer; default 3. Each entry is 1–3 words. */
  maxEntries: Type.Optional(Type.Integer({ minimum: 1, maximum: L.wordCloudEntriesMax })),
});
export const OpenTextContent = strictObject({
  type: Type.Literal('open_text'),
  /** Default 500. */
  maxLength: Type.Optional(Type.Integer({ minimum: 1, maximum: L.openTextMaxLength })),
});

/** What a poll asks, per type. Stored in `polls.content`; `type` mirrors the `polls.type` column. */
export const PollContent = Type.Union([
  SingleChoiceContent,
  MultipleChoiceContent,
  TrueFalseContent,
  RatingContent,
  NumericContent,
  WordCloudContent,
  OpenTextContent,
]);
export type PollContent = Static<typeof PollContent>;
export type ContentOf<T extends PollType> = Extract<PollContent, { type: T }>;

/**
 * The correct answer, where a type has one. `choice`: the accepted option ids (single choice: any of
 * them is correct; multiple choice: exactly this set). `numeric_value`: value ± tolerance.
 */
export const CorrectAnswer = Type.Union([
  strictObject({
    kind: Type.Literal('choice'),
    optionIds: Type.Array(PollOption.properties.id, {
      minItems: 1,
      maxItems: L.optionsMax,
      uniqueItems: true,
    }),
  }),
  strictObject({ kind: Type.Literal('true_false'), value: Type.Boolean() }),
  strictObject({
    kind: Type.Literal('numeric_value'),
    value: FiniteNumber,
    tolerance: Type.Optional(Type.Number({ minimum: 0, maximum: 2 * L.numericAbsMax })),
  }),
  strictObject({ kind: Type.Literal('numeric_range'), min: FiniteNumber, max: FiniteNumber }),
]);
export type CorrectAnswer = Static<typeof CorrectAnswer>;

/** live: students see results as they come; after_close: once closed; on_reveal: when the teacher reveals. */
export const ResultsVisibility = Type.Union([
  Type.Literal('live'),
  Type.Literal('after_close'),
  Type.Literal('on_reveal'),
]);
export type ResultsVisibility = Static<typeof ResultsVisibility>;

/** `inherit` takes the session's setting. `names_shown` shows names on the projector, never to students. */
export const Anonymity = Type.Union([
  Type.Literal('anonymous'),
  Type.Literal('teacher_only'),
  Type.Literal('names_shown'),
  Type.Literal('inherit'),
]);
export type Anonymity = Static<typeof Anonymity>;

export const TimerSeconds = Type.Integer({ minimum: L.timerSecondsMin, maximum: L.timerSecondsMax });

const settingsFields = {
  /** Default countdown when the poll opens; absent = no timer. */
  timerSeconds: Type.Optional(TimerSeconds),
  resultsVisibility: ResultsVisibility,
  correct: Type.Optional(CorrectAnswer),
  allowAnswerChange: Type.Boolean(),
  anonymity: Anonymity,
};

/** Stored settings (`polls.settings`), defaults applied. */
export const PollSettings = strictObject(settingsFields);
export type PollSettings = Static<typeof PollSettings>;

export const DEFAULT_POLL_SETTINGS: PollSettings = {
  resultsVisibility: 'live',
  allowAnswerChange: true,
  anonymity: 'inherit',
};

/** Settings as sent on create: everything optional, defaults from DEFAULT_POLL_SETTINGS. */
export const PollSettingsInput = strictObject({
  timerSeconds: Type.Optional(TimerSeconds),
  resultsVisibility: Type.Optional(ResultsVisibility),
  correct: Type.Optional(CorrectAnswer),
  allowAnswerChange: Type.Optional(Type.Boolean()),
  anonymity: Type.Optional(Anonymity),
});
export type PollSettingsInput = Static<typeof PollSettingsInput>;

/** Settings as sent on update: merged into the stored ones; `null` clears the timer or the correct answer. */
export const PollSettingsPatch = strictObject({
  timerSeconds: Type.Optional(Nullable(TimerSeconds)),
  resultsVisibility: Type.Optional(ResultsVisibility),
  correct: Type.Optional(Nullable(CorrectAnswer)),
  allowAnswerChange: Type.Optional(Type.Boolean()),
  anonymity: Type.Optional(Anonymity),
});
export type PollSettingsPatch = Static<typeof PollSettingsPatch>;

/** Settings as a student sees them: never the correct answer. */
export const PublicPollSettings = strictObject({
  timerSeconds: settingsFields.timerSeconds,
  resultsVisibility: settingsFields.resultsVisibility,
  allowAnswerChange: settingsFields.allowAnswerChange,
  anonymity: settingsFields.anonymity,
});
export type PublicPollSettings = Static<typeof PublicPollSettings>;

/** POST /api/sessions/:id/polls. The poll type is `content.type`. */
export const PollCreate = strictObject({
  prompt: Prompt,
  content: PollContent,
  settings: Type.Optional(PollSettingsInput),
  /** Default: after the last poll. */
  position: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
});
export type PollCreate = Static<typeof PollCreate>;

/** PATCH /api/polls/:id. Content may change only while the poll is a draft. */
export const PollUpdate = strictObject(
  {
    prompt: Type.Optional(Prompt),
    content: Type.Optional(PollContent),
    settings: Type.Optional(PollSettingsPatch),
    position: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
  },
  { minProperties: 1 },
);
export type PollUpdate = Static<typeof PollUpdate>;

const viewFields = {
  id: Uuid,
  sessionId: Uuid,
  position: Type.Integer({ minimum: 0 }),
  type: PollType,
  prompt: Type.String(),
  content: PollContent,
  status: PollStatus,
  round: Type.Integer({ minimum: 1 }),
  openedAt: Nullable(EpochMs),
  closesAt: Nullable(EpochMs),
  closedAt: Nullable(EpochMs),
  resultsReleased: Type.Boolean(),
  correctReleased: Type.Boolean(),
  /** Whether students and the projector currently see results (same meaning in both views). */
  audienceSeesResults: Type.Boolean(),
};

/** A poll as its teacher sees it: everything, correct answer in `settings.correct`. */
export const PollView = strictObject({ ...viewFields, settings: PollSettings });
export type PollView = Static<typeof PollView>;

/** A poll as a student or the projector sees it: `correct` only once the teacher released it. */
export const PollStudentView = strictObject({
  ...viewFields,
  settings: PublicPollSettings,
  correct: Type.Optional(CorrectAnswer),
});
export type PollStudentView = Static<typeof PollStudentView>;

/** Either view; the receiver knows which from its role. */
export const AnyPollView = Type.Union([PollView, PollStudentView]);
export type AnyPollView = Static<typeof AnyPollView>;
