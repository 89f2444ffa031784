/**
 * Results export as CSV: one row per answer (the participant's name unless the poll is anonymous),
 * then one summary row per poll round. Cells that a spreadsheet would run as a formula (starting with
 * = + - @ tab or carriage return) are prefixed with ' (OWASP "CSV injection").
 */
import type { AnswerValue, ResultsView } from '@handsup/protocol';
import { effectiveAnonymity, type Poll, tallyFrom } from '../../domain/polls/index.ts';

export const HEADER = [
  'row',
  'poll_number',
  'poll_id',
  'round',
  'type',
  'prompt',
  'participant',
  'answer',
  'answered_at',
];

/** Neutralises formula injection, then quotes as RFC 4180 requires. */
export const csvCell = (value: string | number | null | undefined): string => {
  let s = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

const csvRow = (cells: (string | number | null | undefined)[]) => cells.map(csvCell).join(',');

export const answerText = (poll: Poll, v: AnswerValue): string => {
  const option = (id: string) =>
    poll.content.type === 'single_choice' || poll.content.type === 'multiple_choice'
      ? (poll.content.options.find((o) => o.id === id)?.text ?? id)
      : id;
  switch (v.type) {
    case 'single_choice':
      return option(v.optionId);
    case 'multiple_choice':
      return v.optionIds.map(option).join('; ');
    case 'true_false':
      return v.value ? 'true' : 'false';
    case 'rating':
    case 'numeric':
      return String(v.value);
    case 'word_cloud':
      return v.entries.join('; ');
    case 'open_text':
      return v.text;
  }
};

export const summaryText = (poll: Poll, r: ResultsView): string => {
  switch (r.type) {
    case 'single_choice':
    case 'multiple_choice':
    case 'true_false':
      return r.options
        .map(
          (o) =>
            `${answerText(poll, r.type === 'true_false' ? { type: 'true_false', value: o.id === 'true' } : { type: 'single_choice', optionId: o.id })}: ${o.count}`,
        )
        .join('; ');
    case 'rating':
      return `${r.histogram.map((n, i) => `${i + 1}: ${n}`).join('; ')}; mean ${r.mean ?? '-'}; median ${r.median ?? '-'}`;
    case 'numeric':
      return `mean ${r.mean ?? '-'}; median ${r.median ?? '-'}; min ${r.min ?? '-'}; max ${r.max ?? '-'}`;
    case 'word_cloud':
      return r.words.map((w) => `${w.text}: ${w.count}`).join('; ');
    case 'open_text':
      return `${r.total} answers`;
  }
};

export type ExportAnswer = { pollId: string; round: number; name: string; value: AnswerValue; at: number };

export const buildCsv = (
  polls: Poll[],
  answers: ExportAnswer[],
  sessionAnonymity: 'anonymous' | 'teacher_only' | 'names_shown',
): string => {
  const lines = [csvRow(HEADER)];
  const byPoll = new Map<string, ExportAnswer[]>();
  for (const a of answers) {
    const list = byPoll.get(a.pollId) ?? [];
    byPoll.set(a.pollId, list);
    list.push(a);
  }
  polls.forEach((poll, index) => {
    const list = byPoll.get(poll.id) ?? [];
    const anonymous = effectiveAnonymity(poll, { role: 'teacher', sessionAnonymity }) === 'anonymous';
    const rounds = [...new Set(list.map((a) => a.round))].sort((a, b) => a - b);
    for (const round of rounds) {
      const inRound = list.filter((a) => a.round === round);
      for (const a of inRound) {
        lines.push(
          csvRow([
            'answer',
            index + 1,
            poll.id,
            round,
            poll.type,
            poll.prompt,
            anonymous ? '' : a.name,
            answerText(poll, a.value),
            new Date(a.at).toISOString(),
          ]),
        );
      }
      const tally = tallyFrom(
        poll.content,
        inRound.map((a, i) => ({ participantId: String(i), value: a.value })),
      );
      lines.push(
        csvRow([
          'summary',
          index + 1,
          poll.id,
          round,
          poll.type,
          poll.prompt,
          `${inRound.length} answered`,
          summaryText(poll, tally.results()),
          '',
        ]),
      );
    }
  });
  return `${lines.join('\r\n')}\r\n`;
};
