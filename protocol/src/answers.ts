/**
 * A student's answer, per poll type (a discriminated union on `type`, which must equal the poll's type).
 * Stored as-is, after normalisation, in `responses.value`. Limits here are shape limits; whether an
 * answer fits *this* poll (option ids, range, scale) is server/src/domain/polls/validate-answer.ts.
 *
 * @example
 *   const a: AnswerValue = { type: 'multiple_choice', optionIds: ['a', 'c'] };
 *   const w: AnswerValue = { type: 'word_cloud', entries: ['photosynthesis', 'sun light'] };
 */
import { type Static, Type } from '@sinclair/typebox';
import { POLL_LIMITS as L, PollOption } from './polls.ts';
import { strictObject } from './strict.ts';

const OptionId = PollOption.properties.id;

export const SingleChoiceAnswer = strictObject({ type: Type.Literal('single_choice'), optionId: OptionId });
export const MultipleChoiceAnswer = strictObject({
  type: Type.Literal('multiple_choice'),
  optionIds: Type.Array(OptionId, { maxItems: L.optionsMax, uniqueItems: true }),
});
export const TrueFalseAnswer = strictObject({ type: Type.Literal('true_false'), value: Type.Boolean() });
export const RatingAnswer = strictObject({
  type: Type.Literal('rating'),
  value: Type.Integer({ minimum: 1, maximum: 10 }),
});
export const NumericAnswer = strictObject({
  type: Type.Literal('numeric'),
  value: Type.Number({ minimum: -L.numericAbsMax, maximum: L.numericAbsMax }),
});
export const WordCloudAnswer = strictObject({
  type: Type.Literal('word_cloud'),
  entries: Type.Array(Type.String({ minLength: 1, maxLength: L.wordCloudEntryMaxLength }), {
    minItems: 1,
    maxItems: L.wordCloudEntriesMax,
  }),
});
export const OpenTextAnswer = strictObject({
  type: Type.Literal('open_text'),
  text: Type.String({ minLength: 1, maxLength: L.openTextMaxLength }),
});

export const AnswerValue = Type.Union([
  SingleChoiceAnswer,
  MultipleChoiceAnswer,
  TrueFalseAnswer,
  RatingAnswer,
  NumericAnswer,
  WordCloudAnswer,
  OpenTextAnswer,
]);
export type AnswerValue = Static<typeof AnswerValue>;
export type AnswerOf<T extends AnswerValue['type']> = Extract<AnswerValue, { type: T }>;
