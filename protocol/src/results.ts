/**
 * Results of one poll round, per type (a discriminated union on `type`). Every frame carries the whole
 * tally, never a delta, so a client that missed one simply takes the next. `total` is the number of
 * students who answered. Lists are capped (RESULTS_LIMITS) so a frame stays small however big the class.
 *
 * @example
 *   { type: 'single_choice', total: 3, options: [{ id: 'a', count: 2 }, { id: 'b', count: 1 }] }
 *   { type: 'rating', total: 2, scale: 5, histogram: [0, 0, 1, 0, 1], mean: 4, median: 4 }
 */
import { type Static, Type } from '@sinclair/typebox';
import { PollOption } from './polls.ts';
import { Nullable, strictObject } from './strict.ts';

export const RESULTS_LIMITS = {
  /** Most frequent words sent for a word cloud. */
  wordCloudWords: 200,
  /** Most recent answers sent for open text (export has them all). */
  openTextAnswers: 200,
  /** Numeric histogram: one bin per step value up to this many, otherwise this many equal bins. */
  numericBins: 20,
} as const;

const Count = Type.Integer({ minimum: 0 });

/** Choice-like polls; true/false uses option ids `true` and `false`. Options in poll order. */
export const ChoiceResults = strictObject({
  type: Type.Union([
    Type.Literal('single_choice'),
    Type.Literal('multiple_choice'),
    Type.Literal('true_false'),
  ]),
  total: Count,
  options: Type.Array(strictObject({ id: PollOption.properties.id, count: Count })),
});

/** `histogram[i]` counts answers of value i + 1. Mean and median are null with no answers. */
export const RatingResults = strictObject({
  type: Type.Literal('rating'),
  total: Count,
  scale: Type.Union([Type.Literal(5), Type.Literal(10)]),
  histogram: Type.Array(Count, { maxItems: 10 }),
  mean: Nullable(Type.Number()),
  median: Nullable(Type.Number()),
});

/** Bins are [from, to) except the last, which is [from, to]; from === to for one-value bins. */
export const NumericResults = strictObject({
  type: Type.Literal('numeric'),
  total: Count,
  bins: Type.Array(strictObject({ from: Type.Number(), to: Type.Number(), count: Count })),
  mean: Nullable(Type.Number()),
  median: Nullable(Type.Number()),
  min: Nullable(Type.Number()),
  max: Nullable(Type.Number()),
});

/** Normalised words (lower case, NFKC), most frequent first, ties alphabetical; each student counts once per word. */
export const WordCloudResults = strictObject({
  type: Type.Literal('word_cloud'),
  total: Count,
  distinctWords: Count,
  words: Type.Array(strictObject({ text: Type.String(), count: Count })),
});

/** Answers in the order given (latest kept when capped). `name` only where the viewer may see names. */
export const OpenTextResults = strictObject({
  type: Type.Literal('open_text'),
  total: Count,
  truncated: Type.Boolean(),
  answers: Type.Array(strictObject({ text: Type.String(), name: Type.Optional(Type.String()) })),
});

export const ResultsView = Type.Union([
  ChoiceResults,
  RatingResults,
  NumericResults,
  WordCloudResults,
  OpenTextResults,
]);
export type ResultsView = Static<typeof ResultsView>;
