/**
 * Checks an answer against the poll it is for (the schema has already checked its shape) and returns it
 * normalised, ready to store and tally: choices in poll order, word-cloud entries folded so that
 * "Photo Synthesis", " photo  synthesis" and "ＰＨＯＴＯ synthesis" count as one word.
 */
import { type AnswerValue, AppError, POLL_LIMITS, type PollContent } from '@handsup/protocol';

export type AnswerCheck = { ok: true; value: AnswerValue } | { ok: false; error: AppError };

const reject = (field: string, message: string): AnswerCheck => ({
  ok: false,
  error: new AppError('validation_failed', message, { field }),
});

// Control characters and invisible separators that would make equal-looking words differ.
const INVISIBLE = /[\p{Cc}\u200B\u2060\uFEFF\u00AD]/gu;

/**
 * One word-cloud entry: NFKC, case-folded, trimmed, inner whitespace collapsed to one space.
 * (`toUpperCase().toLowerCase()` folds the cases `toLowerCase` alone misses, e.g. ß → ss.)
 *
 * @example normaliseWordEntry('  Straße\tBahn ') === 'strasse bahn'
 */
export const normaliseWordEntry = (raw: string): string =>
  raw
    .normalize('NFKC')
    .replace(INVISIBLE, ' ')
    .toUpperCase()
    .toLowerCase()
    .normalize('NFKC')
    .replace(/\s+/gu, ' ')
    .trim();

/** Open text: NFC, control characters other than newline and tab removed, trimmed. */
export const normaliseOpenText = (raw: string): string =>
  raw
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/[^\P{Cc}\n\t]/gu, '')
    .trim();

const EPSILON = 1e-9;

/**
 * Validates `value` for a poll with `content`; never throws.
 *
 * @example validateAnswer(poll.content, { type: 'rating', value: 4 }) // { ok: true, value: {…} }
 */
export const validateAnswer = (content: PollContent, value: AnswerValue): AnswerCheck => {
  if (value.type !== content.type) return reject('value.type', `This poll expects a ${content.type} answer.`);
  switch (content.type) {
    case 'single_choice': {
      const v = value as Extract<AnswerValue, { type: 'single_choice' }>;
      if (!content.options.some((o) => o.id === v.optionId))
        return reject('value.optionId', 'No such option.');
      return { ok: true, value: { type: 'single_choice', optionId: v.optionId } };
    }
    case 'multiple_choice': {
      const v = value as Extract<AnswerValue, { type: 'multiple_choice' }>;
      const chosen = new Set(v.optionIds);
      if (chosen.size !== v.optionIds.length) return reject('value.optionIds', 'An option is chosen twice.');
      const known = new Set(content.options.map((o) => o.id));
      if (v.optionIds.some((id) => !known.has(id))) return reject('value.optionIds', 'No such option.');
      const min = content.minSelections ?? 1;
      const max = content.maxSelections ?? content.options.length;
      if (chosen.size < min) return reject('value.optionIds', `Choose at least ${min}.`);
      if (chosen.size > max) return reject('value.optionIds', `Choose at most ${max}.`);
      const ordered = content.options.filter((o) => chosen.has(o.id)).map((o) => o.id);
      return { ok: true, value: { type: 'multiple_choice', optionIds: ordered } };
    }
    case 'true_false': {
      const v = value as Extract<AnswerValue, { type: 'true_false' }>;
      return { ok: true, value: { type: 'true_false', value: v.value } };
    }
    case 'rating': {
      const v = value as Extract<AnswerValue, { type: 'rating' }>;
      if (!Number.isInteger(v.value) || v.value < 1 || v.value > content.scale) {
        return reject('value.value', `Choose a whole number from 1 to ${content.scale}.`);
      }
      return { ok: true, value: { type: 'rating', value: v.value } };
    }
    case 'numeric': {
      const v = value as Extract<AnswerValue, { type: 'numeric' }>;
      if (!Number.isFinite(v.value) || v.value < content.min || v.value > content.max) {
        return reject('value.value', `Enter a number from ${content.min} to ${content.max}.`);
      }
      if (content.step !== undefined) {
        const steps = (v.value - content.min) / content.step;
        if (Math.abs(steps - Math.round(steps)) > EPSILON * Math.max(1, Math.abs(steps))) {
          return reject('value.value', `Enter a multiple of ${content.step} from ${content.min}.`);
        }
      }
      return { ok: true, value: { type: 'numeric', value: v.value } };
    }
    case 'word_cloud': {
      const v = value as Extract<AnswerValue, { type: 'word_cloud' }>;
      const max = content.maxEntries ?? POLL_LIMITS.wordCloudEntriesMax;
      if (v.entries.length > max) return reject('value.entries', `Enter at most ${max}.`);
      const entries: string[] = [];
      for (const [i, raw] of v.entries.entries()) {
        const entry = normaliseWordEntry(raw);
        if (entry === '') return reject(`value.entries.${i}`, 'An entry is empty.');
        if (entry.length > POLL_LIMITS.wordCloudEntryMaxLength)
          return reject(`value.entries.${i}`, 'An entry is too long.');
        if (entry.split(' ').length > POLL_LIMITS.wordCloudWordsPerEntryMax) {
          return reject(
            `value.entries.${i}`,
            `An entry has at most ${POLL_LIMITS.wordCloudWordsPerEntryMax} words.`,
          );
        }
        if (!entries.includes(entry)) entries.push(entry);
      }
      return { ok: true, value: { type: 'word_cloud', entries } };
    }
    case 'open_text': {
      const v = value as Extract<AnswerValue, { type: 'open_text' }>;
      const text = normaliseOpenText(v.text);
      const max = content.maxLength ?? POLL_LIMITS.openTextMaxLength;
      if (text === '') return reject('value.text', 'The answer is empty.');
      if (text.length > max) return reject('value.text', `The answer is longer than ${max} characters.`);
      return { ok: true, value: { type: 'open_text', text } };
    }
  }
};
