/**
 * Numbers behind every chart, computed once so the bars, the data table and the screen-reader summary
 * can never disagree. Labels come from the poll (results carry option ids only); percentages are of
 * the students who answered (multiple choice can sum past 100%).
 */
import type { AnyPollView, CorrectAnswer, ResultsView } from '@handsup/protocol';

export interface Row {
  key: string;
  label: string;
  count: number;
  /** Share of `total` in percent, 0 when nobody answered. */
  percent: number;
  /** Marked correct (only once the correct answer is known to this viewer). */
  correct: boolean;
}

export const percentOf = (count: number, total: number): number => (total > 0 ? (count / total) * 100 : 0);
export const formatPercent = (p: number): string => `${Math.round(p)}%`;
export const formatNumber = (n: number): string =>
  Number.isInteger(n) ? n.toLocaleString('en') : n.toLocaleString('en', { maximumFractionDigits: 2 });

function optionLabels(poll: AnyPollView): Map<string, string> {
  const c = poll.content;
  if (c.type === 'single_choice' || c.type === 'multiple_choice')
    return new Map(c.options.map((o) => [o.id, o.text]));
  if (c.type === 'true_false')
    return new Map([
      ['true', 'True'],
      ['false', 'False'],
    ]);
  return new Map();
}

function isCorrectOption(id: string, correct: CorrectAnswer | null): boolean {
  if (!correct) return false;
  if (correct.kind === 'choice') return correct.optionIds.includes(id);
  if (correct.kind === 'true_false') return String(correct.value) === id;
  return false;
}

/** One row per option, in poll order, including options nobody chose (stable rows = no layout shift). */
export function choiceRows(
  poll: AnyPollView,
  results: ResultsView | null,
  correct: CorrectAnswer | null,
): Row[] {
  const labels = optionLabels(poll);
  const counts = new Map<string, number>();
  if (results && 'options' in results) for (const o of results.options) counts.set(o.id, o.count);
  const total = results?.total ?? 0;
  return [...labels].map(([id, label]) => {
    const count = counts.get(id) ?? 0;
    return { key: id, label, count, percent: percentOf(count, total), correct: isCorrectOption(id, correct) };
  });
}

function inCorrectRange(from: number, to: number, correct: CorrectAnswer | null): boolean {
  if (!correct) return false;
  if (correct.kind === 'numeric_value') {
    const tol = correct.tolerance ?? 0;
    return to >= correct.value - tol && from <= correct.value + tol;
  }
  if (correct.kind === 'numeric_range') return to >= correct.min && from <= correct.max;
  return false;
}

/** Histogram columns: one per rating value, or per numeric bin. */
export function histogramRows(
  poll: AnyPollView,
  results: ResultsView | null,
  correct: CorrectAnswer | null,
): Row[] {
  const c = poll.content;
  const total = results?.total ?? 0;
  if (c.type === 'rating') {
    const hist = results?.type === 'rating' ? results.histogram : [];
    return Array.from({ length: c.scale }, (_, i) => {
      const count = hist[i] ?? 0;
      return {
        key: String(i + 1),
        label: String(i + 1),
        count,
        percent: percentOf(count, total),
        correct: false,
      };
    });
  }
  if (results?.type !== 'numeric') return [];
  const unit = c.type === 'numeric' && c.unit ? ` ${c.unit}` : '';
  return results.bins.map((b) => ({
    key: `${b.from}-${b.to}`,
    label:
      b.from === b.to
        ? `${formatNumber(b.from)}${unit}`
        : `${formatNumber(b.from)}–${formatNumber(b.to)}${unit}`,
    count: b.count,
    percent: percentOf(b.count, total),
    correct: inCorrectRange(b.from, b.to, correct),
  }));
}

const answers = (n: number) => `${n} ${n === 1 ? 'answer' : 'answers'}`;

/** A sentence for screen readers (announced politely) and the table caption. */
export function summarize(
  poll: AnyPollView,
  results: ResultsView | null,
  correct: CorrectAnswer | null,
): string {
  if (!results) return 'No results to show yet.';
  const head = `${answers(results.total)}.`;
  switch (results.type) {
    case 'single_choice':
    case 'multiple_choice':
    case 'true_false':
      return `${head} ${choiceRows(poll, results, correct)
        .map((r) => `${r.label}: ${r.count} (${formatPercent(r.percent)})${r.correct ? ', correct' : ''}`)
        .join('; ')}.`;
    case 'rating':
    case 'numeric':
      if (results.mean === null || results.median === null) return head;
      return `${head} Mean ${formatNumber(results.mean)}, median ${formatNumber(results.median)}.`;
    case 'word_cloud': {
      const top = results.words.slice(0, 5).map((w) => `${w.text} (${w.count})`);
      return top.length ? `${head} Most frequent: ${top.join(', ')}.` : head;
    }
    case 'open_text':
      return head;
  }
}
