/**
 * The student's unfinished answer, in one shape for every poll type, and its conversion into an
 * AnswerValue with the poll's own limits checked here first (so the student gets a clear sentence
 * instead of a round trip to a `validation_failed`).
 */
import { type AnswerValue, POLL_LIMITS, type PollContent } from '@handsup/protocol';

export interface Draft {
  ids: string[];
  rating: number | null;
  number: number | null;
  words: string[];
  text: string;
}

export function draftFrom(content: PollContent | null, current: AnswerValue | null): Draft {
  const slots = content?.type === 'word_cloud' ? (content.maxEntries ?? POLL_LIMITS.wordCloudEntriesMax) : 0;
  const d: Draft = { ids: [], rating: null, number: null, words: Array(slots).fill(''), text: '' };
  if (!current) return d;
  switch (current.type) {
    case 'single_choice':
      d.ids = [current.optionId];
      break;
    case 'multiple_choice':
      d.ids = [...current.optionIds];
      break;
    case 'true_false':
      d.ids = [String(current.value)];
      break;
    case 'rating':
      d.rating = current.value;
      break;
    case 'numeric':
      d.number = current.value;
      break;
    case 'word_cloud':
      d.words = d.words.map((_, i) => current.entries[i] ?? '');
      break;
    case 'open_text':
      d.text = current.text;
      break;
  }
  return d;
}

export type DraftResult = { ok: true; value: AnswerValue } | { ok: false; message: string };

const fail = (message: string): DraftResult => ({ ok: false, message });

export function toAnswer(content: PollContent, d: Draft): DraftResult {
  switch (content.type) {
    case 'single_choice':
      return d.ids[0]
        ? { ok: true, value: { type: 'single_choice', optionId: d.ids[0] } }
        : fail('Choose an option.');
    case 'multiple_choice': {
      const min = content.minSelections ?? 1;
      const max = content.maxSelections ?? content.options.length;
      if (d.ids.length < min) return fail(`Choose at least ${min}.`);
      if (d.ids.length > max) return fail(`Choose at most ${max}.`);
      const order = content.options.map((o) => o.id).filter((id) => d.ids.includes(id));
      return { ok: true, value: { type: 'multiple_choice', optionIds: order } };
    }
    case 'true_false':
      return d.ids[0]
        ? { ok: true, value: { type: 'true_false', value: d.ids[0] === 'true' } }
        : fail('Choose true or false.');
    case 'rating':
      return d.rating ? { ok: true, value: { type: 'rating', value: d.rating } } : fail('Choose a rating.');
    case 'numeric': {
      const n = d.number;
      if (n === null || typeof n !== 'number' || !Number.isFinite(n)) return fail('Enter a number.');
      if (n < content.min || n > content.max)
        return fail(`Enter a number between ${content.min} and ${content.max}.`);
      if (content.step) {
        const k = (n - content.min) / content.step;
        if (Math.abs(k - Math.round(k)) > 1e-9)
          return fail(`Use steps of ${content.step} from ${content.min}.`);
      }
      return { ok: true, value: { type: 'numeric', value: n } };
    }
    case 'word_cloud': {
      const entries = d.words.map((w) => w.trim().replace(/\s+/g, ' ')).filter((w) => w !== '');
      if (!entries.length) return fail('Enter at least one word.');
      if (entries.some((w) => w.split(' ').length > POLL_LIMITS.wordCloudWordsPerEntryMax))
        return fail(`Each entry can have at most ${POLL_LIMITS.wordCloudWordsPerEntryMax} words.`);
      return { ok: true, value: { type: 'word_cloud', entries } };
    }
    case 'open_text': {
      const text = d.text.trim();
      return text ? { ok: true, value: { type: 'open_text', text } } : fail('Write an answer first.');
    }
  }
}
